// Runs: how a large heap keeps its entries once it outgrows the caches (heap.ts enters this
// mode; the idea is that of sequence heaps).
//
// Past the caches every level of a sift-down waits for the line the level before chose, so a pop
// from a million entries is a chain of misses. In runs mode a push goes into a small insertion heap
// that stays in the cache. When it fills, the other of two heap regions takes the pushes while the
// full one gives its entries, smallest first, to a new sorted run; two runs of a level merge into
// one run of the next. Pops come from a small buffer, refilled from the runs' fronts by a
// tournament that stands between refills (the chunks of work replay the leaves they move, so a
// refill does not read every front again). Every large move is a sequential pass, and the work
// is paced: every PACE_EVERY pushes, either a chunk of the sort or one of a merge (the levels
// taking turns), and only what is owed (RATE entries a push since the task began), so no push
// does the work of thousands.
//
// The heap's own array stays as the "old heap": it only drains, a pop at a time (not through the
// buffer), and is given back when empty. A heap that a large batch filled enters with that array
// sorted (heap.ts), and then the old heap's pops just step along it; so does a heap in this mode
// that takes a batch larger than itself (heap.ts `reserveFor` puts its entries back into one array
// first, and the batch's `restore` sorts them all). An indexed heap keeps the
// block, grown with its size, so that the first lookup by handle, which needs one array (heap.ts
// `locate`), can always put the entries back into it: that lookup never meets a refusal. The
// header's `data` points at the record's top cell, a copy of the smallest entry, so the JS reads
// of the top and the size (src/structures/heap-words.ts) need no change.
//
//   record (the header's RUNS field), one block
//   ╒══════════╤══════════╤════════╤════════════╤═════════════╤═══════════╤══════════════╤══════════════╕
//   │ top cell │ state    │ buffer │ run tables │ level tables│ tournament│ insertion one│ insertion two│
//   │ 16       │ 96       │  8 × 16│ 6 × 128 u32│ 6 × 48 u32  │           │ I · 16       │ I · 16       │
//   └──────────┴──────────┴────────┴────────────┴─────────────┴───────────┴──────────────┴──────────────┘
//   I = `insertion` entries (4,096), each region line-aligned as the heap's array is.
//
//   page, one block each: `pageEntries` entries (1,024: 16 KiB), then the address of its run's
//   next page (16 bytes with padding; in the pool, a page links to the next through its first
//   word). A run is a chain of pages, read from its front and written at its back; a front or
//   back index runs 0 .. pageEntries, and pageEntries means "at the page's end": a reader moves
//   to the next page (giving this one back) before it reads, a writer takes a new page before it
//   writes. So a merge holds no second copy of its inputs: each input page goes back as the
//   merge leaves it. Pages come from a pool the record keeps, topped up from the arena on
//   pushes, so that no step of the work can meet a refusal halfway.
//
// Invariants
//   - every buffer entry orders before every entry a refill can take from (the heap being sorted,
//     its run, the waiting runs, the merges' outputs and inputs): refills take the smallest of
//     those, and when a heap starts being sorted the buffer's rest joins it first. So the smallest
//     entry is the insertion heap's top, the buffer's front or the old heap's top; the top cell
//     holds a copy of it after every operation.
//   - a merge's output, and the run of the heap being sorted, hold only entries that order before
//     what their inputs still hold.
//   - a page is given back only by its run's reader once the writer has moved past it, or when the
//     whole run is freed.
//   - keys are never packed here (the heap unpacks on entering), so (key, seq) order is two compares.
//
// Measured as bench/micro/run-heap (the same design in a module of its own; its header has the
// table): held at 1e6 132 ns a push + pop against 241 for the one tree, p99.9 1.3-1.5 µs, no pause
// over 10 µs from the work itself, pages at 16.2 bytes an entry at their peak.

import { allocate, canAllocate, canAllocateIf, holdUnlinked, linked, release } from "./memory";
import { BLOCK, CAPACITY_FIELD, DATA, RUNS_RECORD, SIZE, blockBytes, copyEntry, entryAt, lineAligned, lowerSeqs, lowestSeq, siftDownValue, siftUpValue } from "./heap";

// ── shape (fixed in release builds; debug builds shrink it so that tests reach every path) ──────

/** A value heap enters runs mode when it must grow while holding at least this many entries. */
export let runsFrom: u32 = 1 << 18;

/**
 * Where an indexed heap enters: four times later. Its queue reads each popped entry's payload from
 * JS, a miss that a pop from one tree overlaps with its own (src/structures/priority-queue.ts reads
 * the payload first) and a pop from the runs does not, so runs pay later. Measured (PriorityQueue,
 * ns a push or pop, one tree -> runs from 2^18, bench/micro/heap.ts): at 1e6 filled and drained
 * 331 -> 354, held 509 -> 496; at 3e6 462 -> 402 and 668 -> 558.
 */
// @ts-ignore: decorator
@inline export function runsFromFor(indexed: bool): u32 { return indexed ? runsFrom << 2 : runsFrom; }
let insertion: u32 = 4096;
let pageEntries: u32 = 1024;
/**
 * Entries a pace moves: a chunk of the sort (pops from the heap being sorted) or of a merge. Smaller
 * chunks keep the push that does one short; below these a sort fell behind its next start (sort
 * chunks of 2: pushes' p99.99 ~145 µs). Measured (ids, held at a million, every pop and push timed
 * alone, the builds in turn, six rounds on a busy host): chunks of 8 and 128 gave a p99.9 of
 * 2.3-2.8 µs, of 4 and 64 1.7-2.6 µs (lower in every round), held throughput the same (241 vs 245
 * ns an operation).
 */
let sortChunk: u32 = 4;
let mergeChunk: u32 = 64;

/** Debug builds: a smaller shape for tests. Only while no heap is in runs mode. */
export function setShape(from: u32, insertionEntries: u32, page: u32, sortStep: u32, mergeStep: u32): void {
  runsFrom = from;
  insertion = insertionEntries;
  pageEntries = page;
  sortChunk = sortStep;
  mergeChunk = mergeStep;
  countNeeds();
}

/**
 * Entries a refill moves to the buffer. With the tournament standing between refills, a refill
 * costs little beyond its entries, and smaller ones keep the pop that does one short. Measured
 * (ids, held at a million, every pop and push timed alone, builds in turn, five rounds): 16 ->
 * 8 entries, pops' p99 811 -> 591 ns and p99.9 1,142 -> 871 ns, held throughput the same.
 */
// @ts-ignore: decorator
@inline const BUFFER: u32 = 8;
// @ts-ignore: decorator
@inline const PACE_EVERY: u32 = 2;
/**
 * Entries a push owes each task under way. A sort moves at most `insertion` entries before
 * the next one starts `insertion` pushes later, and a level's merge about 2^(level + 1) times as
 * many before its next pair arrives 2^(level + 1) times as late, so one a push keeps pace; two
 * leave room for the chunks' turns.
 */
// @ts-ignore: decorator
@inline const RATE: u32 = 2;
// @ts-ignore: decorator
@inline const MAX_RUNS: u32 = 128;
/**
 * A level passes a run on to the next only while it holds four (one waiting, a merge's two inputs
 * and its output), and `catchUp` keeps the runs below MAX_RUNS, so levels stay below
 * MAX_RUNS / 4 + 1.
 */
// @ts-ignore: decorator
@inline const MAX_LEVELS: u32 = 48;
// @ts-ignore: decorator
@inline const NONE: u32 = 0xffff_ffff;
/** A run slot's state. */
// @ts-ignore: decorator
@inline const FREE: u32 = 0;
// @ts-ignore: decorator
@inline const TAKEN: u32 = 1;

