// The Wasm ABI: plain numbers in and out, nothing else. Every export that acts on a structure
// takes its header pointer first. src/core/exports.ts types each of these once.

import * as status from "./status";
import * as memory from "./memory";
import * as slots from "./slots";
import * as staging from "./staging";
import * as heap from "./heap";
import * as ring from "./ring";
import * as stack from "./stack";

// ── arena ──────────────────────────────────────────────────────────────────────────────────

/** Sets the page limit and the arena tag, and allocates the staging area. False if it cannot. */
export function arena_init(pageLimit: i32, tag: u32): bool {
  memory.setPageLimit(pageLimit);
  slots.setArenaTag(tag);
  return staging.initStaging();
}

export function arena_bytesInUse(): f64 { return memory.bytesInUse(); }
export function arena_takePendingAllocation(): usize { return memory.takePendingAllocation(); }
export function arena_slotTableBytes(): f64 { return slots.slotTableBytes(); }
export function arena_liveSlots(): u32 { return slots.liveSlots(); }
export function arena_shrinkSlots(): void { slots.shrinkSlots(); }
export function arena_slotMark(): f64 { return slots.slotMark(); }
export function arena_giveBackSlots(mark: f64): bool { return slots.giveBackSince(mark); }
export function staging_numbers(): usize { return staging.stagingNumbers; }
export function staging_words(): usize { return staging.stagingWords; }
export const STAGING_ITEMS: u32 = staging.STAGING_ITEMS;

export const STATUS_CAPACITY: i32 = status.CAPACITY;
export const STATUS_EMPTY: i32 = status.EMPTY;
export const STATUS_STALE: i32 = status.STALE;
export const STATUS_FOREIGN: i32 = status.FOREIGN;
export const STATUS_FORGED: i32 = status.FORGED;
export const STATUS_OUT_OF_RANGE: i32 = status.OUT_OF_RANGE;
export const SLOT_LIMIT: u32 = slots.SLOT_LIMIT;
export const GEN_LIMIT: u32 = slots.GEN_LIMIT;

// ── heap ───────────────────────────────────────────────────────────────────────────────────

export function heap_create(indexed: bool): usize { return heap.create(indexed); }
export function heap_dispose(h: usize): void { heap.dispose(h); }
export function heap_link(h: usize): bool { return heap.linkNow(h); }
export function heap_size(h: usize): u32 { return heap.size(h); }
export function heap_push(h: usize, key: f64): f64 { return heap.push(h, key); }
export function heap_pushValue(h: usize, key: f64, value: u32): i32 { return heap.pushValue(h, key, value); }
export function heap_pop(h: usize): i32 { return heap.pop(h); }
export function heap_popValue(h: usize): f64 { return heap.popValue(h); }
export function heap_popPush(h: usize, key: f64): f64 { return heap.popPush(h, key); }
export function heap_popPushValue(h: usize, key: f64, value: u32): f64 { return heap.popPushValue(h, key, value); }
export function heap_peek(h: usize): f64 { return heap.peek(h); }
export function heap_peekKey(h: usize): f64 { return heap.peekKey(h); }
export function heap_update(h: usize, handle: f64, key: f64, restamp: bool): i32 { return heap.update(h, handle, key, restamp); }
export function heap_keyOf(h: usize, handle: f64): f64 { return heap.keyOf(h, handle); }
export function heap_remove(h: usize, handle: f64): i32 { return heap.remove(h, handle); }
export function heap_reserve(h: usize, extra: u32): bool { return heap.reserveFor(h, extra); }
export function heap_append(h: usize, count: u32): i32 { return heap.append(h, count); }
export function heap_restore(h: usize, from: u32): void { heap.restore(h, from); }
export function heap_popMany(h: usize, max: u32): u32 { return heap.popMany(h, max); }
export function heap_drainSorted(h: usize, max: u32): usize { return heap.drainSorted(h, max); }
export function heap_releaseDrained(block: usize, size: u32): void { heap.releaseDrained(block, size); }
export function heap_drainUnordered(h: usize, max: u32): u32 { return heap.drainUnordered(h, max); }
export function heap_clear(h: usize): void { heap.clear(h); }
export function heap_copy(h: usize): usize { return heap.copy(h); }
export function heap_sortInPlace(h: usize): bool { return heap.sortInPlace(h); }
export function heap_readSorted(h: usize, from: u32, max: u32): u32 { return heap.readSorted(h, from, max); }
export function heap_shrink(h: usize): void { heap.shrink(h); }
export function heap_bytes(h: usize): f64 { return heap.bytes(h); }
/** The fewest entries a heap must hold for `heap_drainSorted` to sort. */
export const HEAP_SORT_FROM: u32 = heap.SORT_FROM;
/** The fewest entries a heap must hold for `heap_popMany` to take a batch's entries before refilling their places. */
export const HEAP_PARTIAL_FROM: u32 = heap.PARTIAL_FROM;
/** Header field offsets in bytes and the item's offset in an entry (the tables in heap.ts), which src/structures/heap-words.ts mirrors. */
export const HEAP_DATA: usize = heap.DATA;
export const HEAP_SIZE: usize = heap.SIZE;
export const HEAP_ENTRY_ITEM: usize = heap.ENTRY_ITEM;

