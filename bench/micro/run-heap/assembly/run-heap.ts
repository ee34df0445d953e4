// An experiment: a value heap for large queues that keeps most entries in sorted runs instead of
// one tree (the idea of sequence heaps), measured against the core's heap in bench/micro/heap.ts
// (`--only wasm-heap=<this build>`). One queue per instance, its shape fixed at build time, so that
// variants are quick to compare. The core's value heaps use this design past 2^18 entries
// (assembly/heap-runs.ts: a record per heap, pages from the arena, the heap's own array as one
// more source, a top cell for the JS reads).
//
// Why: past the caches every level of a sift-down waits for the line the level before chose, so a
// pop from a million entries is a chain of misses. Here a push goes into a small insertion heap
// that stays in the cache. When it fills, the other of two heap regions takes the pushes while the
// full one gives its entries, smallest first, to a new run; two runs of a level are merged into
// one run of the next. Pops are served from a small buffer refilled from the runs' fronts by a
// tournament. Every large move is a sequential pass.
//
// Two choices keep it smooth and small:
//   - paced work: a push does at most one chunk of work — SORT_CHUNK entries of the sort, or
//     MERGE_CHUNK entries of one level's merge, the levels taking turns — and only the work that
//     is owed (RATE entries a push since the task began). A chunk touches two or three streams, so
//     the prefetchers keep up, and no push does the work of thousands.
//   - paged runs: a run is a chain of PAGE-entry pages from one pool. A merge gives back each
//     input page as it leaves it and takes output pages as it needs them, so a merge holds no
//     second copy of its inputs, and every page fits every run.
//
//   the queue, in this instance's memory above __heap_base
//   ╒══════════════╤══════════════╤════════╤═════════╤═══════════╤══════════════╤═══════════╤═══════╕
//   │ heap one     │ heap two     │ buffer │ scratch │ run slots │ levels,      │ next page │ pages │
//   │ HEAP_ENTRIES │ HEAP_ENTRIES │ BUFFER │ 1       │ MAX_RUNS  │ sources, tree│ MAX_PAGES │ ...   │
//   └──────────────┴──────────────┴────────┴─────────┴───────────┴──────────────┴───────────┴───────┘
//
//   entry, 16 bytes (as the core's)
//   ╒═══════════════════════════════╤═══════════════╤═══════════════╕
//   │ key                       u64 │ seq       u32 │ item      u32 │
//   └───────────────────────────────┴───────────────┴───────────────┘
//   key  the f64's bits in an order that unsigned comparison keeps; seq  arrival number, the
//   tie-break among equal keys (first in, first out, as the core's heaps).
//
//   run slot, six u32 tables indexed by run: front page, front index, back page, back index,
//   count, state. An index runs 0..PAGE; PAGE means "at the page's end": a reader moves to the
//   next page (giving this one back) before it reads, a writer takes a new page before it writes.
//
// Invariants
//   - every buffer entry orders before every entry a refill can take from (the heap being sorted,
//     its run, the runs, the merges' outputs and inputs): refills take the smallest of those, and
//     when a heap starts being sorted the buffer's rest joins it first. So the smallest entry is
//     the insertion heap's top or the buffer's front.
//   - a merge's output, and the run of the heap being sorted, hold only entries that order before
//     what their inputs still hold.
//   - a page is given back only by its run's reader once the writer has moved past it, or when
//     the whole run is freed.
//
// Measured (2026-11-26; bench/micro/heap.ts `--only wasm-heap=...,wasm-heap+payload=...`, ns per
// push + pop, random keys, side by side in one run; `+payload` adds a side array of payload objects,
// as flatqueue + payload array does; latency: `npx tsx bench/micro/run-heap/latency.ts`, single
// pop + push held at 1e6, 2e6 of them). "Stepped" is this heap's earlier form (git history,
// 7cd0511): all work every 4,096 pushes, runs in power-of-two blocks.
//
//                        held 1e5  held 1e6  + payload  filled and drained 1e6  + payload  held 1e7
//   paced, paged (this)  108       132       414        126                     276        154-160
//   stepped              101       116       375        115                     288        144
//   core raw value heap   78       241                  148
//   PriorityQueue                            594                                384
//   flatqueue + payload                      839                                641
//
//                        p50     p99       p99.9       p99.99      over 100 µs   memory of runs
//   paced, paged (this)  60 ns   0.9 µs    1.3-1.5 µs  3.0-3.9 µs  3-7           16.2 B an entry
//   stepped              60 ns   0.6 µs    0.9 µs      0.3 ms      ~500          up to ~32 B
//   core NumericPriorityQueue (same loop, earlier)  p99.9 1.0 µs, p99.99 30 µs, 3-4 over 100 µs
//
// Pacing costs ~15 % of the heap's own time: chunks of 8 sort pops and 128 merged entries instead of
// thousands at once, and a refill's tournament built again for every 16 entries (a 64-entry buffer:
// 122 ns held at 1e6, p99.9 2.2 µs; 32: 126-132 ns, 1.6 µs). Chunk sizes barely move the time
// (sort 8-64, merge 128-4,096, pages 1,024-4,096: 128-137 ns) but set the tail (sort 64 and merge
// 4,096: p99.9 14 µs). Profile (perf, held 1e6): the sort's heap pops 28 %, refills 27 %, merges
// 20 %, pushes 8 %. Pages hold the runs in 16.2 bytes an entry at 1e6 and 16.0 at 1e7, counted at
// their peak (a merge gives back each input page it leaves). At 1e5 the one tree is faster.
//
// `npx tsx bench/micro/run-heap/check.ts` checks the pop order against NumericPriorityQueue.

