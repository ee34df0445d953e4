// An experiment, not part of the core: a value heap for large queues that keeps most entries in
// sorted runs instead of one tree (the idea of sequence heaps), measured against the
// core's heap in bench/micro/heap.ts (`--only wasm-heap=<this build>`). One queue per instance.
//
// Why: past the caches every level of a sift-down waits for the line the level before chose, so a
// pop from a million entries is a chain of misses. Here a push goes into a small insertion heap
// that stays in the cache; when it fills it is sorted into a run, runs of one level are merged
// FAN_IN at a time into one run of the next, and pops are served from a small buffer refilled by
// merging the runs' fronts. Every large move is a sequential pass that the hardware prefetches.
//
//   the queue, in this instance's memory above __heap_base
//   ╒══════════════════╤═══════════════════════╤═══════════════════╤═════════════════════════════╕
//   │ free lists       │ insertion heap        │ buffer            │ scratch     │ run table     │
//   │ 64 × usize       │ INSERTION entries     │ BUFFER entries    │ INSERTION   │ MAX_RUNS × 5  │
//   └──────────────────┴───────────────────────┴───────────────────┴─────────────┴───────────────┘
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
//   - every buffer entry orders before every entry still in a run (refills take the runs' smallest),
//     so the smallest entry is the insertion heap's top or the buffer's front;
//   - a flush merges the buffer's rest into the new run, so no run ever holds an entry smaller than
//     one left in the buffer.
//
// Measured (2026-11-26, bench/micro/heap.ts with `--only raw-value,wasm-heap=...`, ns per push +
// pop, random keys, side by side with the core's raw value heap): held 48.6 vs 45.8 at 1e3 (no
// flush below INSERTION), 92.5 vs 78.7 at 1e5, 110 vs 191 at 1e6; filled and drained 82.9 vs 74.1
// at 1e5, 102 vs 126 at 1e6, 121 vs 315 at 1e7. Held at 1e7 the samples spread from 125 to 1,373
// ns (one that holds the merge of the top level's ten million entries takes all of it).
// `npx tsx bench/micro/run-heap/check.ts` checks the pop order against NumericPriorityQueue first.
// The cost: the work comes in lumps. Single pop + push latency in the hold model at 1e6
// (`npx tsx bench/micro/run-heap/latency.ts`): p50 50 ns, p99.9 11 µs with BUFFER = 512 (a refill
// of 512 entries every 512 pops) and 2.0 µs with 64, and a maximum of 23-34 ms whatever the buffer:
// the merge of the largest level. The core's p99.9 target (2 µs at 1e6) and its users' latency
// need the merges done a slice at a time (incremental) before this could be the core's mode for
// large heaps.

// @ts-ignore: decorator
@inline const INSERTION: u32 = 4096;
// @ts-ignore: decorator
@inline const BUFFER: u32 = 512;
// @ts-ignore: decorator
@inline const FAN_IN: u32 = 4;
// @ts-ignore: decorator
@inline const MAX_RUNS: u32 = 256;

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

const FREE_LISTS: usize = (__heap_base + 63) & ~<usize>63;
/** Entry 1 on a line boundary, so each group of four siblings is one line (as in the core). */
const HEAP: usize = FREE_LISTS + 64 * 8 + 48;
const BUF: usize = HEAP + <usize>INSERTION * 16 + 16;
const SCRATCH: usize = BUF + <usize>BUFFER * 16;
const RUN_DATA: usize = SCRATCH + <usize>INSERTION * 16;
const RUN_POS: usize = RUN_DATA + MAX_RUNS * 4;
const RUN_END: usize = RUN_POS + MAX_RUNS * 4;
const RUN_SIZE_LOG: usize = RUN_END + MAX_RUNS * 4;
const RUN_LEVEL: usize = RUN_SIZE_LOG + MAX_RUNS * 4;
const LEVEL_COUNT: usize = RUN_LEVEL + MAX_RUNS * 4;
let bump: usize = (LEVEL_COUNT + 64 * 4 + 63) & ~<usize>63;

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

// ── the insertion heap (4-ary, as the core's) ────────────────────────────────────────────────

let heapSize: u32 = 0, nextSeq: u32 = 0, total: u32 = 0;

// @ts-ignore: decorator
@inline function heapEntry(i: u32): usize { return HEAP + (<usize>i << 4); }

