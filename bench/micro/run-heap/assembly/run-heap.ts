// An experiment, not part of the core: a value heap for large queues that keeps most entries in
// sorted runs instead of one tree (the idea of sequence heaps), measured against the core's heap
// in bench/micro/heap.ts (`--only wasm-heap=<this build>`). One queue per instance.
//
// Why: past the caches every level of a sift-down waits for the line the level before chose, so a
// pop from a million entries is a chain of misses. Here a push goes into a small insertion heap
// that stays in the cache. When it fills, the other of two heap regions takes the pushes while the
// full one gives its entries, smallest first, to a new run; two runs of a level are merged into
// one run of the next; both move in steps every STEP_EVERY pushes. Pops are served from a small
// buffer refilled from the runs' fronts by a tournament. Every large move is a sequential pass.
//
//   the queue, in this instance's memory above __heap_base
//   ╒════════════╤══════════════╤══════════════╤════════╤═════════╤═════════════╤════════════════╕
//   │ free lists │ heap one     │ heap two     │ buffer │ scratch │ run slots   │ levels,        │
//   │ 64 × usize │ HEAP_ENTRIES │ HEAP_ENTRIES │ BUFFER │ 1       │ MAX_RUNS×5  │ sources, tree  │
//   └────────────┴──────────────┴──────────────┴────────┴─────────┴─────────────┴────────────────┘
//   then run blocks, 2^k entries each, from a bump pointer and a free list per size.
//
//   entry, 16 bytes (as the core's)
//   ╒═══════════════════════════════╤═══════════════╤═══════════════╕
//   │ key                       u64 │ seq       u32 │ item      u32 │
//   └───────────────────────────────┴───────────────┴───────────────┘
//   key  the f64's bits in an order that unsigned comparison keeps; seq  arrival number, the
//   tie-break among equal keys (first in, first out, as the core's heaps).
//
// Invariants
//   - every buffer entry orders before every entry a refill can take from (the heap being sorted,
//     its run, the runs, the merges' outputs and inputs): refills take the smallest of those, and
//     when a heap starts being sorted the buffer's rest joins it first. So the smallest entry is
//     the insertion heap's top or the buffer's front.
//   - a merge's output, and the run of the heap being sorted, hold only entries that order before
//     what their inputs still hold.
//
// Measured (2026-11-26; bench/micro/heap.ts `--only wasm-heap=...,wasm-heap+payload=...`, ns per
// push + pop, random keys; `+payload` adds a side array of payload objects, as flatqueue + payload
// array does; latency: `npx tsx bench/micro/run-heap/latency.ts`, single pop + push held at 1e6):
//
//   BUFFER  STEP_EVERY  held 1e6  + payload  p99.9    p99.99   pauses over 100 µs in 2e6 pops
//   16      4096        117       375        0.9 µs   0.3 ms   ~500 (a 0.3 ms step every 4,096 pushes)
//   64      4096        111       347        2.0 µs   0.3 ms   ~490
//   64      64          118-119   342-351    9.4 µs   13 µs    ~8-14
//   16      64          125       411        9.4 µs   13 µs    ~16
//   64      16          121       353        4.2 µs   7.7 µs   ~10 (as many as the core's, below)
//
// A refill costs ~25 ns an entry, so a small buffer keeps p99.9 down; a step moves whole slices,
// so steps far apart stream best but pause longest. The defaults are the first row.
// In the same runs: the core's raw value heap held 221-250 ns at 1e6, PriorityQueue 499-610 with
// its payloads, flatqueue + payload array 716-896; at 1e5 this heap is slower than the core's
// (held 96-102 vs 77-81). The core's NumericPriorityQueue in the latency loop: p50 290 ns, p99.9
// 1.0 µs, p99.99 30 µs, a few pauses of 0.1-0.2 ms. Steps of two entries a push (STEP_EVERY 1-4)
// made no pauses but held at 1e6 141 ns and 482-504 with payloads: slices of a few entries from
// two dozen streams at a time defeat the prefetchers. Merging four runs at once per level (git
// history, 5540f4a) was fastest, 121 vs 315 filled and drained at 1e7, but paused 23-34 ms.
// At 1e7: filled and drained 127 vs 304 for the core's raw heap; held 121-160 ns alone, 146-446
// beside the other ten-million contenders of bench/micro/heap.ts: blocks come from fresh memory
// in power-of-two sizes (640 MB for 1e7 entries), so page faults; the core would use its arena's
// allocator, exact sizes, reused.
// `npx tsx bench/micro/run-heap/check.ts` checks the pop order against NumericPriorityQueue.