// @ts-ignore: decorator
@inline const INSERTION: u32 = 4096;
// @ts-ignore: decorator
@inline const BUFFER: u32 = 16;
/** Entries a run page holds (a power of two). */
// @ts-ignore: decorator
@inline const PAGE: u32 = 1024;
/** Pushes between looks at the work owed (a power of two). */
// @ts-ignore: decorator
@inline const PACE_EVERY: u32 = 4;
// @ts-ignore: decorator
@inline const SORT_CHUNK: u32 = 8;
// @ts-ignore: decorator
@inline const MERGE_CHUNK: u32 = 128;
/**
 * Entries a push owes each task under way. A sort moves at most HEAP_ENTRIES entries before the
 * next one starts INSERTION pushes later, and a level's merge at most 2^(level + 1) · HEAP_ENTRIES
 * before its next pair arrives 2^(level + 1) · INSERTION pushes later, so about one a push keeps
 * pace; two leave room for the chunks' turns.
 */
// @ts-ignore: decorator
@inline const RATE: u32 = 2;
// @ts-ignore: decorator
@inline const MAX_RUNS: u32 = 128;
// @ts-ignore: decorator
@inline const MAX_LEVELS: u32 = 32;
// @ts-ignore: decorator
@inline const MAX_PAGES: u32 = 1 << 20;

// ── entries ──────────────────────────────────────────────────────────────────────────────────

/** Whether the entry at `a` orders before the one at `b`; the seq is read only for equal keys. */
// @ts-ignore: decorator
@inline function before(a: usize, b: usize): bool {
  let ka = load<u64>(a), kb = load<u64>(b);
  let result = ka < kb; // a value, not a branch: which key is smaller is a coin toss
  if (ka == kb) result = load<u32>(a, 8) < load<u32>(b, 8);
  return result;
}

// @ts-ignore: decorator
@inline function copyEntry(to: usize, from: usize): void {
  store<u64>(to, load<u64>(from));
  store<u64>(to, load<u64>(from, 8), 8);
}

// @ts-ignore: decorator
@inline function encode(key: f64): u64 {
  let bits = reinterpret<u64>(key);
  return bits ^ (<u64>(<i64>bits >> 63) | 0x8000_0000_0000_0000);
}

// ── memory ───────────────────────────────────────────────────────────────────────────────────