// ── record layout ────────────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const TOP: usize = 0;
// @ts-ignore: decorator
@inline const INSERT_AT: usize = 16;
// @ts-ignore: decorator
@inline const INSERT_SIZE: usize = 20;
// @ts-ignore: decorator
@inline const SORT_AT: usize = 24;
// @ts-ignore: decorator
@inline const SORT_SIZE: usize = 28;
/** The run the heap being sorted gives its entries to, smallest first; NONE while none is sorted. */
// @ts-ignore: decorator
@inline const SORTED_RUN: usize = 32;
/** The push count when the sort began, and the entries it has moved since. */
// @ts-ignore: decorator
@inline const SORT_BEGAN: usize = 36;
// @ts-ignore: decorator
@inline const SORT_MOVED: usize = 40;
// @ts-ignore: decorator
@inline const PUSHES: usize = 44;
// @ts-ignore: decorator
@inline const BUFFER_FRONT: usize = 48;
// @ts-ignore: decorator
@inline const BUFFER_END: usize = 52;
// @ts-ignore: decorator
@inline const LEVELS: usize = 56;
// @ts-ignore: decorator
@inline const TURN: usize = 60;
// @ts-ignore: decorator
@inline const OLD_DATA: usize = 64;
// @ts-ignore: decorator
@inline const OLD_SIZE: usize = 68;
/** Pages at hand: a list through each page's first word, and its length. */
// @ts-ignore: decorator
@inline const POOL: usize = 72;
// @ts-ignore: decorator
@inline const POOL_COUNT: usize = 76;
/** Pages the runs hold. */
// @ts-ignore: decorator
@inline const LIVE_PAGES: usize = 80;
// @ts-ignore: decorator
@inline const TAKEN_RUNS: usize = 84;
/** The record's size. */
// @ts-ignore: decorator
@inline const RECORD_BYTES: usize = 88;
/** Pages kept for a batch of pushes (`reserve`): the pool does not give them back until it ends. */
// @ts-ignore: decorator
@inline const RESERVED: usize = 92;
/** The heap's own array while it drains: its block and capacity (the header's are 0 in runs mode). */
// @ts-ignore: decorator
@inline const OLD_BLOCK: usize = 96;
// @ts-ignore: decorator
@inline const OLD_CAPACITY: usize = 100;
/** 1 when the old heap is sorted (a batch sorted it, `enter`): its pops then step `OLD_DATA` on. */
// @ts-ignore: decorator
@inline const OLD_SORTED: usize = 104;
/**
 * 1 for an indexed heap: its block is kept, empty or not, with room for every entry (`keepRoom`),
 * so that the first lookup by handle can put the entries back into it without asking for memory.
 */
// @ts-ignore: decorator
@inline const KEEP_BLOCK: usize = 108;
// @ts-ignore: decorator
@inline const BUF: usize = 112;
// @ts-ignore: decorator
@inline const FRONT_PAGE: usize = BUF + BUFFER * 16;
// @ts-ignore: decorator
@inline const FRONT_INDEX: usize = FRONT_PAGE + MAX_RUNS * 4;
// @ts-ignore: decorator
@inline const BACK_PAGE: usize = FRONT_INDEX + MAX_RUNS * 4;
// @ts-ignore: decorator
@inline const BACK_INDEX: usize = BACK_PAGE + MAX_RUNS * 4;
// @ts-ignore: decorator
@inline const COUNT: usize = BACK_INDEX + MAX_RUNS * 4;
// @ts-ignore: decorator
@inline const STATE: usize = COUNT + MAX_RUNS * 4;
// @ts-ignore: decorator
@inline const LEVEL_WAITING: usize = STATE + MAX_RUNS * 4;
// @ts-ignore: decorator
@inline const LEVEL_A: usize = LEVEL_WAITING + MAX_LEVELS * 4;
// @ts-ignore: decorator
@inline const LEVEL_B: usize = LEVEL_A + MAX_LEVELS * 4;
// @ts-ignore: decorator
@inline const LEVEL_OUTPUT: usize = LEVEL_B + MAX_LEVELS * 4;
/** The push count when the level's merge began, and the entries it has moved since. */
// @ts-ignore: decorator
@inline const LEVEL_BEGAN: usize = LEVEL_OUTPUT + MAX_LEVELS * 4;
// @ts-ignore: decorator
@inline const LEVEL_MOVED: usize = LEVEL_BEGAN + MAX_LEVELS * 4;
/**
 * The refills' tournament: each leaf's source (a run, SORT_SOURCE, or NONE past the last), the
 * tree (its unused node 0 holds the width while the tournament stands, 0 once a source came or
 * went), each leaf's front key and seq, and each source's leaf (runs by slot, then SORT_SOURCE).
 */
// @ts-ignore: decorator
@inline const SOURCES: usize = LEVEL_MOVED + MAX_LEVELS * 4;
// @ts-ignore: decorator
@inline const TREE: usize = SOURCES + MAX_RUNS * 4;
// @ts-ignore: decorator
@inline const LEAF_KEY: usize = TREE + MAX_RUNS * 8;
// @ts-ignore: decorator
@inline const LEAF_SEQ: usize = LEAF_KEY + MAX_RUNS * 8;
// @ts-ignore: decorator
@inline const LEAF_OF: usize = LEAF_SEQ + MAX_RUNS * 4;
/** A merge input (its slot + 1; 0: none) whose next page a push with no work to do reads ahead (`readAhead`). */
// @ts-ignore: decorator
@inline const AHEAD_RUN: usize = LEAF_OF + (MAX_RUNS + 1) * 4;
// @ts-ignore: decorator
@inline const REGIONS: usize = AHEAD_RUN + 4;

// @ts-ignore: decorator
@inline function get(r: usize, field: usize): u32 { return load<u32>(r + field); }
// @ts-ignore: decorator
@inline function set(r: usize, field: usize, value: u32): void { store<u32>(r + field, value); }
/** Entry `index` of a u32 table. */
// @ts-ignore: decorator
@inline function getAt(r: usize, table: usize, index: u32): u32 { return load<u32>(r + table + (<usize>index << 2)); }
// @ts-ignore: decorator
@inline function setAt(r: usize, table: usize, index: u32, value: u32): void { store<u32>(r + table + (<usize>index << 2), value); }

// @ts-ignore: decorator
@inline function regionBytes(entries: u32): usize { return <usize>entries * 16 + 64; }
// @ts-ignore: decorator
@inline function pageBytes(): usize { return 16 + (<usize>pageEntries << 4); }

// ── entries ──────────────────────────────────────────────────────────────────────────────────

/** Whether the entry at `a` orders before the one at `b`; the seq is read only for equal keys. */
// @ts-ignore: decorator
@inline function before(a: usize, b: usize): bool {
  let ka = load<u64>(a), kb = load<u64>(b);
  let result = ka < kb; // a value, not a branch: which key is smaller is a coin toss
  if (ka == kb) result = load<u32>(a, 8) < load<u32>(b, 8);
  return result;
}

/** Whether the entry (key, seq) orders before the one at `b`. */
// @ts-ignore: decorator
@inline function orderedBefore(key: u64, seq: u32, b: usize): bool {
  let kb = load<u64>(b);
  return key < kb || (key == kb && seq < load<u32>(b, 8));
}

/** Copies the top of the heap at `data` holding `size` to `out` and restores the rest (the caller counts it). */
function popTo(data: usize, size: u32, out: usize): void {
  copyEntry(out, data);
  let rest = size - 1;
  if (rest == 0) return;
  let last = entryAt(data, rest);
  siftDownValue(data, rest, 0, load<u64>(last), load<u32>(last, 8), load<u32>(last, 12));
}

// ── pages ────────────────────────────────────────────────────────────────────────────────────