// @ts-ignore: decorator
@inline const INSERTION: u32 = 4096;
// @ts-ignore: decorator
@inline const BUFFER: u32 = 16;
/**
 * Every STEP_EVERY pushes (a power of two), the heap being sorted gives 2 · STEP_EVERY entries to
 * its run and each merge under way moves as many: two a push, which keeps pace (see `arrive`).
 * Fewer, larger steps stream better; more, smaller ones make shorter pauses (see the table above).
 */
// @ts-ignore: decorator
@inline const STEP_EVERY: u32 = 4096;
// @ts-ignore: decorator
@inline const STEP: u32 = 2 * STEP_EVERY;
// @ts-ignore: decorator
@inline const MAX_RUNS: u32 = 128;
// @ts-ignore: decorator
@inline const MAX_LEVELS: u32 = 32;

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
const FREE_LISTS: usize = (__heap_base + 63) & ~<usize>63;
/** Entry 1 on a line boundary, so each group of four siblings is one line (as in the core). */
const HEAP_ONE: usize = FREE_LISTS + 64 * 8 + 48;
const HEAP_TWO: usize = HEAP_ONE + <usize>HEAP_ENTRIES * 16 + 64;
const BUF: usize = HEAP_TWO + <usize>HEAP_ENTRIES * 16 + 16;
const SCRATCH: usize = BUF + <usize>BUFFER * 16;
const RUN_DATA: usize = SCRATCH + 16;
const RUN_POS: usize = RUN_DATA + MAX_RUNS * 4;
const RUN_END: usize = RUN_POS + MAX_RUNS * 4;
const RUN_SIZE_LOG: usize = RUN_END + MAX_RUNS * 4;
const RUN_STATE: usize = RUN_SIZE_LOG + MAX_RUNS * 4;
const LEVEL_WAITING: usize = RUN_STATE + MAX_RUNS * 4;
const LEVEL_A: usize = LEVEL_WAITING + MAX_LEVELS * 4;
const LEVEL_B: usize = LEVEL_A + MAX_LEVELS * 4;
const LEVEL_OUTPUT: usize = LEVEL_B + MAX_LEVELS * 4;
const SOURCES: usize = LEVEL_OUTPUT + MAX_LEVELS * 4;
const TREE: usize = SOURCES + MAX_RUNS * 4;
const LEAF_KEY: usize = TREE + MAX_RUNS * 8;
const LEAF_SEQ: usize = LEAF_KEY + MAX_RUNS * 8;
let bump: usize = (LEAF_SEQ + MAX_RUNS * 4 + 63) & ~<usize>63;
function reach(end: usize): void {
  let have = <usize>memory.size() << 16;
  if (end > have) memory.grow(<i32>((end - have + 0xffff) >> 16));
}
reach(bump);

// @ts-ignore: decorator
@inline function sizeLog(entries: u32): u32 { return entries <= 1 ? 0 : 32 - clz(entries - 1); }

function takeBlock(entries: u32): usize {
  let list = FREE_LISTS + (<usize>sizeLog(entries) << 3);
  let head = load<usize>(list);
  if (head != 0) {
    store<usize>(list, load<usize>(head));
    return head;
  }
  let block = bump;
  bump += (<usize>1 << sizeLog(entries)) << 4;
  reach(bump);
  return block;
}

function giveBlock(block: usize, log: u32): void {
  let list = FREE_LISTS + (<usize>log << 3);
  store<usize>(block, load<usize>(list));
  store<usize>(list, block);
}

// ── heaps: the insertion heap, and the full one being sorted into a run (4-ary, as the core's) ──

let insertAt: usize = HEAP_ONE, insertSize: u32 = 0;
let sortAt: usize = HEAP_TWO, sortSize: u32 = 0;
/** The run the heap being sorted gives its entries to, smallest first; NONE while none is sorted. */
let sortedRun: u32 = 0xffff_ffff;
let nextSeq: u32 = 0, total: u32 = 0, pushes: u32 = 0;

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
  if (sortSize > 0) sortSome(sortSize); // the last sort is not done: finish it now
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
  sortedRun = newRun(sortSize);
}

/** Moves up to `count` entries of the heap being sorted to its run; a run sorted to the end arrives at level 0. */
function sortSome(count: u32): void {
  let run = sortedRun;
  let out = runBack(run);
  for (let k: u32 = 0; k < count && sortSize > 0; k++) {
    heapPopTo(sortAt, sortSize--, out);
    out += 16;
  }
  store<u32>(field(RUN_END, run), <u32>((out - runData(run)) >> 4));
  if (sortSize == 0) endSort();
}