/** Room for a full insertion heap and the buffer's rest, which joins it when it is sorted. */
// @ts-ignore: decorator
@inline const HEAP_ENTRIES: u32 = INSERTION + BUFFER;
/** Entry 1 on a line boundary, so each group of four siblings is one line (as in the core). */
const HEAP_ONE: usize = ((__heap_base + 63) & ~<usize>63) + 48;
const HEAP_TWO: usize = HEAP_ONE + <usize>HEAP_ENTRIES * 16 + 64;
const BUF: usize = HEAP_TWO + <usize>HEAP_ENTRIES * 16 + 16;
const SCRATCH: usize = BUF + <usize>BUFFER * 16;
const FRONT_PAGE: usize = SCRATCH + 16;
const FRONT_INDEX: usize = FRONT_PAGE + MAX_RUNS * 4;
const BACK_PAGE: usize = FRONT_INDEX + MAX_RUNS * 4;
const BACK_INDEX: usize = BACK_PAGE + MAX_RUNS * 4;
const COUNT: usize = BACK_INDEX + MAX_RUNS * 4;
const STATE: usize = COUNT + MAX_RUNS * 4;
const LEVEL_WAITING: usize = STATE + MAX_RUNS * 4;
const LEVEL_A: usize = LEVEL_WAITING + MAX_LEVELS * 4;
const LEVEL_B: usize = LEVEL_A + MAX_LEVELS * 4;
const LEVEL_OUTPUT: usize = LEVEL_B + MAX_LEVELS * 4;
/** The push count when the level's merge began, and the entries it has moved since. */
const LEVEL_BEGAN: usize = LEVEL_OUTPUT + MAX_LEVELS * 4;
const LEVEL_MOVED: usize = LEVEL_BEGAN + MAX_LEVELS * 4;
const SOURCES: usize = LEVEL_MOVED + MAX_LEVELS * 4;
const TREE: usize = SOURCES + MAX_RUNS * 4;
const LEAF_KEY: usize = TREE + MAX_RUNS * 8;
const LEAF_SEQ: usize = LEAF_KEY + MAX_RUNS * 8;
const NEXT_PAGE: usize = LEAF_SEQ + MAX_RUNS * 4;
const PAGES: usize = (NEXT_PAGE + <usize>MAX_PAGES * 4 + 63) & ~<usize>63;

function reach(end: usize): void {
  let have = <usize>memory.size() << 16;
  if (end > have) memory.grow(<i32>((end - have + 0xffff) >> 16));
}
reach(PAGES);

// ── pages ────────────────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const NONE: u32 = 0xffff_ffff;

/** Pages ever taken from memory, pages given back (a list through NEXT_PAGE), pages in runs. */
let pageTop: u32 = 0, freePage: u32 = NONE, livePages: u32 = 0, peakPages: u32 = 0;

// @ts-ignore: decorator
@inline function pageAt(page: u32): usize { return PAGES + (<usize>page << 4) * PAGE; }
// @ts-ignore: decorator
@inline function nextOf(page: u32): usize { return NEXT_PAGE + (<usize>page << 2); }

function takePage(): u32 {
  if (++livePages > peakPages) peakPages = livePages;
  let page = freePage;
  if (page != NONE) {
    freePage = load<u32>(nextOf(page));
    return page;
  }
  page = pageTop++;
  reach(pageAt(pageTop));
  return page;
}

function givePage(page: u32): void {
  store<u32>(nextOf(page), freePage);
  freePage = page;
  livePages--;
}

// ── runs ─────────────────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const FREE: u32 = 0;
// @ts-ignore: decorator
@inline const TAKEN: u32 = 1;

// @ts-ignore: decorator
@inline function field(table: usize, index: u32): usize { return table + (<usize>index << 2); }
// @ts-ignore: decorator
@inline function get(table: usize, index: u32): u32 { return load<u32>(field(table, index)); }
// @ts-ignore: decorator
@inline function set(table: usize, index: u32, value: u32): void { store<u32>(field(table, index), value); }

/** A free run slot, taken, empty, with one page to write to. */
function newRun(): u32 {
  let run: u32 = 0;
  while (get(STATE, run) != FREE) run++;
  let page = takePage();
  set(FRONT_PAGE, run, page);
  set(FRONT_INDEX, run, 0);
  set(BACK_PAGE, run, page);
  set(BACK_INDEX, run, 0);
  set(COUNT, run, 0);
  set(STATE, run, TAKEN);
  return run;
}

function freeRun(run: u32): void {
  let page = get(FRONT_PAGE, run), last = get(BACK_PAGE, run);
  while (true) {
    let next = load<u32>(nextOf(page));
    givePage(page);
    if (page == last) break;
    page = next;
  }
  set(STATE, run, FREE);
}

/** The run's front entry (it has one), moving to its next page first if the front one is spent. */
// @ts-ignore: decorator
@inline function frontOf(run: u32): usize {
  let index = get(FRONT_INDEX, run);
  if (index == PAGE) return nextFront(run);
  return pageAt(get(FRONT_PAGE, run)) + (<usize>index << 4);
}

