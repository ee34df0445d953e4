// Growable ring buffer of u32: a double-ended queue. Capacity is a power of two, so an index wraps
// with a mask; it doubles when full, up to the bound when there is one.
//
//   header, 24 bytes
//   ╒═══════════════╤═══════════════╤═══════════════╤═══════════════╤═══════════════╤═══════════════╕
//   │ data    usize │ head      u32 │ length    u32 │ capacity  u32 │ limit     u32 │ dropOldest u32│
//   └───────────────┴───────────────┴───────────────┴───────────────┴───────────────┴───────────────┘
//   0               4               8               12              16              20              24
//
//   data        u32[capacity]; item k (0 = front) lives at (head + k) & (capacity - 1)
//   limit       0 = unbounded; else at most `limit` items (any integer ≥ 1, not only powers of two)
//   dropOldest  at the limit: 1 = a push drops the item at the other end, 0 = a push is refused
//
// Invariants: length ≤ capacity; head < capacity (or both 0 before the first push);
// length ≤ limit when limit > 0.
//
// src/structures/ring-words.ts performs the O(1) operations and the batch copies on this layout
// from JS (no crossing); NumericQueue and NumericStack call these exports to grow, clear, shrink,
// read in bulk and dispose (and for single operations once the memory is closed, to get the right
// error). The JS side keeps the invariants, and `check` tests them.

import { CAPACITY } from "./status";
import { allocate, canAllocate, release } from "./memory";
import { STAGING_ITEMS, stagingWords } from "./staging";

// @ts-ignore: decorator
@inline const HEADER_BYTES: usize = 24;
// @ts-ignore: decorator
@inline export const DATA: usize = 0;
// @ts-ignore: decorator
@inline export const HEAD: usize = 4;
// @ts-ignore: decorator
@inline export const LENGTH: usize = 8;
// @ts-ignore: decorator
@inline export const CAPACITY_FIELD: usize = 12;
// @ts-ignore: decorator
@inline export const LIMIT: usize = 16;
// @ts-ignore: decorator
@inline export const DROP_OLDEST: usize = 20;
// @ts-ignore: decorator
@inline const MIN_CAPACITY: u32 = 16;

// @ts-ignore: decorator
@inline function lengthOf(h: usize): u32 { return load<u32>(h, LENGTH); }
// @ts-ignore: decorator
@inline function capacityOf(h: usize): u32 { return load<u32>(h, CAPACITY_FIELD); }
// @ts-ignore: decorator
@inline function slotAddress(h: usize, k: u32): usize {
  return load<usize>(h, DATA) + (<usize>((load<u32>(h, HEAD) + k) & (capacityOf(h) - 1)) << 2);
}

/** Moves the items, unwrapped, into a block of `capacity` slots. False if memory refuses. */
function resize(h: usize, capacity: u32): bool {
  let bytes = <u64>capacity << 2;
  if (!canAllocate(bytes)) return false;
  let data = allocate(<usize>bytes);
  let old = load<usize>(h, DATA);
  let length = lengthOf(h);
  if (old) {
    let oldCapacity = capacityOf(h);
    let head = load<u32>(h, HEAD);
    let firstRun = min(length, oldCapacity - head);
    memory.copy(data, old + (<usize>head << 2), <usize>firstRun << 2);
    memory.copy(data + (<usize>firstRun << 2), old, <usize>(length - firstRun) << 2);
    release(old, <usize>oldCapacity << 2);
  }
  store<usize>(h, data, DATA);
  store<u32>(h, 0, HEAD);
  store<u32>(h, capacity, CAPACITY_FIELD);
  return true;
}

function nextPowerOfTwo(n: u64): u64 {
  return n <= 1 ? 1 : <u64>1 << (64 - clz<u64>(n - 1));
}

/** Makes room for `extra` more items without passing the limit's power of two. */
function reserve(h: usize, extra: u32): bool {
  let needed = <u64>lengthOf(h) + extra;
  let capacity = capacityOf(h);
  if (needed <= capacity) return true;
  let next = max<u64>(nextPowerOfTwo(needed), MIN_CAPACITY);
  let limit = load<u32>(h, LIMIT);
  if (limit > 0) next = min<u64>(next, nextPowerOfTwo(limit));
  if (next > 0x8000_0000 || next < needed) return false;
  return resize(h, <u32>next);
}

/**
 * Room for one more item: below the limit, by growing; at it, by dropping the item at the end
 * opposite to the push (so a push at the back drops the front). False, with nothing changed, when
 * memory refuses or the ring is full in reject mode.
 */
function makeRoom(h: usize, atBack: bool): bool {
  let limit = load<u32>(h, LIMIT);
  if (limit == 0 || lengthOf(h) < limit) return reserve(h, 1);
  if (!load<u32>(h, DROP_OLDEST)) return false;
  if (atBack) store<u32>(h, (load<u32>(h, HEAD) + 1) & (capacityOf(h) - 1), HEAD);
  store<u32>(h, lengthOf(h) - 1, LENGTH);
  return true;
}