/**
 * Fills the pool to `want` pages from the arena; false if memory refuses before that. `surely`:
 * only while the memory can still grow, so that the allocator cannot trap (for a top-up made after
 * the call has changed something, where a trap could no longer mean "nothing changed").
 */
function topUp(r: usize, want: u32, surely: bool = false): bool {
  let bytes = pageBytes();
  while (get(r, POOL_COUNT) < want) {
    if (!canAllocateIf(bytes, surely)) return false;
    let page = allocate(bytes);
    store<usize>(page, load<usize>(r + POOL));
    store<usize>(r + POOL, page);
    set(r, POOL_COUNT, get(r, POOL_COUNT) + 1);
  }
  return true;
}

/** A page from the pool (the caller made sure there is one). */
function takePage(r: usize): usize {
  let page = load<usize>(r + POOL);
  store<usize>(r + POOL, load<usize>(page)); // its first word: the line a writer fills first
  set(r, POOL_COUNT, get(r, POOL_COUNT) - 1);
  set(r, LIVE_PAGES, get(r, LIVE_PAGES) + 1);
  return page;
}

/** Gives a page back: to the pool, or to the arena when the pool holds well more than it keeps. */
function givePage(r: usize, page: usize): void {
  set(r, LIVE_PAGES, get(r, LIVE_PAGES) - 1);
  if (get(r, POOL_COUNT) >= keep(r) + POOL_SLACK) {
    release(page, pageBytes());
    return;
  }
  store<usize>(page, load<usize>(r + POOL));
  store<usize>(r + POOL, page);
  set(r, POOL_COUNT, get(r, POOL_COUNT) + 1);
}

/** Pages the pool may hold beyond what it keeps, so that pages taken and given back in turn do not go to the arena and back each time. */
// @ts-ignore: decorator
@inline const POOL_SLACK: u32 = 8;

/** Pages the pool keeps: what a sort's start and a pace can take, or what a batch was promised. */
// @ts-ignore: decorator
@inline function keep(r: usize): u32 {
  return max(get(r, RESERVED), startNeed + paceNeed);
}

/**
 * Pages one pace can take: a chunk of the sort (and the merge its run starts as it arrives), a
 * chunk of a merge (and the merge its output starts). Set with the shape (`countNeeds`), as it
 * is read on every other push.
 */
let paceNeed: u32 = 0;

/**
 * Pages starting a sort can take: the rest of the last sort if it is not done (entries it still
 * holds, and its run's partial page), the run the new one writes to, the merge its arrival may
 * start, and merges finished to catch up (`catchUp`: each can take two pages ahead of giving
 * them back, and leaves one partial page).
 */
let startNeed: u32 = 0;

// @ts-ignore: decorator
@inline const CATCH_UP_PAGES: u32 = 8;

function countNeeds(): void {
  paceNeed = (sortChunk + pageEntries - 1) / pageEntries + (mergeChunk + pageEntries - 1) / pageEntries + 3;
  startNeed = (insertion + pageEntries - 1) / pageEntries + 3 + CATCH_UP_PAGES;
}
countNeeds();


// @ts-ignore: decorator
@inline function pageEntry(page: usize, index: u32): usize { return page + (<usize>index << 4); }
/**
 * Where a page keeps the address of its run's next page (or the pool's): after its entries, so a
 * reader that has just read the last of them finds it in the cache (at the page's start it was a
 * miss at every page a merge input crossed, ~half of the slow merge chunks' cost).
 */
// @ts-ignore: decorator
@inline function linkOf(page: usize): usize { return page + (<usize>pageEntries << 4); }

// ── runs ─────────────────────────────────────────────────────────────────────────────────────

/** A free run slot, taken, empty, with one page to write to. */
function newRun(r: usize): u32 {
  let run: u32 = 0;
  while (getAt(r, STATE, run) != FREE) run++;
  let page = takePage(r);
  setAt(r, FRONT_PAGE, run, <u32>page);
  setAt(r, FRONT_INDEX, run, 0);
  setAt(r, BACK_PAGE, run, <u32>page);
  setAt(r, BACK_INDEX, run, 0);
  setAt(r, COUNT, run, 0);
  setAt(r, STATE, run, TAKEN);
  set(r, TAKEN_RUNS, get(r, TAKEN_RUNS) + 1);
  fell(r);
  return run;
}

function freeRun(r: usize, run: u32): void {
  let page = <usize>getAt(r, FRONT_PAGE, run), last = <usize>getAt(r, BACK_PAGE, run);
  while (true) {
    let next = load<usize>(linkOf(page));
    givePage(r, page);
    if (page == last) break;
    page = next;
  }
  setAt(r, STATE, run, FREE);
  set(r, TAKEN_RUNS, get(r, TAKEN_RUNS) - 1);
  fell(r);
}

/** The run's front entry (it has one), moving to its next page first if the front one is spent. */
// @ts-ignore: decorator
@inline function frontOf(r: usize, run: u32): usize {
  let index = getAt(r, FRONT_INDEX, run);
  if (index == pageEntries) return nextFront(r, run);
  return pageEntry(<usize>getAt(r, FRONT_PAGE, run), index);
}

function nextFront(r: usize, run: u32): usize {
  let page = <usize>getAt(r, FRONT_PAGE, run);
  let next = load<usize>(linkOf(page));
  givePage(r, page);
  setAt(r, FRONT_PAGE, run, <u32>next);
  setAt(r, FRONT_INDEX, run, 0);
  return pageEntry(next, 0);
}

/** Where the run's next entry goes, taking a new page first if the back one is full. */
function backOf(r: usize, run: u32): usize {
  let page = <usize>getAt(r, BACK_PAGE, run), index = getAt(r, BACK_INDEX, run);
  if (index == pageEntries) {
    let next = takePage(r);
    store<usize>(linkOf(page), next);
    setAt(r, BACK_PAGE, run, <u32>next);
    setAt(r, BACK_INDEX, run, 0);
    return pageEntry(next, 0);
  }
  return pageEntry(page, index);
}

/** Counts `entries` read from the run's front (within its front page). */
// @ts-ignore: decorator
@inline function consumed(r: usize, run: u32, entries: u32): void {
  setAt(r, FRONT_INDEX, run, getAt(r, FRONT_INDEX, run) + entries);
  setAt(r, COUNT, run, getAt(r, COUNT, run) - entries);
}

/** Counts `entries` written at the run's back (within its back page). */
// @ts-ignore: decorator
@inline function written(r: usize, run: u32, entries: u32): void {
  setAt(r, BACK_INDEX, run, getAt(r, BACK_INDEX, run) + entries);
  setAt(r, COUNT, run, getAt(r, COUNT, run) + entries);
}

// ── sorts: the full insertion heap given to a run ────────────────────────────────────────────

/**
 * The insertion heap is full: it becomes the heap being sorted, and the other region takes the
 * pushes. Once sorted, its entries are reached only by refills, so the buffer must order before
 * them (`tradeTops`).
 */
function startSort(r: usize): void {
  if (get(r, SORT_SIZE) > 0) sortSome(r, get(r, SORT_SIZE)); // the last sort is not done: finish it now
  catchUp(r);
  let insertAt = <usize>get(r, INSERT_AT), size = get(r, INSERT_SIZE);
  tradeTops(r, insertAt, size);
  set(r, INSERT_AT, get(r, SORT_AT));
  set(r, INSERT_SIZE, 0);
  set(r, SORT_AT, <u32>insertAt);
  set(r, SORT_SIZE, size);
  set(r, SORTED_RUN, newRun(r)); // a source comes, and the new heap being sorted: the tournament falls
  set(r, SORT_BEGAN, get(r, PUSHES));
  set(r, SORT_MOVED, 0);
}