function nextFront(run: u32): usize {
  let page = get(FRONT_PAGE, run);
  let next = load<u32>(nextOf(page));
  givePage(page);
  set(FRONT_PAGE, run, next);
  set(FRONT_INDEX, run, 0);
  return pageAt(next);
}

/** Where the run's next entry goes, taking a new page first if the back one is full. */
function backOf(run: u32): usize {
  let page = get(BACK_PAGE, run), index = get(BACK_INDEX, run);
  if (index == PAGE) {
    let next = takePage();
    store<u32>(nextOf(page), next);
    set(BACK_PAGE, run, page = next);
    set(BACK_INDEX, run, index = 0);
  }
  return pageAt(page) + (<usize>index << 4);
}

/** Counts `entries` read from the run's front (within its front page). */
// @ts-ignore: decorator
@inline function consumed(run: u32, entries: u32): void {
  set(FRONT_INDEX, run, get(FRONT_INDEX, run) + entries);
  set(COUNT, run, get(COUNT, run) - entries);
}

/** Counts `entries` written at the run's back (within its back page). */
// @ts-ignore: decorator
@inline function written(run: u32, entries: u32): void {
  set(BACK_INDEX, run, get(BACK_INDEX, run) + entries);
  set(COUNT, run, get(COUNT, run) + entries);
}

// ── heaps: the insertion heap, and the full one being sorted into a run (4-ary, as the core's) ──

let insertAt: usize = HEAP_ONE, insertSize: u32 = 0;
let sortAt: usize = HEAP_TWO, sortSize: u32 = 0;
/** The run the heap being sorted gives its entries to, smallest first; NONE while none is sorted. */
let sortedRun: u32 = NONE;
/** The push count when the sort began, and the entries it has moved since. */
let sortBegan: u32 = 0, sortMoved: u32 = 0;
let nextSeq: u32 = 0, total: u32 = 0, pushes: u32 = 0;
/** Tasks finished at once because the next sort or pair came before they were done (pauses). */
let forcedTasks: u32 = 0;

// @ts-ignore: decorator
@inline function entryOf(heap: usize, i: u32): usize { return heap + (<usize>i << 4); }

/** Adds an entry to the heap at `heap` holding `size` (the caller counts it). */
function heapPush(heap: usize, size: u32, key: u64, seq: u32, item: u32): void {
  let i = size;
  while (i > 0) {
    let parent = (i - 1) >> 2;
    let above = entryOf(heap, parent);
    let aboveKey = load<u64>(above);
    if (aboveKey < key || (aboveKey == key && load<u32>(above, 8) < seq)) break;
    copyEntry(entryOf(heap, i), above);
    i = parent;
  }
  let at = entryOf(heap, i);
  store<u64>(at, key);
  store<u32>(at, seq, 8);
  store<u32>(at, item, 12);
}

/** Copies the top entry of the heap at `heap` holding `size` to `out` and restores the rest (the caller counts it). */
function heapPopTo(heap: usize, size: u32, out: usize): void {
  copyEntry(out, heap);
  let rest = size - 1;
  if (rest == 0) return;
  let last = entryOf(heap, rest);
  let key = load<u64>(last), seq = load<u32>(last, 8), item = load<u32>(last, 12);
  let i: u32 = 0;
  while (true) {
    let first = (i << 2) + 1;
    if (first >= rest) break;
    let best = entryOf(heap, first);
    if (first + 3 < rest) {
      // The smallest of four by selects (pairs, then the winners), as the core's sift does.
      let e1 = best + 16, e2 = best + 32, e3 = best + 48;
      let b1 = before(e1, best), b3 = before(e3, e2);
      let low = select(e1, best, b1), high = select(e3, e2, b3);
      best = select(high, low, before(high, low));
    } else {
      for (let child = first + 1; child < rest; child++) best = select(entryOf(heap, child), best, before(entryOf(heap, child), best));
    }
    let bestKey = load<u64>(best);
    if (bestKey > key || (bestKey == key && load<u32>(best, 8) > seq)) break;
    copyEntry(entryOf(heap, i), best);
    i = <u32>((best - heap) >> 4);
  }
  let at = entryOf(heap, i);
  store<u64>(at, key);
  store<u32>(at, seq, 8);
  store<u32>(at, item, 12);
}

