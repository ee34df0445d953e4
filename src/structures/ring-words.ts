/**
 * A core ring (assembly/ring.ts) read and written from JS through a u32 view of its arena's memory.
 *
 * A push or shift is a few loads and stores; through a core export it also paid a JS→Wasm crossing
 * and the guard around it: 13.5 ns, against denque's 3.9 ns; here it is 9 ns (Queue suite, bursts).
 * Part of the rest is V8's detach check on each typed-array access, on once any buffer was
 * detached, as growth of any Wasm memory does (a loop of push/shift: ~6 ns before, ~7.5 ns after,
 * noisy). So the O(1) operations and the batch copies happen here, and the core is called only
 * to grow the block. Every function keeps the invariants drawn in ring.ts, so the core's own
 * operations (shrink, read...) stay right; the model tests check them with `debug_ringCheck`.
 *
 * `words` is `Arena.words()`, taken after the last core call that could grow the memory; `at` is
 * the header's address / 4.
 */

// Header fields, in u32 words from the header (the table in ring.ts). Not exported: an imported or
// exported module binding is read through a cell with a hole check, which made a push + shift
// 5.2 ns instead of 1.2 ns (Node 20, ESM).
const DATA = 0;
const HEAD = 1;
const LENGTH = 2;
const CAPACITY = 3;

/** The header layout these functions assume, for test/structures/numeric-direct.test.ts to check against the core's. */
export const RING_HEADER_WORDS = { data: DATA, head: HEAD, length: LENGTH, capacity: CAPACITY, limit: 4, dropOldest: 5 } as const;

/**
 * Below this many ids a copy loop beats `subarray` + `set`, whose view costs an allocation. Small:
 * once any buffer was detached (every arena that grew did), V8 checks for detachment on each
 * typed-array access, and with 256 the bursts of 100 of the Queue suite took 3.2 ns per id, not 1.7.
 */
const LOOP_COPY = 16;

export function ringLength(words: Uint32Array, at: number): number {
  return words[at + LENGTH]!;
}

/** The ids the data block has room for (the core grows it). */
export function ringCapacity(words: Uint32Array, at: number): number {
  return words[at + CAPACITY]!;
}

/** The id `k` places from the front; `k` must be below the length. */
export function ringAt(words: Uint32Array, at: number, k: number): number {
  return words[(words[at + DATA]! >>> 2) + ((words[at + HEAD]! + k) & (words[at + CAPACITY]! - 1))]!;
}

/**
 * Pushes at the back; returns the new length, or 0 when the core must do it: the block is full
 * below the limit (it grows), or the ring is at its limit in reject mode (it refuses). At the limit
 * in drop-oldest mode, the front id gives way.
 */
export function ringPushBack(words: Uint32Array, at: number, id: number, limit: number, dropOldest: boolean): number {
  const length = words[at + LENGTH]!;
  const capacity = words[at + CAPACITY]!;
  const head = words[at + HEAD]!;
  if (length < limit) {
    if (length === capacity) return 0;
    words[(words[at + DATA]! >>> 2) + ((head + length) & (capacity - 1))] = id;
    words[at + LENGTH] = length + 1;
    return length + 1;
  }
  if (!dropOldest) return 0;
  // length = limit ≤ capacity: the slot after the back is free, or is the front's own slot.
  words[(words[at + DATA]! >>> 2) + ((head + length) & (capacity - 1))] = id;
  words[at + HEAD] = (head + 1) & (capacity - 1);
  return length;
}

/**
 * Unbounded rings: pushes three ids at the back if the block has room for them and returns true;
 * false, with nothing written, when the core must grow it first.
 */
export function ringPushThree(words: Uint32Array, at: number, a: number, b: number, c: number): boolean {
  const length = words[at + LENGTH]!;
  const capacity = words[at + CAPACITY]!;
  if (capacity - length < 3) return false;
  const data = words[at + DATA]! >>> 2;
  const mask = capacity - 1;
  const back = words[at + HEAD]! + length;
  words[data + (back & mask)] = a;
  words[data + ((back + 1) & mask)] = b;
  words[data + ((back + 2) & mask)] = c;
  words[at + LENGTH] = length + 3;
  return true;
}

/** Pushes at the front; as `ringPushBack`, but at the limit in drop-oldest mode the back id gives way. */
export function ringPushFront(words: Uint32Array, at: number, id: number, limit: number, dropOldest: boolean): number {
  const length = words[at + LENGTH]!;
  const capacity = words[at + CAPACITY]!;
  if (length < limit ? length === capacity : !dropOldest) return 0;
  const head = (words[at + HEAD]! - 1) & (capacity - 1);
  words[(words[at + DATA]! >>> 2) + head] = id;
  words[at + HEAD] = head;
  if (length < limit) words[at + LENGTH] = length + 1;
  return length < limit ? length + 1 : length;
}