function heapPush(key: u64, seq: u32, item: u32): void {
  let i = heapSize++;
  while (i > 0) {
    let parent = (i - 1) >> 2;
    let above = heapEntry(parent);
    if (load<u64>(above) <= key) break; // the newest seq: an equal key above stays above
    copyEntry(heapEntry(i), above);
    i = parent;
  }
  let at = heapEntry(i);
  store<u64>(at, key);
  store<u32>(at, seq, 8);
  store<u32>(at, item, 12);
}

/** Copies the top entry to `out` and restores the heap. */
function heapPopTo(out: usize): void {
  copyEntry(out, HEAP);
  let size = --heapSize;
  if (size == 0) return;
  let last = heapEntry(size);
  let key = load<u64>(last), seq = load<u32>(last, 8), item = load<u32>(last, 12);
  let i: u32 = 0;
  while (true) {
    let first = (i << 2) + 1;
    if (first >= size) break;
    let best = heapEntry(first);
    if (first + 3 < size) {
      // The smallest of four by selects (pairs, then the winners), as the core's sift does.
      let e1 = best + 16, e2 = best + 32, e3 = best + 48;
      let b1 = before(e1, best), b3 = before(e3, e2);
      let low = select(e1, best, b1), high = select(e3, e2, b3);
      best = select(high, low, before(high, low));
    } else {
      for (let child = first + 1; child < size; child++) best = select(heapEntry(child), best, before(heapEntry(child), best));
    }
    let bestKey = load<u64>(best);
    if (bestKey > key || (bestKey == key && load<u32>(best, 8) > seq)) break;
    copyEntry(heapEntry(i), best);
    i = <u32>((best - HEAP) >> 4);
  }
  let at = heapEntry(i);
  store<u64>(at, key);
  store<u32>(at, seq, 8);
  store<u32>(at, item, 12);
}

// ── runs ─────────────────────────────────────────────────────────────────────────────────────

let runs: u32 = 0, bufferFront: u32 = 0, bufferEnd: u32 = 0;

// @ts-ignore: decorator
@inline function field(table: usize, run: u32): usize { return table + (<usize>run << 2); }
// @ts-ignore: decorator
@inline function runData(run: u32): usize { return load<usize>(field(RUN_DATA, run)); }
// @ts-ignore: decorator
@inline function runPos(run: u32): u32 { return load<u32>(field(RUN_POS, run)); }
// @ts-ignore: decorator
@inline function runEnd(run: u32): u32 { return load<u32>(field(RUN_END, run)); }
// @ts-ignore: decorator
@inline function runLevel(run: u32): u32 { return load<u32>(field(RUN_LEVEL, run)); }
// @ts-ignore: decorator
@inline function runFront(run: u32): usize { return runData(run) + (<usize>runPos(run) << 4); }
// @ts-ignore: decorator
@inline function levelCount(level: u32): usize { return LEVEL_COUNT + (<usize>level << 2); }

function addRun(data: usize, entries: u32, level: u32): void {
  let run = runs++;
  store<usize>(field(RUN_DATA, run), data);
  store<u32>(field(RUN_POS, run), 0);
  store<u32>(field(RUN_END, run), entries);
  store<u32>(field(RUN_SIZE_LOG, run), sizeLog(entries));
  store<u32>(field(RUN_LEVEL, run), level);
  store<u32>(levelCount(level), load<u32>(levelCount(level)) + 1);
}

/** Frees a run's block and moves the table's last run into its place. */
function dropRun(run: u32): void {
  giveBlock(runData(run), load<u32>(field(RUN_SIZE_LOG, run)));
  let level = runLevel(run);
  store<u32>(levelCount(level), load<u32>(levelCount(level)) - 1);
  let last = --runs;
  if (run == last) return;
  store<usize>(field(RUN_DATA, run), runData(last));
  store<u32>(field(RUN_POS, run), runPos(last));
  store<u32>(field(RUN_END, run), runEnd(last));
  store<u32>(field(RUN_SIZE_LOG, run), load<u32>(field(RUN_SIZE_LOG, last)));
  store<u32>(field(RUN_LEVEL, run), runLevel(last));
}