// ── ring ───────────────────────────────────────────────────────────────────────────────────

export function ring_create(limit: u32, dropOldest: bool): usize { return ring.create(limit, dropOldest); }
export function ring_dispose(h: usize): void { ring.dispose(h); }
export function ring_length(h: usize): u32 { return ring.length(h); }
export function ring_pushBack(h: usize, value: u32): i32 { return ring.pushBack(h, value); }
export function ring_pushFront(h: usize, value: u32): i32 { return ring.pushFront(h, value); }
export function ring_popFront(h: usize): f64 { return ring.popFront(h); }
export function ring_popBack(h: usize): f64 { return ring.popBack(h); }
export function ring_at(h: usize, k: u32): f64 { return ring.at(h, k); }
export function ring_clear(h: usize): void { ring.clear(h); }
export function ring_reserve(h: usize, extra: u32): bool { return ring.reserveFor(h, extra); }
export function ring_read(h: usize, from: u32, max: u32): u32 { return ring.read(h, from, max); }
export function ring_shrink(h: usize): void { ring.shrink(h); }
export function ring_bytes(h: usize): f64 { return ring.bytes(h); }
/** Header field offsets in bytes (the table in ring.ts), which src/structures/ring-words.ts mirrors. */
export const RING_DATA: usize = ring.DATA;
export const RING_HEAD: usize = ring.HEAD;
export const RING_LENGTH: usize = ring.LENGTH;
export const RING_CAPACITY: usize = ring.CAPACITY_FIELD;
export const RING_LIMIT: usize = ring.LIMIT;
export const RING_DROP_OLDEST: usize = ring.DROP_OLDEST;

// ── stack ──────────────────────────────────────────────────────────────────────────────────

export function stack_create(): usize { return stack.create(); }
export function stack_dispose(h: usize): void { stack.dispose(h); }
export function stack_length(h: usize): u32 { return stack.length(h); }
export function stack_push(h: usize, value: u32): i32 { return stack.push(h, value); }
export function stack_pop(h: usize): f64 { return stack.pop(h); }
export function stack_at(h: usize, k: u32): f64 { return stack.at(h, k); }
export function stack_clear(h: usize): void { stack.clear(h); }
export function stack_reserve(h: usize, extra: u32): bool { return stack.reserveFor(h, extra); }
export function stack_shrink(h: usize): void { stack.shrink(h); }
export function stack_bytes(h: usize): f64 { return stack.bytes(h); }
/** Header field offsets in bytes (the table in stack.ts), which src/structures/stack-words.ts mirrors. */
export const STACK_DATA: usize = stack.DATA;
export const STACK_LENGTH: usize = stack.LENGTH;
export const STACK_CAPACITY: usize = stack.CAPACITY_FIELD;