/** Removes and returns the front id, or -1 when empty. */
export function ringShift(words: Uint32Array, at: number): number {
  const length = words[at + LENGTH]!;
  if (length === 0) return -1;
  const head = words[at + HEAD]!;
  const id = words[(words[at + DATA]! >>> 2) + head]!;
  words[at + HEAD] = (head + 1) & (words[at + CAPACITY]! - 1);
  words[at + LENGTH] = length - 1;
  return id;
}

/** Empties the ring (its block stays). */
export function ringClear(words: Uint32Array, at: number): void {
  words[at + HEAD] = 0;
  words[at + LENGTH] = 0;
}

/** Drops the first `count` ids (count ≤ length). */
export function ringDropFront(words: Uint32Array, at: number, count: number): void {
  const length = words[at + LENGTH]! - count;
  // An emptied ring starts again at the block's start, so the next batch is one run, not two.
  words[at + HEAD] = length === 0 ? 0 : (words[at + HEAD]! + count) & (words[at + CAPACITY]! - 1);
  words[at + LENGTH] = length;
}

/** Removes and returns the back id, or -1 when empty. */
export function ringPop(words: Uint32Array, at: number): number {
  const length = words[at + LENGTH]!;
  if (length === 0) return -1;
  words[at + LENGTH] = length - 1;
  return ringAt(words, at, length - 1);
}

/**
 * Appends `ids` at the back, in order, into room the caller reserved: length + ids.length, or the
 * limit when that is smaller (drop-oldest mode: then only the last `limit` of the old ids and the
 * new ones together stay). Returns the new length.
 */
export function ringAppend(words: Uint32Array, at: number, ids: ArrayLike<number>, limit: number): number {
  const count = ids.length;
  const capacity = words[at + CAPACITY]!;
  const mask = capacity - 1;
  let head = words[at + HEAD]!;
  let length = words[at + LENGTH]!;
  let from = 0;
  if (length + count > limit) {
    if (count >= limit) {
      from = count - limit;
      head = 0;
      length = 0;
    } else {
      const dropped = length + count - limit;
      head = (head + dropped) & mask;
      length -= dropped;
    }
  }
  if (from === count) return length;
  const data = words[at + DATA]! >>> 2;
  const start = (head + length) & mask;
  const firstRun = Math.min(count - from, capacity - start);
  copyIn(words, data + start, ids, from, firstRun);
  copyIn(words, data, ids, from + firstRun, count - from - firstRun);
  length += count - from;
  words[at + HEAD] = head;
  words[at + LENGTH] = length;
  return length;
}

/** Moves the first `count` ids (count ≤ length) into `out`, front first. */
export function ringTakeFront(words: Uint32Array, at: number, out: Uint32Array, count: number): void {
  const capacity = words[at + CAPACITY]!;
  const head = words[at + HEAD]!;
  const data = words[at + DATA]! >>> 2;
  const firstRun = Math.min(count, capacity - head);
  copyOut(words, data + head, out, 0, firstRun);
  copyOut(words, data, out, firstRun, count - firstRun);
  ringDropFront(words, at, count);
}

/** Moves the last `count` ids (count ≤ length) into `out`, the back one first. */
export function ringTakeBack(words: Uint32Array, at: number, out: Uint32Array, count: number): void {
  const length = words[at + LENGTH]!;
  const mask = words[at + CAPACITY]! - 1;
  const head = words[at + HEAD]!;
  const data = words[at + DATA]! >>> 2;
  for (let k = 0; k < count; k++) out[k] = words[data + ((head + length - 1 - k) & mask)]!;
  words[at + LENGTH] = length - count;
}

/** `ids[from .. from + count)` into `words` at `to`. */
export function copyIn(words: Uint32Array, to: number, ids: ArrayLike<number>, from: number, count: number): void {
  // Two loops, so that each indexes one kind of array (a mixed site is slower for both).
  if (!(ids instanceof Uint32Array)) {
    for (let k = 0; k < count; k++) words[to + k] = ids[from + k]!;
  } else if (count >= LOOP_COPY) {
    words.set(from === 0 && count === ids.length ? ids : ids.subarray(from, from + count), to);
  } else {
    for (let k = 0; k < count; k++) words[to + k] = ids[from + k]!;
  }
}

/** `words[from .. from + count)` into `out` at `to`. */
export function copyOut(words: Uint32Array, from: number, out: Uint32Array, to: number, count: number): void {
  if (count >= LOOP_COPY) {
    out.set(words.subarray(from, from + count), to);
  } else {
    for (let k = 0; k < count; k++) out[to + k] = words[from + k]!;
  }
}