/**
 * While the heap's top orders before the buffer's last entry, the two trade places: the top goes
 * to its place in the buffer, the last entry to the heap's top and down. Then every buffer entry
 * orders before the heap. A trade is one sift down; the buffer's entries are the smallest of the
 * runs, so few heap entries order before its last (moving the buffer's rest into the heap
 * instead sent each of ~10 entries from a leaf to the root: ~1.5 µs a sort's start).
 */
function tradeTops(r: usize, data: usize, size: u32): void {
  let front = get(r, BUFFER_FRONT), end = get(r, BUFFER_END);
  if (front == end) { // nothing to trade; and `showPushed` then knows to look (`showTop` refills from the heap)
    set(r, BUFFER_FRONT, 0);
    set(r, BUFFER_END, 0);
    return;
  }
  let last = r + BUF + (<usize>(end - 1) << 4);
  while (before(data, last)) {
    let key = load<u64>(data), seq = load<u32>(data, 8), item = load<u32>(data, 12);
    siftDownValue(data, size, 0, load<u64>(last), load<u32>(last, 8), load<u32>(last, 12));
    let at = last; // the top's place: after every buffer entry that orders before it
    while (at > r + BUF + (<usize>front << 4) && orderedBefore(key, seq, at - 16)) {
      copyEntry(at, at - 16);
      at -= 16;
    }
    store<u64>(at, key);
    store<u32>(at, seq, 8);
    store<u32>(at, item, 12);
  }
}

/** Moves up to `count` entries of the heap being sorted to its run; a run sorted to the end arrives at level 0. */
function sortSome(r: usize, count: u32): void {
  let run = get(r, SORTED_RUN), sortAt = <usize>get(r, SORT_AT), size = get(r, SORT_SIZE);
  let runWasEmpty = getAt(r, COUNT, run) == 0;
  let left = min(count, size);
  set(r, SORT_MOVED, get(r, SORT_MOVED) + left);
  while (left > 0) {
    let out = backOf(r, run);
    let entries = min(left, pageEntries - getAt(r, BACK_INDEX, run));
    for (let k: u32 = 0; k < entries; k++) {
      popTo(sortAt, size--, out);
      out += 16;
    }
    written(r, run, entries);
    left -= entries;
  }
  set(r, SORT_SIZE, size);
  frontMoved(r, SORT_SOURCE);
  if (runWasEmpty) frontMoved(r, run);
  if (size == 0) endSort(r);
}

function endSort(r: usize): void {
  let run = get(r, SORTED_RUN);
  set(r, SORTED_RUN, NONE);
  arrive(r, run, 0);
}

// ── merges ───────────────────────────────────────────────────────────────────────────────────
//
// A level holds at most one run waiting for a partner; when a second arrives the two become the
// inputs of the level's merge, whose output (a run of the next level) grows by a chunk on the
// level's turns. A run that arrives while its level's merge is still under way and a run waits
// goes on to the next level (merging runs of unequal sizes is still right), so no merge is ever
// finished at once. Until it is done the merge's output front is a refill source (it holds the
// smallest of its inputs' entries so far), and so are the inputs' fronts: a refill may take from
// them directly, and the merge then goes on from there.

/** A finished run arrives at `level`: it waits there, or starts the level's merge with the one waiting. */
function arrive(r: usize, run: u32, level: u32): void {
  if (getAt(r, COUNT, run) == 0) {
    freeRun(r, run);
    return;
  }
  while (true) {
    let levels = get(r, LEVELS);
    if (level >= levels) {
      setAt(r, LEVEL_WAITING, level, NONE);
      setAt(r, LEVEL_OUTPUT, level, NONE);
      set(r, LEVELS, level + 1);
    }
    let partner = getAt(r, LEVEL_WAITING, level);
    if (partner == NONE) {
      setAt(r, LEVEL_WAITING, level, run);
      return;
    }
    if (getAt(r, LEVEL_OUTPUT, level) == NONE) {
      setAt(r, LEVEL_WAITING, level, NONE);
      setAt(r, LEVEL_A, level, partner);
      setAt(r, LEVEL_B, level, run);
      setAt(r, LEVEL_OUTPUT, level, newRun(r));
      setAt(r, LEVEL_BEGAN, level, get(r, PUSHES));
      setAt(r, LEVEL_MOVED, level, 0);
      return;
    }
    level++;
  }
}

/** Moves up to `budget` entries of the level's merge into its output; ends the merge when its inputs are spent. */
function merge(r: usize, level: u32, budget: u32): void {
  let output = getAt(r, LEVEL_OUTPUT, level);
  let first = getAt(r, LEVEL_A, level), second = getAt(r, LEVEL_B, level);
  let outputWasEmpty = getAt(r, COUNT, output) == 0;
  let moved: u32 = 0;
  while (moved < budget) {
    let firstCount = getAt(r, COUNT, first), secondCount = getAt(r, COUNT, second);
    if (firstCount == 0 && secondCount == 0) break;
    let out = backOf(r, output);
    let entries = min(budget - moved, pageEntries - getAt(r, BACK_INDEX, output));
    if (firstCount == 0 || secondCount == 0) {
      let rest = firstCount == 0 ? second : first;
      let from = frontOf(r, rest);
      entries = min(entries, min(getAt(r, COUNT, rest), pageEntries - getAt(r, FRONT_INDEX, rest)));
      memory.copy(out, from, <usize>entries << 4);
      consumed(r, rest, entries);
    } else {
      let a = frontOf(r, first), b = frontOf(r, second);
      // Within this many steps no cursor leaves its page nor its run.
      let room = min(pageEntries - getAt(r, FRONT_INDEX, first), pageEntries - getAt(r, FRONT_INDEX, second));
      entries = min(entries, min(room, min(firstCount, secondCount)));
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
      consumed(r, first, <u32>((a - startA) >> 4));
      consumed(r, second, <u32>((b - startB) >> 4));
    }
    written(r, output, entries);
    moved += entries;
  }
  setAt(r, LEVEL_MOVED, level, getAt(r, LEVEL_MOVED, level) + moved);
  if (getAt(r, COUNT, first) == 0 && getAt(r, COUNT, second) == 0) {
    finish(r, level); // frees both inputs: the tournament falls
    return;
  }
  frontMoved(r, first);
  frontMoved(r, second);
  if (outputWasEmpty) frontMoved(r, output);
  // The level's next chunk takes an input onto its next page, whose first line is cold (and its
  // TLB entry): a push that does no work reads it ahead. Chunks that crossed a page were most of
  // the pushes over the hold model's p99.9; measured (ids held at a million, builds side by side,
  // 4 + 3 rounds): all operations p99.9 1,052 -> 891 and 1,072 -> 911 ns, pushes' 1,192 -> 951 and
  // 1,252 -> 1,002 ns, throughput the same.
  if (pageEntries - getAt(r, FRONT_INDEX, first) <= mergeChunk) set(r, AHEAD_RUN, first + 1);
  else if (pageEntries - getAt(r, FRONT_INDEX, second) <= mergeChunk) set(r, AHEAD_RUN, second + 1);
}

/** Reads the first lines of the next page of the run `AHEAD_RUN` names, if it is still taken and goes on past its front page. */
function readAhead(r: usize): void {
  let run = get(r, AHEAD_RUN) - 1;
  set(r, AHEAD_RUN, 0);
  if (getAt(r, STATE, run) != TAKEN || getAt(r, COUNT, run) <= pageEntries - getAt(r, FRONT_INDEX, run)) return;
  let next = load<usize>(linkOf(<usize>getAt(r, FRONT_PAGE, run)));
  load<u8>(next);
  // Only within the page: a small shape's page (debug builds) may end before its second line, at
  // the end of the memory.
  if (pageBytes() > 64) load<u8>(next, 64);
}