/**
 * The insertion heap is full: it becomes the heap being sorted, and the other region takes the
 * pushes. The buffer's rest joins it first: once sorted, its entries are reached only by refills,
 * and some may order before entries the buffer still holds.
 */
function startSort(): void {
  if (sortSize > 0) {
    forcedTasks++;
    sortSome(sortSize);
  }
  for (let k = bufferFront; k < bufferEnd; k++) {
    let entry = BUF + (<usize>k << 4);
    heapPush(insertAt, insertSize++, load<u64>(entry), load<u32>(entry, 8), load<u32>(entry, 12));
  }
  bufferFront = bufferEnd = 0;
  let full = insertAt;
  insertAt = sortAt;
  sortAt = full;
  sortSize = insertSize;
  insertSize = 0;
  sortedRun = newRun();
  sortBegan = pushes;
  sortMoved = 0;
}

/** Moves up to `count` entries of the heap being sorted to its run; a run sorted to the end arrives at level 0. */
function sortSome(count: u32): void {
  let run = sortedRun;
  let left = min(count, sortSize);
  sortMoved += left;
  while (left > 0) {
    let out = backOf(run);
    let entries = min(left, PAGE - get(BACK_INDEX, run));
    for (let k: u32 = 0; k < entries; k++) {
      heapPopTo(sortAt, sortSize--, out);
      out += 16;
    }
    written(run, entries);
    left -= entries;
  }
  if (sortSize == 0) endSort();
}

function endSort(): void {
  let run = sortedRun;
  sortedRun = NONE;
  arrive(run, 0);
}

// ── merges ───────────────────────────────────────────────────────────────────────────────────
//
// A level holds at most one run waiting for a partner; when a second arrives the two become the
// inputs of the level's merge, whose output (a run of the next level) grows by a chunk on the
// level's turns. Until it is done the merge's output front is a refill source (it holds the
// smallest of its inputs' entries so far), and so are the inputs' fronts: a refill may take from
// them directly, and the merge then goes on from there. (Run slots are not bounds-checked: levels
// up to MAX_RUNS / 4 hold far more entries than a benchmark pushes.)

let bufferFront: u32 = 0, bufferEnd: u32 = 0, levels: u32 = 0, turn: u32 = 0;

/** A finished run arrives at `level`: it waits there, or starts the level's merge with the one waiting. */
function arrive(run: u32, level: u32): void {
  if (get(COUNT, run) == 0) {
    freeRun(run);
    return;
  }
  if (level >= levels) {
    for (let l = levels; l <= level; l++) {
      set(LEVEL_WAITING, l, NONE);
      set(LEVEL_OUTPUT, l, NONE);
    }
    levels = level + 1;
  }
  let partner = get(LEVEL_WAITING, level);
  if (partner == NONE) {
    set(LEVEL_WAITING, level, run);
    return;
  }
  // The level's merge should be done by now; if the partner came early, finish it at once.
  if (get(LEVEL_OUTPUT, level) != NONE) {
    forcedTasks++;
    merge(level, NONE);
  }
  set(LEVEL_WAITING, level, NONE);
  set(LEVEL_A, level, partner);
  set(LEVEL_B, level, run);
  set(LEVEL_OUTPUT, level, newRun());
  set(LEVEL_BEGAN, level, pushes);
  set(LEVEL_MOVED, level, 0);
}