function endSort(): void {
  let run = sortedRun;
  sortedRun = NONE;
  arrive(run, 0);
}

// ── runs ─────────────────────────────────────────────────────────────────────────────────────
//
// Merges are incremental: a level holds at most one run waiting for a partner; when a second
// arrives the two become the inputs of the level's merge, whose output (a run of the next level)
// grows by a slice every STEP_EVERY pushes. A level's next pair arrives 2^(level + 1) · INSERTION
// pushes later and its merge moves at most 2^(level + 1) · HEAP_ENTRIES entries, so two a push
// keep pace. Until it is done the merge's output front is a refill source (it holds the smallest
// of its inputs' entries so far), and so are the inputs' fronts: a refill may take from them
// directly, and the merge then goes on from there. (Run slots are not bounds-checked: levels up
// to MAX_RUNS / 4 hold far more entries than a benchmark pushes.)

/** A run slot's state: free, or taken (what a taken run is for, the level tables say). */
// @ts-ignore: decorator
@inline const FREE: u32 = 0;
// @ts-ignore: decorator
@inline const TAKEN: u32 = 1;
// @ts-ignore: decorator
@inline const NONE: u32 = 0xffff_ffff;
/** The heap being sorted, among a refill's sources (its front is its top). */
// @ts-ignore: decorator
@inline const SORT_SOURCE: u32 = 0xffff_fffe;

let bufferFront: u32 = 0, bufferEnd: u32 = 0, levels: u32 = 0;

// @ts-ignore: decorator
@inline function field(table: usize, index: u32): usize { return table + (<usize>index << 2); }
// @ts-ignore: decorator
@inline function runData(run: u32): usize { return load<usize>(field(RUN_DATA, run)); }
// @ts-ignore: decorator
@inline function runPos(run: u32): u32 { return load<u32>(field(RUN_POS, run)); }
// @ts-ignore: decorator
@inline function runEnd(run: u32): u32 { return load<u32>(field(RUN_END, run)); }
// @ts-ignore: decorator
@inline function runFront(run: u32): usize { return runData(run) + (<usize>runPos(run) << 4); }
// @ts-ignore: decorator
@inline function runBack(run: u32): usize { return runData(run) + (<usize>runEnd(run) << 4); }
// @ts-ignore: decorator
@inline function remaining(run: u32): u32 { return runEnd(run) - runPos(run); }
// @ts-ignore: decorator
@inline function waitingAt(level: u32): u32 { return load<u32>(field(LEVEL_WAITING, level)); }
// @ts-ignore: decorator
@inline function mergeOutput(level: u32): u32 { return load<u32>(field(LEVEL_OUTPUT, level)); }

/** A free run slot, taken, holding a new block for `entries`, empty (end 0). */
function newRun(entries: u32): u32 {
  let run: u32 = 0;
  while (load<u32>(field(RUN_STATE, run)) != FREE) run++;
  store<usize>(field(RUN_DATA, run), takeBlock(entries));
  store<u32>(field(RUN_POS, run), 0);
  store<u32>(field(RUN_END, run), 0);
  store<u32>(field(RUN_SIZE_LOG, run), sizeLog(entries));
  store<u32>(field(RUN_STATE, run), TAKEN);
  return run;
}

function freeRun(run: u32): void {
  giveBlock(runData(run), load<u32>(field(RUN_SIZE_LOG, run)));
  store<u32>(field(RUN_STATE, run), FREE);
}

/** A finished run arrives at `level`: it waits there, or starts the level's merge with the one waiting. */
function arrive(run: u32, level: u32): void {
  if (remaining(run) == 0) {
    freeRun(run);
    return;
  }
  if (level >= levels) {
    for (let l = levels; l <= level; l++) {
      store<u32>(field(LEVEL_WAITING, l), NONE);
      store<u32>(field(LEVEL_OUTPUT, l), NONE);
    }
    levels = level + 1;
  }
  let partner = waitingAt(level);
  if (partner == NONE) {
    store<u32>(field(LEVEL_WAITING, level), run);
    return;
  }
  // The level's merge should be done by now; if the partner came early, finish it at once.
  if (mergeOutput(level) != NONE) advance(level, 0xffff_ffff);
  store<u32>(field(LEVEL_WAITING, level), NONE);
  let output = newRun(remaining(partner) + remaining(run));
  store<u32>(field(LEVEL_A, level), partner);
  store<u32>(field(LEVEL_B, level), run);
  store<u32>(field(LEVEL_OUTPUT, level), output);
}