/**
 * Finishes merges, lowest level first, while the runs fill the table but for RUNS_SPARE slots. The
 * paced work keeps far below that; runs pile up only when it waited for pages, and then a level
 * that holds four runs passes the next on to the level above.
 */
function catchUp(r: usize): void {
  while (get(r, TAKEN_RUNS) > MAX_RUNS - RUNS_SPARE) {
    let level: u32 = 0, levels = get(r, LEVELS);
    while (level < levels && getAt(r, LEVEL_OUTPUT, level) == NONE) level++;
    if (level == levels) return;
    merge(r, level, NONE);
  }
}

/** Run slots a sort's start keeps free: its own run, and the merges its arrival can start. */
// @ts-ignore: decorator
@inline const RUNS_SPARE: u32 = 8;

function finish(r: usize, level: u32): void {
  let output = getAt(r, LEVEL_OUTPUT, level);
  freeRun(r, getAt(r, LEVEL_A, level));
  freeRun(r, getAt(r, LEVEL_B, level));
  setAt(r, LEVEL_OUTPUT, level, NONE);
  arrive(r, output, level + 1);
}

/**
 * A chunk of the work that is owed: the sort's, or on the next call the merge of the level whose
 * turn it is (one chunk a call keeps each push short). Skipped while the pool is short of pages: the work waits,
 * and a sort not done when the next starts is finished then.
 */
function pace(r: usize): void {
  if (get(r, POOL_COUNT) < paceNeed) return;
  let pushes = get(r, PUSHES);
  // The sort's chunk and a merge's take turns, so that no push does both.
  if (pushes & PACE_EVERY) {
    if (get(r, SORT_SIZE) > 0 && (pushes - get(r, SORT_BEGAN)) * RATE - get(r, SORT_MOVED) >= sortChunk) sortSome(r, sortChunk);
    return;
  }
  let levels = get(r, LEVELS);
  if (levels == 0) return;
  let level = get(r, TURN);
  if (level >= levels) level = 0;
  set(r, TURN, level + 1);
  if (getAt(r, LEVEL_OUTPUT, level) != NONE && (pushes - getAt(r, LEVEL_BEGAN, level)) * RATE - getAt(r, LEVEL_MOVED, level) >= mergeChunk) {
    merge(r, level, mergeChunk);
  }
}

// ── refills ──────────────────────────────────────────────────────────────────────────────────

/** The heap being sorted, among a refill's sources (its front is its top). */
// @ts-ignore: decorator
@inline const SORT_SOURCE: u32 = 0xffff_fffe;

/** A spent source's front: orders after every entry (no key encodes to all ones; NaN never enters). */
// @ts-ignore: decorator
@inline const SPENT: u64 = 0xffff_ffff_ffff_ffff;

// @ts-ignore: decorator
@inline function addSource(r: usize, count: u32, source: u32): u32 {
  setAt(r, SOURCES, count, source);
  return count + 1;
}

/**
 * Lists what a refill takes from: the heap being sorted and its run, every level's waiting run,
 * and its merge's output and inputs. (Not the old heap: each of its pops is a chain of misses
 * through an array past the caches, and sixteen in one refill made a pop of ~2.5 µs; pops take
 * from it one at a time instead, as they did before the heap entered runs mode.)
 */
function listSources(r: usize): u32 {
  let count: u32 = 0;
  if (get(r, SORT_SIZE) > 0) count = addSource(r, count, SORT_SOURCE);
  let sorted = get(r, SORTED_RUN);
  if (sorted != NONE) count = addSource(r, count, sorted);
  for (let level: u32 = 0, levels = get(r, LEVELS); level < levels; level++) {
    let waiting = getAt(r, LEVEL_WAITING, level);
    if (waiting != NONE) count = addSource(r, count, waiting);
    let output = getAt(r, LEVEL_OUTPUT, level);
    if (output != NONE) {
      count = addSource(r, count, output);
      count = addSource(r, count, getAt(r, LEVEL_A, level));
      count = addSource(r, count, getAt(r, LEVEL_B, level));
    }
  }
  return count;
}

/** Copies source `leaf`'s front key and seq beside the tournament, where its replays read them. */
function loadLeaf(r: usize, leaf: u32): void {
  let source = getAt(r, SOURCES, leaf);
  let front: usize = 0;
  if (source == SORT_SOURCE) {
    if (get(r, SORT_SIZE) > 0) front = <usize>get(r, SORT_AT);
  } else if (getAt(r, COUNT, source) > 0) {
    front = frontOf(r, source);
  }
  store<u64>(r + LEAF_KEY + (<usize>leaf << 3), front ? load<u64>(front) : SPENT);
  store<u32>(r + LEAF_SEQ + (<usize>leaf << 2), front ? load<u32>(front, 8) : 0);
}

/** Of two leaves, the one whose front orders first (ties between spent leaves go either way). */
// @ts-ignore: decorator
@inline function winner(r: usize, x: u32, y: u32): u32 {
  let keyX = load<u64>(r + LEAF_KEY + (<usize>x << 3)), keyY = load<u64>(r + LEAF_KEY + (<usize>y << 3));
  let takeY = keyY < keyX;
  if (keyY == keyX) takeY = getAt(r, LEAF_SEQ, y) < getAt(r, LEAF_SEQ, x);
  return select(y, x, takeY);
}

// @ts-ignore: decorator
@inline function replay(r: usize, node: u32): void {
  setAt(r, TREE, node, winner(r, getAt(r, TREE, node << 1), getAt(r, TREE, (node << 1) + 1)));
}

/** A source's entry in LEAF_OF: a run's slot, or the one after them for the heap being sorted. */
// @ts-ignore: decorator
@inline function leafEntry(source: u32): u32 { return source == SORT_SOURCE ? MAX_RUNS : source; }

/**
 * Sets up the tournament over the sources' fronts (node n holds the winning leaf of nodes 2n and
 * 2n + 1; leaves from `width`, each front's key and seq kept beside the tree) and returns its width.
 */
function raise(r: usize): u32 {
  let count = listSources(r);
  let width: u32 = 2; // at least two leaves, so that the root is a node that is replayed
  while (width < count) width <<= 1;
  for (let leaf: u32 = 0; leaf < width; leaf++) {
    if (leaf < count) {
      let source = getAt(r, SOURCES, leaf);
      setAt(r, LEAF_OF, leafEntry(source), leaf);
      loadLeaf(r, leaf);
    } else {
      setAt(r, SOURCES, leaf, NONE);
      store<u64>(r + LEAF_KEY + (<usize>leaf << 3), SPENT);
    }
    setAt(r, TREE, width + leaf, leaf);
  }
  for (let node = width - 1; node > 0; node--) replay(r, node);
  setAt(r, TREE, 0, width);
  return width;
}

/**
 * The tournament falls when a source comes or goes (a run is taken or freed, a sort starts) or
 * every seq moves (`moveSeqsDown`); the next refill raises it again.
 */
// @ts-ignore: decorator
@inline function fell(r: usize): void {
  setAt(r, TREE, 0, 0);
}

/**
 * A source's front moved outside a refill (a sort's or merge's chunk took from it, or wrote its
 * first entry): while the tournament stands, its leaf is read again and its path replayed. So a
 * refill finds the tournament as it left it, and skips the setup: a read of every source's front,
 * most of them misses (~14 sources at a million entries, ~300 ns a refill).
 */
function frontMoved(r: usize, source: u32): void {
  let width = getAt(r, TREE, 0);
  if (width == 0) return;
  let leaf = getAt(r, LEAF_OF, leafEntry(source));
  loadLeaf(r, leaf);
  for (let node = (width + leaf) >> 1; node > 0; node >>= 1) replay(r, node);
}