// ── exports (re-exported with the `ring_` prefix by index.ts) ────────────────────────────────

/** A new empty ring (limit 0 = unbounded), or 0 if memory refuses. */
export function create(limit: u32, dropOldest: bool): usize {
  if (!canAllocate(HEADER_BYTES)) return 0;
  let h = allocate(HEADER_BYTES);
  memory.fill(h, 0, HEADER_BYTES);
  store<u32>(h, limit, LIMIT);
  store<u32>(h, dropOldest ? 1 : 0, DROP_OLDEST);
  return h;
}

export function dispose(h: usize): void {
  let data = load<usize>(h, DATA);
  if (data) release(data, <usize>capacityOf(h) << 2);
  release(h, HEADER_BYTES);
}

export function length(h: usize): u32 {
  return lengthOf(h);
}

/**
 * Pushes at the back (at the limit in drop-oldest mode, the front item leaves). Returns the new
 * length, so that a caller needs no second call to learn it, or CAPACITY.
 */
export function pushBack(h: usize, value: u32): i32 {
  if (!makeRoom(h, true)) return CAPACITY;
  let length = lengthOf(h);
  store<u32>(slotAddress(h, length), value);
  store<u32>(h, length + 1, LENGTH);
  return <i32>(length + 1);
}

/** Pushes at the front (at the limit in drop-oldest mode, the back item leaves). Returns the new length, or CAPACITY. */
export function pushFront(h: usize, value: u32): i32 {
  if (!makeRoom(h, false)) return CAPACITY;
  let head = (load<u32>(h, HEAD) - 1) & (capacityOf(h) - 1);
  let length = lengthOf(h) + 1;
  store<u32>(h, head, HEAD);
  store<u32>(h, length, LENGTH);
  store<u32>(slotAddress(h, 0), value);
  return <i32>length;
}

/** Removes and returns the front item, or -1 when empty. */
export function popFront(h: usize): f64 {
  let length = lengthOf(h);
  if (length == 0) return -1;
  let value = load<u32>(slotAddress(h, 0));
  store<u32>(h, (load<u32>(h, HEAD) + 1) & (capacityOf(h) - 1), HEAD);
  store<u32>(h, length - 1, LENGTH);
  return <f64>value;
}

/** Removes and returns the back item, or -1 when empty. */
export function popBack(h: usize): f64 {
  let length = lengthOf(h);
  if (length == 0) return -1;
  store<u32>(h, length - 1, LENGTH);
  return <f64>load<u32>(slotAddress(h, length - 1));
}

/** Item `k` counted from the front, or -1 outside 0 .. length - 1. */
export function at(h: usize, k: u32): f64 {
  if (k >= lengthOf(h)) return -1;
  return <f64>load<u32>(slotAddress(h, k));
}

export function clear(h: usize): void {
  store<u32>(h, 0, HEAD);
  store<u32>(h, 0, LENGTH);
}

/**
 * Makes room for `extra` more items (no more than the limit allows), so that the batch calls that
 * follow cannot fail halfway. False, with nothing changed, if memory refuses.
 */
export function reserveFor(h: usize, extra: u32): bool {
  let limit = load<u32>(h, LIMIT);
  let length = lengthOf(h);
  if (limit > 0) extra = min(extra, limit > length ? limit - length : 0);
  return reserve(h, extra);
}

/** Copies up to `max` items from index `from` on into the staging words, without removing them. */
export function read(h: usize, from: u32, max: u32): u32 {
  let length = lengthOf(h);
  if (from >= length) return 0;
  let count = min(min(max, length - from), STAGING_ITEMS);
  for (let k: u32 = 0; k < count; k++) {
    store<u32>(stagingWords + (<usize>k << 2), load<u32>(slotAddress(h, from + k)));
  }
  return count;
}

/** Gives back the block's slack: the smallest power of two that holds the items. */
export function shrink(h: usize): void {
  let target = <u32>max<u64>(nextPowerOfTwo(lengthOf(h)), MIN_CAPACITY);
  if (target < capacityOf(h)) resize(h, target);
}

/** Whether the header keeps the invariants above (the debug build exports it for tests). */
export function check(h: usize): bool {
  let data = load<usize>(h, DATA);
  let capacity = capacityOf(h);
  let head = load<u32>(h, HEAD);
  let length = lengthOf(h);
  let limit = load<u32>(h, LIMIT);
  if (capacity == 0) return data == 0 && head == 0 && length == 0;
  if (data == 0 || popcnt(capacity) != 1) return false;
  return length <= capacity && head < capacity && (limit == 0 || length <= limit);
}

export function bytes(h: usize): f64 {
  return <f64>HEADER_BYTES + <f64>capacityOf(h) * 4;
}

