// Growable stack of u32. (A bounded stack that drops its oldest item is a ring used from the back:
// see ring.ts; src/structures/numeric-stack.ts picks one or the other.)
//
//   header, 12 bytes
//   ╒═══════════════╤═══════════════╤═══════════════╕
//   │ data    usize │ length    u32 │ capacity  u32 │
//   └───────────────┴───────────────┴───────────────┘
//   0               4               8               12
//
//   data  u32[capacity]; item 0 is the bottom, item length - 1 the top
//
// Invariant: length ≤ capacity.
//
// src/structures/stack-words.ts performs push, pop and the batch copies on this layout from JS (no
// crossing); NumericStack calls these exports to grow, clear, shrink and dispose (and for single
// operations once the memory is closed, to get the right error). The JS side keeps the invariant,
// and `check` tests it.

import { CAPACITY } from "./status";
import { allocate, canAllocate, release } from "./memory";

// @ts-ignore: decorator
@inline const HEADER_BYTES: usize = 12;
// @ts-ignore: decorator
@inline export const DATA: usize = 0;
// @ts-ignore: decorator
@inline export const LENGTH: usize = 4;
// @ts-ignore: decorator
@inline export const CAPACITY_FIELD: usize = 8;
// @ts-ignore: decorator
@inline const MIN_CAPACITY: u32 = 16;

// @ts-ignore: decorator
@inline function lengthOf(h: usize): u32 { return load<u32>(h, LENGTH); }
// @ts-ignore: decorator
@inline function capacityOf(h: usize): u32 { return load<u32>(h, CAPACITY_FIELD); }
// @ts-ignore: decorator
@inline function itemAddress(h: usize, k: u32): usize { return load<usize>(h, DATA) + (<usize>k << 2); }

function resize(h: usize, capacity: u32): bool {
  let bytes = <u64>capacity << 2;
  if (!canAllocate(bytes)) return false;
  let data = allocate(<usize>bytes);
  let old = load<usize>(h, DATA);
  if (old) {
    memory.copy(data, old, <usize>lengthOf(h) << 2);
    release(old, <usize>capacityOf(h) << 2);
  }
  store<usize>(h, data, DATA);
  store<u32>(h, capacity, CAPACITY_FIELD);
  return true;
}

function reserve(h: usize, extra: u32): bool {
  let needed = <u64>lengthOf(h) + extra;
  let capacity = capacityOf(h);
  if (needed <= capacity) return true;
  let next = max<u64>(max<u64>(<u64>capacity << 1, needed), MIN_CAPACITY);
  if (next > 0x8000_0000) return false;
  return resize(h, <u32>next);
}

// ── exports (re-exported with the `stack_` prefix by index.ts) ───────────────────────────────

export function create(): usize {
  if (!canAllocate(HEADER_BYTES)) return 0;
  let h = allocate(HEADER_BYTES);
  memory.fill(h, 0, HEADER_BYTES);
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

/** Pushes on top; returns the new length, or CAPACITY. */
export function push(h: usize, value: u32): i32 {
  if (!reserve(h, 1)) return CAPACITY;
  let length = lengthOf(h);
  store<u32>(itemAddress(h, length), value);
  store<u32>(h, length + 1, LENGTH);
  return <i32>(length + 1);
}

/** Removes and returns the top item, or -1 when empty. */
export function pop(h: usize): f64 {
  let length = lengthOf(h);
  if (length == 0) return -1;
  store<u32>(h, length - 1, LENGTH);
  return <f64>load<u32>(itemAddress(h, length - 1));
}

/** Item `k` counted from the bottom, or -1 outside 0 .. length - 1. */
export function at(h: usize, k: u32): f64 {
  if (k >= lengthOf(h)) return -1;
  return <f64>load<u32>(itemAddress(h, k));
}

export function clear(h: usize): void {
  store<u32>(h, 0, LENGTH);
}

/** Makes room for `extra` more items, so that the batch calls that follow cannot fail halfway. */
export function reserveFor(h: usize, extra: u32): bool {
  return reserve(h, extra);
}

export function shrink(h: usize): void {
  let target = max(lengthOf(h), MIN_CAPACITY);
  if (target < capacityOf(h)) resize(h, target);
}

/** Whether the header keeps the invariant above (the debug build exports it for tests). */
export function check(h: usize): bool {
  let data = load<usize>(h, DATA);
  let capacity = capacityOf(h);
  if (capacity == 0) return data == 0 && lengthOf(h) == 0;
  return data != 0 && lengthOf(h) <= capacity;
}

export function bytes(h: usize): f64 {
  return <f64>HEADER_BYTES + <f64>capacityOf(h) * 4;
}