/**
 * Fills the buffer with the sources' smallest entries: each entry costs one replay of its leaf's
 * path in the tournament, log2 of the sources.
 */
function refill(r: usize): void {
  let width = getAt(r, TREE, 0);
  if (width == 0) width = raise(r);
  let filled: u32 = 0;
  while (filled < BUFFER) {
    let leaf = getAt(r, TREE, 1);
    if (load<u64>(r + LEAF_KEY + (<usize>leaf << 3)) == SPENT) break;
    let source = getAt(r, SOURCES, leaf);
    let out = r + BUF + (<usize>filled << 4);
    if (source == SORT_SOURCE) {
      let size = get(r, SORT_SIZE);
      popTo(<usize>get(r, SORT_AT), size, out);
      set(r, SORT_SIZE, size - 1);
    } else {
      copyEntry(out, frontOf(r, source));
      consumed(r, source, 1);
    }
    filled++;
    loadLeaf(r, leaf);
    for (let node = (width + leaf) >> 1; node > 0; node >>= 1) replay(r, node);
  }
  set(r, BUFFER_FRONT, 0);
  set(r, BUFFER_END, filled);
  // Spent sources go: a sort taken to its end ends; a waiting run frees its level; a merge whose
  // inputs are spent ends.
  if (get(r, SORTED_RUN) != NONE && get(r, SORT_SIZE) == 0) endSort(r);
  for (let level: u32 = 0; level < get(r, LEVELS); level++) {
    let waiting = getAt(r, LEVEL_WAITING, level);
    if (waiting != NONE && getAt(r, COUNT, waiting) == 0) {
      freeRun(r, waiting);
      setAt(r, LEVEL_WAITING, level, NONE);
    }
    let output = getAt(r, LEVEL_OUTPUT, level);
    if (output != NONE && getAt(r, COUNT, getAt(r, LEVEL_A, level)) == 0 && getAt(r, COUNT, getAt(r, LEVEL_B, level)) == 0) finish(r, level);
  }
}

// ── the old heap ─────────────────────────────────────────────────────────────────────────────

/** Gives back the old heap's block, now empty. */
function releaseOld(r: usize): void {
  release(<usize>get(r, OLD_BLOCK), <usize>blockBytes(get(r, OLD_CAPACITY)));
  set(r, OLD_BLOCK, 0);
  set(r, OLD_DATA, 0);
}

// ── the mode's operations, called by heap.ts ─────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function recordBytes(): usize { return REGIONS + 2 * regionBytes(insertion); }

/**
 * Puts the heap (unpacked, unlinked, holding `size` entries at `data`) into runs mode: its array
 * becomes the old heap, the header's data the record's top cell, and its block and capacity 0 (so
 * that every push takes heap.ts's slow path, which sends it here). `sorted`: the array is in order,
 * so the old heap pops from its front. `keep`: the block stays (KEEP_BLOCK). False, with nothing
 * changed, if memory refuses the record and the pages a first push may need. `surely`: only
 * while the memory can still grow by as much (see `topUp`).
 */
export function enter(h: usize, sorted: bool, keep: bool, surely: bool = false): bool {
  let bytes = recordBytes();
  let total = <u64>bytes + <u64>(startNeed + paceNeed) * pageBytes();
  if (!canAllocateIf(total, surely)) return false;
  let r = allocate(bytes);
  memory.fill(r, 0, REGIONS);
  let one = lineAligned(r + REGIONS); // each region laid out as the heap's array is
  set(r, INSERT_AT, <u32>one);
  set(r, SORT_AT, <u32>(one + regionBytes(insertion)));
  set(r, SORTED_RUN, NONE);
  set(r, RECORD_BYTES, <u32>bytes);
  let data = load<usize>(h, DATA);
  set(r, OLD_DATA, <u32>data);
  set(r, OLD_SIZE, load<u32>(h, SIZE));
  set(r, OLD_BLOCK, <u32>load<usize>(h, BLOCK));
  set(r, OLD_CAPACITY, load<u32>(h, CAPACITY_FIELD));
  set(r, OLD_SORTED, <u32>sorted);
  set(r, KEEP_BLOCK, <u32>keep);
  copyEntry(r + TOP, data);
  // canAllocate said yes for the whole, but in a full arena the allocator may find no free block
  // for a page: refused (undo) or trapped (the record is given back after the trap, with the pages
  // it got so far).
  holdUnlinked(r, drop);
  let ready = topUp(r, startNeed + paceNeed, surely);
  linked();
  if (!ready) {
    drop(r);
    return false;
  }
  store<usize>(h, r, RUNS_RECORD);
  store<usize>(h, r + TOP, DATA);
  store<usize>(h, 0, BLOCK);
  store<u32>(h, 0, CAPACITY_FIELD);
  return true;
}

/** Whether a push can go ahead: when it starts a sort, the pages that can take are at hand. */
// @ts-ignore: decorator
@inline export function readyForPush(r: usize): bool {
  return get(r, INSERT_SIZE) < insertion || topUp(r, startNeed);
}

/**
 * Makes sure `count` pushes in a row (`push` without `readyForPush`) find every page they can take:
 * pages for their entries, a partial page for every run their sorts and merges start, the rest of
 * a sort under way, for every level (those the batch adds too) a merge's page taken ahead of giving
 * one back and the run its arrival starts, and a pace.
 */
export function reserve(r: usize, count: u32): bool {
  let sorts = (<u64>get(r, INSERT_SIZE) + count) / insertion + 1;
  let levels = <u64>get(r, LEVELS) + 2 + (32 - clz(<u32>sorts)); // the levels a batch can add, too
  let pages = (<u64>count + insertion + pageEntries - 1) / pageEntries + 2 * sorts + 3 * levels + paceNeed;
  if (pages > 0xffff_ffff) return false;
  // A batch reserves for all its pushes, then each of its chunks for its own: keep the larger.
  let want = max(<u32>pages, get(r, RESERVED));
  if (!topUp(r, want)) return false;
  set(r, RESERVED, want);
  return true;
}

/** Whether a batch's `reserve` is in force (its pushes take the pages it reserved). */
// @ts-ignore: decorator
@inline export function inBatch(r: usize): bool {
  return get(r, RESERVED) > 0;
}

/** Ends a batch: the pool may give back what it kept for it. */
export function endBatch(r: usize): void {
  set(r, RESERVED, 0);
}

/**
 * Adds an entry; the caller checked `readyForPush` (or `reserve`d) and counts it in the header,
 * then shows the top (`showTop`, or `showPushed` when this push started no sort).
 */
export function push(r: usize, key: u64, seq: u32, item: u32): void {
  if (get(r, INSERT_SIZE) == insertion) startSort(r);
  let size = get(r, INSERT_SIZE);
  siftUpValue(<usize>get(r, INSERT_AT), size, key, seq, item);
  set(r, INSERT_SIZE, size + 1);
  let pushes = get(r, PUSHES) + 1;
  set(r, PUSHES, pushes);
  if ((pushes & (PACE_EVERY - 1)) == 0) {
    if (get(r, POOL_COUNT) < keep(r)) topUp(r, keep(r), true); // best effort: the work can wait
    pace(r);
  } else if (get(r, AHEAD_RUN) != 0) {
    readAhead(r);
  }
}

/**
 * Where the smallest entry is: the insertion heap's top, the buffer's front or the old heap's top
 * (the buffer holds the smallest of everything else while anything else holds entries, `showTop`
 * sees to that). The caller knows there is an entry.
 */
// @ts-ignore: decorator
@inline function smallestAt(r: usize): usize {
  let front = get(r, BUFFER_FRONT);
  let best: usize = front < get(r, BUFFER_END) ? r + BUF + (<usize>front << 4) : 0;
  let insertAt = <usize>get(r, INSERT_AT);
  if (get(r, INSERT_SIZE) > 0 && (best == 0 || before(insertAt, best))) best = insertAt;
  let old = <usize>get(r, OLD_DATA);
  if (get(r, OLD_SIZE) > 0 && (best == 0 || before(old, best))) best = old;
  return best;
}