/** Moves up to `budget` entries of the level's merge into its output; ends the merge when its inputs are spent. */
function merge(level: u32, budget: u32): void {
  let output = get(LEVEL_OUTPUT, level);
  let first = get(LEVEL_A, level), second = get(LEVEL_B, level);
  let moved: u32 = 0;
  while (moved < budget) {
    let firstCount = get(COUNT, first), secondCount = get(COUNT, second);
    if (firstCount == 0 && secondCount == 0) break;
    let out = backOf(output);
    let entries = min(budget - moved, PAGE - get(BACK_INDEX, output));
    if (firstCount == 0 || secondCount == 0) {
      let rest = firstCount == 0 ? second : first;
      let from = frontOf(rest);
      entries = min(entries, min(get(COUNT, rest), PAGE - get(FRONT_INDEX, rest)));
      memory.copy(out, from, <usize>entries << 4);
      consumed(rest, entries);
    } else {
      let a = frontOf(first), b = frontOf(second);
      // Within this many steps no cursor leaves its page nor its run.
      entries = min(entries, min(min(PAGE - get(FRONT_INDEX, first), PAGE - get(FRONT_INDEX, second)), min(firstCount, secondCount)));
      let startA = a, startB = b, stop = out + (<usize>entries << 4);
      // Selects pick the winner and move both cursors: random keys would mispredict a branch on
      // every other entry.
      while (out < stop) {
        let takeB = before(b, a);
        copyEntry(out, select(b, a, takeB));
        out += 16;
        b += select<usize>(16, 0, takeB);
        a += select<usize>(0, 16, takeB);
      }
      consumed(first, <u32>((a - startA) >> 4));
      consumed(second, <u32>((b - startB) >> 4));
    }
    written(output, entries);
    moved += entries;
  }
  set(LEVEL_MOVED, level, get(LEVEL_MOVED, level) + moved);
  if (get(COUNT, first) == 0 && get(COUNT, second) == 0) finish(level);
}

function finish(level: u32): void {
  let output = get(LEVEL_OUTPUT, level);
  freeRun(get(LEVEL_A, level));
  freeRun(get(LEVEL_B, level));
  set(LEVEL_OUTPUT, level, NONE);
  arrive(output, level + 1);
}

/**
 * Every PACE_EVERY pushes, the chunks of work that are owed: the sort's, and the merge of the
 * level whose turn it is (one level a time keeps each call short).
 */
function pace(): void {
  if (sortSize > 0 && (pushes - sortBegan) * RATE - sortMoved >= SORT_CHUNK) sortSome(SORT_CHUNK);
  if (levels == 0) return;
  let level = turn;
  turn = level + 1 == levels ? 0 : level + 1;
  if (get(LEVEL_OUTPUT, level) != NONE && (pushes - get(LEVEL_BEGAN, level)) * RATE - get(LEVEL_MOVED, level) >= MERGE_CHUNK) {
    merge(level, MERGE_CHUNK);
  }
}

// ── refills ──────────────────────────────────────────────────────────────────────────────────

/** The heap being sorted, among a refill's sources (its front is its top). */
// @ts-ignore: decorator
@inline const SORT_SOURCE: u32 = 0xffff_fffe;

/**
 * Lists what a refill takes from at `sources` (u32 each): the heap being sorted (SORT_SOURCE) and
 * its run, every level's waiting run, and its merge's output and inputs.
 */
function listSources(sources: usize): u32 {
  let count: u32 = 0;
  if (sortSize > 0) count = addSource(sources, count, SORT_SOURCE);
  if (sortedRun != NONE) count = addSource(sources, count, sortedRun);
  for (let level: u32 = 0; level < levels; level++) {
    let waiting = get(LEVEL_WAITING, level);
    if (waiting != NONE) count = addSource(sources, count, waiting);
    let output = get(LEVEL_OUTPUT, level);
    if (output != NONE) {
      count = addSource(sources, count, output);
      count = addSource(sources, count, get(LEVEL_A, level));
      count = addSource(sources, count, get(LEVEL_B, level));
    }
  }
  return count;
}

// @ts-ignore: decorator
@inline function addSource(sources: usize, count: u32, run: u32): u32 {
  store<u32>(sources + (<usize>count << 2), run);
  return count + 1;
}

/** A spent source's front: orders after every entry (no key encodes to all ones; NaN never enters). */
// @ts-ignore: decorator
@inline const SPENT: u64 = 0xffff_ffff_ffff_ffff;

/** Copies source `leaf`'s front key and seq beside the tournament, where its replays read them. */
function loadLeaf(leaf: u32): void {
  let run = load<u32>(SOURCES + (<usize>leaf << 2));
  let key = SPENT, seq: u32 = 0;
  if (run == SORT_SOURCE ? sortSize > 0 : get(COUNT, run) > 0) {
    let front = run == SORT_SOURCE ? sortAt : frontOf(run);
    key = load<u64>(front);
    seq = load<u32>(front, 8);
  }
  store<u64>(LEAF_KEY + (<usize>leaf << 3), key);
  store<u32>(LEAF_SEQ + (<usize>leaf << 2), seq);
}