/**
 * Merges two sorted ranges into `out`. The winner is chosen by selects and both cursors move by
 * arithmetic: random keys would mispredict a branch on every other entry.
 */
function mergeTwo(a: usize, aEnd: usize, b: usize, bEnd: usize, out: usize): void {
  while (a < aEnd && b < bEnd) {
    let takeB = before(b, a);
    copyEntry(out, select(b, a, takeB));
    out += 16;
    b += select<usize>(16, 0, takeB);
    a += select<usize>(0, 16, takeB);
  }
  if (a < aEnd) memory.copy(out, a, aEnd - a);
  else if (b < bEnd) memory.copy(out, b, bEnd - b);
}

/** Merges the runs of `level` two at a time into one run of the level above, and so on up. */
function mergeLevel(level: u32): void {
  while (true) {
    let first: i32 = -1, second: i32 = -1;
    for (let run: u32 = 0; run < runs; run++) {
      if (runLevel(run) != level) continue;
      if (first < 0) first = <i32>run;
      else {
        second = <i32>run;
        break;
      }
    }
    if (second < 0) {
      store<u32>(field(RUN_LEVEL, <u32>first), level + 1);
      store<u32>(levelCount(level), 0);
      store<u32>(levelCount(level + 1), load<u32>(levelCount(level + 1)) + 1);
      break;
    }
    let a = runFront(<u32>first), aEnd = runData(<u32>first) + (<usize>runEnd(<u32>first) << 4);
    let b = runFront(<u32>second), bEnd = runData(<u32>second) + (<usize>runEnd(<u32>second) << 4);
    let entries = <u32>((aEnd - a + bEnd - b) >> 4);
    let out = takeBlock(entries);
    mergeTwo(a, aEnd, b, bEnd, out);
    dropRun(<u32>second); // second > first: the first keeps its index
    dropRun(<u32>first);
    addRun(out, entries, level);
  }
  if (load<u32>(levelCount(level + 1)) >= FAN_IN) mergeLevel(level + 1);
}

/** The full insertion heap, sorted, and the buffer's rest become one run of level 0. */
function flush(): void {
  let sorted = heapSize, rest = bufferEnd - bufferFront;
  for (let k: u32 = 0; k < sorted; k++) heapPopTo(SCRATCH + (<usize>k << 4));
  let entries = sorted + rest;
  let out = takeBlock(entries);
  mergeTwo(SCRATCH, SCRATCH + (<usize>sorted << 4), BUF + (<usize>bufferFront << 4), BUF + (<usize>bufferEnd << 4), out);
  bufferFront = bufferEnd = 0;
  addRun(out, entries, 0);
  if (load<u32>(levelCount(0)) >= FAN_IN) mergeLevel(0);
}

/** Fills the buffer with the runs' smallest entries (the smallest front of the runs, in turn). */
function refill(): void {
  let filled: u32 = 0;
  while (filled < BUFFER && runs > 0) {
    let best: u32 = 0;
    let bestAt = runFront(0);
    for (let run: u32 = 1; run < runs; run++) {
      let at = runFront(run);
      let better = before(at, bestAt);
      bestAt = select(at, bestAt, better);
      best = select(run, best, better);
    }
    copyEntry(BUF + (<usize>filled << 4), bestAt);
    filled++;
    let pos = runPos(best) + 1;
    store<u32>(field(RUN_POS, best), pos);
    if (pos == runEnd(best)) dropRun(best);
  }
  bufferFront = 0;
  bufferEnd = filled;
}

// ── exports ──────────────────────────────────────────────────────────────────────────────────

export function push(key: f64, item: u32): void {
  if (heapSize == INSERTION) flush();
  heapPush(encode(key), nextSeq++, item);
  total++;
}

/** The smallest entry's item, or -1 when empty. */
export function pop(): i32 {
  if (total == 0) return -1;
  total--;
  if (bufferFront == bufferEnd && runs > 0) refill();
  if (bufferFront == bufferEnd || (heapSize > 0 && before(HEAP, BUF + (<usize>bufferFront << 4)))) {
    let item = load<u32>(HEAP, 12);
    heapPopTo(SCRATCH);
    return <i32>item;
  }
  let item = load<u32>(BUF + (<usize>bufferFront << 4), 12);
  bufferFront++;
  return <i32>item;
}

export function length(): u32 {
  return total;
}