/** Removes the smallest entry and returns its item; the caller counts it in the header (size > 0 before). */
export function pop(r: usize): u32 {
  let at = smallestAt(r);
  let item = load<u32>(at, 12);
  let insertAt = <usize>get(r, INSERT_AT);
  if (at == insertAt) {
    let size = get(r, INSERT_SIZE);
    popTo(insertAt, size, r + TOP);
    set(r, INSERT_SIZE, size - 1);
  } else if (at == <usize>get(r, OLD_DATA)) {
    let size = get(r, OLD_SIZE);
    if (get(r, OLD_SORTED)) set(r, OLD_DATA, <u32>(at + 16)); // its next entry is its smallest
    else popTo(at, size, r + TOP);
    set(r, OLD_SIZE, size - 1);
    if (size == 1 && !get(r, KEEP_BLOCK)) releaseOld(r);
  } else {
    set(r, BUFFER_FRONT, get(r, BUFFER_FRONT) + 1);
  }
  return item;
}

/**
 * After a push: the smallest entry is the one the top cell shows, or the new one, now the
 * insertion heap's top. Returns false when the push started a sort with the buffer empty (the
 * smallest entry may be in the heap being sorted): then `showTop` has to look.
 */
// @ts-ignore: decorator
@inline export function showPushed(r: usize): bool {
  if (get(r, INSERT_SIZE) == 1 && get(r, BUFFER_END) == 0) return false;
  let insertAt = <usize>get(r, INSERT_AT);
  if (before(insertAt, r + TOP)) copyEntry(r + TOP, insertAt);
  return true;
}

/** The sorted old heap's front when it holds all `size` entries, else 0. */
export function sortedOld(r: usize, size: u32): usize {
  return get(r, OLD_SORTED) && get(r, OLD_SIZE) == size ? <usize>get(r, OLD_DATA) : 0;
}

/** Drops the first `count` entries of the sorted old heap (`sortedOld`), which the caller took; gives its block back when empty. */
export function dropOld(r: usize, count: u32): void {
  let size = get(r, OLD_SIZE) - count;
  set(r, OLD_SIZE, size);
  set(r, OLD_DATA, get(r, OLD_DATA) + (count << 4));
  if (size == 0 && !get(r, KEEP_BLOCK)) releaseOld(r);
}

/**
 * KEEP_BLOCK heaps: makes the kept block hold at least `size` entries, moving the old heap into a
 * larger one if need be. False, with nothing changed, if memory refuses.
 */
export function keepRoom(r: usize, size: u64): bool {
  let capacity = <u64>get(r, OLD_CAPACITY);
  if (size <= capacity) return true;
  let next = max<u64>(capacity << 1, size);
  if (next > 0xffff_ffff || !canAllocate(blockBytes(<u32>next))) return false;
  let block = allocate(<usize>blockBytes(<u32>next));
  let data = lineAligned(block);
  memory.copy(data, <usize>get(r, OLD_DATA), <usize>get(r, OLD_SIZE) << 4);
  releaseOld(r);
  set(r, OLD_BLOCK, <u32>block);
  set(r, OLD_CAPACITY, <u32>next);
  set(r, OLD_DATA, <u32>data);
  return true;
}

/**
 * KEEP_BLOCK heaps: puts every entry (in no order) into the kept block, from its first line, and
 * gives the block up to the caller, so that leaving the mode keeps it (read `keptBlock` and
 * `keptCapacity` first). Returns the entries' address.
 */
export function gatherIntoBlock(r: usize): usize {
  let data = lineAligned(<usize>get(r, OLD_BLOCK));
  gather(r, data);
  set(r, OLD_BLOCK, 0);
  set(r, OLD_DATA, 0);
  set(r, OLD_SIZE, 0);
  return data;
}

// @ts-ignore: decorator
@inline export function keptBlock(r: usize): usize { return <usize>get(r, OLD_BLOCK); }
// @ts-ignore: decorator
@inline export function keptCapacity(r: usize): u32 { return get(r, OLD_CAPACITY); }

/** Copies the smallest entry to the top cell, refilling the buffer first if the runs hold it. */
export function showTop(h: usize, r: usize): void {
  let outside = get(r, INSERT_SIZE) + get(r, OLD_SIZE);
  if (get(r, BUFFER_FRONT) == get(r, BUFFER_END) && load<u32>(h, SIZE) > outside) refill(r);
  copyEntry(r + TOP, smallestAt(r));
}

/** Copies every entry (in no order) to `to`; returns how many. */
export function gather(r: usize, to: usize): u32 {
  // The old heap first (`eachStretch` visits it first): gathering into its own block
  // (`gatherIntoBlock`) moves it down to `to` (memory.copy allows the overlap) before anything
  // lands after it.
  let end = eachStretch(r, (at: usize, count: u32, dest: u32): u32 => {
    memory.copy(<usize>dest, at, <usize>count << 4);
    return dest + (count << 4);
  }, <u32>to);
  return (end - <u32>to) >> 4;
}

/**
 * Calls `visit` on every stretch of entries the mode holds (the old heap, the buffer, both
 * insertion heaps, each run's pages), threading `value` through the calls.
 */
function eachStretch(r: usize, visit: (at: usize, count: u32, value: u32) => u32, value: u32): u32 {
  let front = get(r, BUFFER_FRONT);
  value = visit(<usize>get(r, OLD_DATA), get(r, OLD_SIZE), value);
  value = visit(r + BUF + (<usize>front << 4), get(r, BUFFER_END) - front, value);
  value = visit(<usize>get(r, INSERT_AT), get(r, INSERT_SIZE), value);
  value = visit(<usize>get(r, SORT_AT), get(r, SORT_SIZE), value);
  for (let run: u32 = 0; run < MAX_RUNS; run++) {
    if (getAt(r, STATE, run) != TAKEN) continue;
    let left = getAt(r, COUNT, run);
    let page = <usize>getAt(r, FRONT_PAGE, run), index = getAt(r, FRONT_INDEX, run);
    while (left > 0) {
      if (index == pageEntries) {
        page = load<usize>(linkOf(page));
        index = 0;
      }
      let entries = min(left, pageEntries - index);
      value = visit(pageEntry(page, index), entries, value);
      index += entries;
      left -= entries;
    }
  }
  return value;
}

/** The smallest seq the mode holds, or `below` if that is smaller. */
export function oldestSeq(r: usize, below: u32): u32 {
  return eachStretch(r, (at: usize, count: u32, below: u32): u32 => lowestSeq(at, count, below), below);
}

/**
 * Moves every seq the mode holds (and the top cell's, when `occupied`) down by `by`, the oldest's
 * or less: every order stays as it was, so nothing is moved or sorted, and nothing is allocated.
 */
export function moveSeqsDown(r: usize, by: u32, occupied: bool): void {
  eachStretch(r, (at: usize, count: u32, by: u32): u32 => {
    lowerSeqs(at, count, by, false);
    return by;
  }, by);
  if (occupied) lowerSeqs(r + TOP, 1, by, false);
  fell(r); // its leaves hold seqs
}

/** Gives back everything the mode holds (the old heap's block too) and leaves the header's data and runs at 0. */
export function leave(h: usize): void {
  let r = load<usize>(h, RUNS_RECORD);
  if (get(r, OLD_BLOCK) != 0) releaseOld(r);
  drop(r);
  store<usize>(h, 0, RUNS_RECORD);
  store<usize>(h, 0, DATA);
}