/** Of two leaves, the one whose front orders first (ties between spent leaves go either way). */
// @ts-ignore: decorator
@inline function winner(x: u32, y: u32): u32 {
  let keyX = load<u64>(LEAF_KEY + (<usize>x << 3)), keyY = load<u64>(LEAF_KEY + (<usize>y << 3));
  let takeY = keyY < keyX;
  if (keyY == keyX) takeY = load<u32>(LEAF_SEQ + (<usize>y << 2)) < load<u32>(LEAF_SEQ + (<usize>x << 2));
  return select(y, x, takeY);
}

// @ts-ignore: decorator
@inline function replay(node: u32): void {
  store<u32>(TREE + (<usize>node << 2), winner(load<u32>(TREE + (<usize>(node << 1) << 2)), load<u32>(TREE + (<usize>((node << 1) + 1) << 2))));
}

/**
 * Fills the buffer with the runs' smallest entries: a tournament over the sources' fronts (node n
 * holds the winning leaf of nodes 2n and 2n + 1; leaves from `width`, each front's key and seq
 * kept beside the tree), so each entry costs one replay of its leaf's path, log2 of the sources.
 */
function refill(): void {
  let count = listSources(SOURCES);
  let width: u32 = 2; // at least two leaves, so that the root is a node that is replayed
  while (width < count) width <<= 1;
  for (let leaf: u32 = 0; leaf < width; leaf++) {
    if (leaf < count) loadLeaf(leaf);
    else store<u64>(LEAF_KEY + (<usize>leaf << 3), SPENT);
    store<u32>(TREE + (<usize>(width + leaf) << 2), leaf);
  }
  for (let node = width - 1; node > 0; node--) replay(node);
  let filled: u32 = 0;
  while (filled < BUFFER) {
    let leaf = load<u32>(TREE + 4);
    if (load<u64>(LEAF_KEY + (<usize>leaf << 3)) == SPENT) break;
    let run = load<u32>(SOURCES + (<usize>leaf << 2));
    if (run == SORT_SOURCE) {
      heapPopTo(sortAt, sortSize--, BUF + (<usize>filled << 4));
    } else {
      copyEntry(BUF + (<usize>filled << 4), frontOf(run));
      consumed(run, 1);
    }
    filled++;
    loadLeaf(leaf);
    for (let node = (width + leaf) >> 1; node > 0; node >>= 1) replay(node);
  }
  bufferFront = 0;
  bufferEnd = filled;
  // Spent runs go: a sort taken to its end ends; a waiting run frees its level; a merge whose
  // inputs are spent ends.
  if (sortedRun != NONE && sortSize == 0) endSort();
  for (let level: u32 = 0; level < levels; level++) {
    let waiting = get(LEVEL_WAITING, level);
    if (waiting != NONE && get(COUNT, waiting) == 0) {
      freeRun(waiting);
      set(LEVEL_WAITING, level, NONE);
    }
    if (get(LEVEL_OUTPUT, level) != NONE && get(COUNT, get(LEVEL_A, level)) == 0 && get(COUNT, get(LEVEL_B, level)) == 0) finish(level);
  }
}

// ── exports ──────────────────────────────────────────────────────────────────────────────────

export function push(key: f64, item: u32): void {
  if (insertSize == INSERTION) startSort();
  heapPush(insertAt, insertSize++, encode(key), nextSeq++, item);
  total++;
  if ((++pushes & (PACE_EVERY - 1)) == 0) pace();
}

/** The smallest entry's item, or -1 when empty. */
export function pop(): i32 {
  if (total == 0) return -1;
  if (bufferFront == bufferEnd && total > insertSize) refill();
  total--;
  if (bufferFront == bufferEnd || (insertSize > 0 && before(insertAt, BUF + (<usize>bufferFront << 4)))) {
    let item = load<u32>(insertAt, 12);
    heapPopTo(insertAt, insertSize--, SCRATCH);
    return <i32>item;
  }
  let item = load<u32>(BUF + (<usize>bufferFront << 4), 12);
  bufferFront++;
  return <i32>item;
}

export function length(): u32 {
  return total;
}

/** Run pages in use now, and at most so far (PAGE entries of 16 bytes each). */
export function pages(): u32 {
  return livePages;
}
export function peakPagesUsed(): u32 {
  return peakPages;
}
export function pageEntries(): u32 {
  return PAGE;
}
/** Sorts and merges finished at once because the next came first: each a pause. */
export function forced(): u32 {
  return forcedTasks;
}