/** Moves up to `budget` entries of the level's merge into its output; ends the merge when its inputs are spent. */
function advance(level: u32, budget: u32): void {
  let output = mergeOutput(level);
  let first = load<u32>(field(LEVEL_A, level)), second = load<u32>(field(LEVEL_B, level));
  let a = runFront(first), aEnd = runBack(first);
  let b = runFront(second), bEnd = runBack(second);
  let out = runBack(output);
  let stop = out + (<usize>min<u64>(<u64>budget, <u64>(((aEnd - a) + (bEnd - b)) >> 4)) << 4);
  // Selects pick the winner and move both cursors: random keys would mispredict a branch on
  // every other entry.
  while (out < stop && a < aEnd && b < bEnd) {
    let takeB = before(b, a);
    copyEntry(out, select(b, a, takeB));
    out += 16;
    b += select<usize>(16, 0, takeB);
    a += select<usize>(0, 16, takeB);
  }
  if (out < stop) {
    let from = a < aEnd ? a : b;
    let bytes = stop - out;
    memory.copy(out, from, bytes);
    out += bytes;
    if (a < aEnd) a += bytes;
    else b += bytes;
  }
  store<u32>(field(RUN_POS, first), <u32>((a - runData(first)) >> 4));
  store<u32>(field(RUN_POS, second), <u32>((b - runData(second)) >> 4));
  store<u32>(field(RUN_END, output), <u32>((out - runData(output)) >> 4));
  if (a == aEnd && b == bEnd) finish(level);
}

function finish(level: u32): void {
  let output = mergeOutput(level);
  freeRun(load<u32>(field(LEVEL_A, level)));
  freeRun(load<u32>(field(LEVEL_B, level)));
  store<u32>(field(LEVEL_OUTPUT, level), NONE);
  arrive(output, level + 1);
}

/** Advances every merge under way by a slice. */
function slices(): void {
  for (let level: u32 = 0; level < levels; level++) {
    if (mergeOutput(level) != NONE) advance(level, STEP);
  }
}

/**
 * Lists what a refill takes from at `sources` (u32 each): the heap being sorted (SORT_SOURCE) and
 * its run, every level's waiting run, and its merge's output and inputs.
 */
function listSources(sources: usize): u32 {
  let count: u32 = 0;
  if (sortSize > 0) count = addSource(sources, count, SORT_SOURCE);
  if (sortedRun != NONE) count = addSource(sources, count, sortedRun);
  for (let level: u32 = 0; level < levels; level++) {
    let waiting = waitingAt(level);
    if (waiting != NONE) count = addSource(sources, count, waiting);
    let output = mergeOutput(level);
    if (output != NONE) {
      count = addSource(sources, count, output);
      count = addSource(sources, count, load<u32>(field(LEVEL_A, level)));
      count = addSource(sources, count, load<u32>(field(LEVEL_B, level)));
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
  let sorting = run == SORT_SOURCE;
  let live = sorting ? sortSize > 0 : remaining(run) > 0;
  let front = sorting ? sortAt : runFront(run);
  store<u64>(LEAF_KEY + (<usize>leaf << 3), live ? load<u64>(front) : SPENT);
  store<u32>(LEAF_SEQ + (<usize>leaf << 2), live ? load<u32>(front, 8) : 0);
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
      copyEntry(BUF + (<usize>filled << 4), runFront(run));
      store<u32>(field(RUN_POS, run), runPos(run) + 1);
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
    let waiting = waitingAt(level);
    if (waiting != NONE && remaining(waiting) == 0) {
      freeRun(waiting);
      store<u32>(field(LEVEL_WAITING, level), NONE);
    }
    if (mergeOutput(level) != NONE) {
      let first = load<u32>(field(LEVEL_A, level)), second = load<u32>(field(LEVEL_B, level));
      if (remaining(first) == 0 && remaining(second) == 0) finish(level);
    }
  }
}

// ── exports ──────────────────────────────────────────────────────────────────────────────────

export function push(key: f64, item: u32): void {
  if (insertSize == INSERTION) startSort();
  heapPush(insertAt, insertSize++, encode(key), nextSeq++, item);
  total++;
  if ((++pushes & (STEP_EVERY - 1)) == 0) {
    if (sortSize > 0) sortSome(STEP);
    slices();
  }
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