/** Gives back the record, its runs' pages and its pool. */
function drop(r: usize): void {
  for (let run: u32 = 0; run < MAX_RUNS; run++) {
    if (getAt(r, STATE, run) == TAKEN) freeRun(r, run);
  }
  let bytes = pageBytes();
  for (let page = load<usize>(r + POOL); page != 0; ) {
    let next = load<usize>(page);
    release(page, bytes);
    page = next;
  }
  release(r, <usize>get(r, RECORD_BYTES));
}

/** Bytes the mode holds besides the header: the record, its pages and the old heap's block. */
export function bytes(r: usize): f64 {
  let old = get(r, OLD_BLOCK) ? <f64>blockBytes(get(r, OLD_CAPACITY)) : 0;
  return <f64>get(r, RECORD_BYTES) + <f64>(get(r, LIVE_PAGES) + get(r, POOL_COUNT)) * <f64>pageBytes() + old;
}

/**
 * Debug builds: whether the parts are in order and hold `size` entries with seqs below `nextSeq`,
 * and the top cell is the smallest of them.
 */
export function check(r: usize, size: u32, nextSeq: u32): bool {
  let count = get(r, BUFFER_END) - get(r, BUFFER_FRONT) + get(r, INSERT_SIZE) + get(r, SORT_SIZE) + get(r, OLD_SIZE);
  if (get(r, KEEP_BLOCK) && (get(r, OLD_BLOCK) == 0 || get(r, OLD_CAPACITY) < size)) return false;
  if (!heapOrdered(<usize>get(r, INSERT_AT), get(r, INSERT_SIZE))) return false;
  if (!heapOrdered(<usize>get(r, SORT_AT), get(r, SORT_SIZE))) return false;
  if (!heapOrdered(<usize>get(r, OLD_DATA), get(r, OLD_SIZE))) return false;
  if (get(r, OLD_SORTED)) { // and in order, as its pops take it
    let old = <usize>get(r, OLD_DATA);
    for (let i: u32 = 1; i < get(r, OLD_SIZE); i++) if (before(entryAt(old, i), entryAt(old, i - 1))) return false;
  }
  let smallest = r + TOP;
  // Every buffer entry orders before what refills take from: the heap being sorted and the runs.
  let bufferLast: usize = get(r, BUFFER_END) > get(r, BUFFER_FRONT) ? r + BUF + (<usize>(get(r, BUFFER_END) - 1) << 4) : 0;
  if (bufferLast != 0 && get(r, SORT_SIZE) > 0 && before(<usize>get(r, SORT_AT), bufferLast)) return false;
  for (let run: u32 = 0; run < MAX_RUNS; run++) {
    if (getAt(r, STATE, run) != TAKEN) continue;
    count += getAt(r, COUNT, run);
    let left = getAt(r, COUNT, run);
    let page = <usize>getAt(r, FRONT_PAGE, run), index = getAt(r, FRONT_INDEX, run);
    let previous: usize = 0;
    while (left > 0) {
      if (index == pageEntries) {
        page = load<usize>(linkOf(page));
        index = 0;
      }
      let entry = pageEntry(page, index);
      if (previous != 0 && before(entry, previous)) return false;
      if (before(entry, smallest) || load<u32>(entry, 8) >= nextSeq) return false;
      if (bufferLast != 0 && before(entry, bufferLast)) return false;
      previous = entry;
      index++;
      left--;
    }
  }
  if (count != size) return false;
  if (!tournamentHolds(r)) return false;
  if (!pagesCounted(r)) return false;
  // No part holds an entry that orders before the top cell.
  let front = get(r, BUFFER_FRONT);
  for (let k = front; k < get(r, BUFFER_END); k++) {
    let entry = r + BUF + (<usize>k << 4);
    if (before(entry, smallest) || (k > front && before(entry, entry - 16))) return false;
  }
  if (get(r, INSERT_SIZE) > 0 && before(<usize>get(r, INSERT_AT), smallest)) return false;
  if (get(r, SORT_SIZE) > 0 && before(<usize>get(r, SORT_AT), smallest)) return false;
  if (get(r, OLD_SIZE) > 0 && before(<usize>get(r, OLD_DATA), smallest)) return false;
  return true;
}

/** Debug builds: whether the pool's list and the runs' chains hold as many pages as their counts say. */
function pagesCounted(r: usize): bool {
  let pooled: u32 = 0;
  for (let page = load<usize>(r + POOL); page != 0; page = load<usize>(page)) {
    if (++pooled > get(r, POOL_COUNT)) return false;
  }
  if (pooled != get(r, POOL_COUNT)) return false;
  let live: u32 = 0;
  for (let run: u32 = 0; run < MAX_RUNS; run++) {
    if (getAt(r, STATE, run) != TAKEN) continue;
    let page = <usize>getAt(r, FRONT_PAGE, run), last = <usize>getAt(r, BACK_PAGE, run);
    while (true) {
      if (++live > get(r, LIVE_PAGES)) return false;
      if (page == last) break;
      page = load<usize>(linkOf(page));
    }
  }
  return live == get(r, LIVE_PAGES);
}

/** Debug builds: whether a standing tournament lists every source, holds each one's front, and each node its children's winner. */
function tournamentHolds(r: usize): bool {
  let width = getAt(r, TREE, 0);
  if (width == 0) return true;
  for (let run: u32 = 0; run < MAX_RUNS; run++) {
    if (getAt(r, STATE, run) != TAKEN) continue;
    let leaf = getAt(r, LEAF_OF, run);
    if (leaf >= width || getAt(r, SOURCES, leaf) != run) return false;
  }
  if (get(r, SORT_SIZE) > 0) {
    let leaf = getAt(r, LEAF_OF, leafEntry(SORT_SOURCE));
    if (leaf >= width || getAt(r, SOURCES, leaf) != SORT_SOURCE) return false;
  }
  for (let leaf: u32 = 0; leaf < width; leaf++) {
    let source = getAt(r, SOURCES, leaf);
    let front: usize = 0;
    if (source == SORT_SOURCE) {
      if (get(r, SORT_SIZE) > 0) front = <usize>get(r, SORT_AT);
    } else if (source != NONE) {
      if (getAt(r, STATE, source) != TAKEN) return false;
      if (getAt(r, COUNT, source) > 0) { // its front, without moving to the next page as `frontOf` does
        let page = <usize>getAt(r, FRONT_PAGE, source), index = getAt(r, FRONT_INDEX, source);
        if (index == pageEntries) {
          page = load<usize>(linkOf(page));
          index = 0;
        }
        front = pageEntry(page, index);
      }
    }
    if (load<u64>(r + LEAF_KEY + (<usize>leaf << 3)) != (front ? load<u64>(front) : SPENT)) return false;
    if (front && getAt(r, LEAF_SEQ, leaf) != load<u32>(front, 8)) return false;
    if (getAt(r, TREE, width + leaf) != leaf) return false;
  }
  for (let node: u32 = 1; node < width; node++) {
    let won = getAt(r, TREE, node), a = getAt(r, TREE, node << 1), b = getAt(r, TREE, (node << 1) + 1);
    if (won != a && won != b) return false;
    let other = won == a ? b : a;
    let keyWon = load<u64>(r + LEAF_KEY + (<usize>won << 3)), keyOther = load<u64>(r + LEAF_KEY + (<usize>other << 3));
    if (keyOther < keyWon || (keyOther == keyWon && keyWon != SPENT && getAt(r, LEAF_SEQ, other) < getAt(r, LEAF_SEQ, won))) return false;
  }
  return true;
}

function heapOrdered(data: usize, size: u32): bool {
  for (let i: u32 = 1; i < size; i++) {
    if (before(entryAt(data, i), entryAt(data, (i - 1) >> 2))) return false;
  }
  return true;
}
