// Handle slots: one table per arena, shared by every indexed heap in it. A handle names a slot and
// the generation the slot had when the item arrived, so a handle whose item has left (the slot was
// freed, and maybe reused) is recognised as stale and never acts on the slot's new occupant.
//
//   slot table, 8 bytes a slot
//   ╒═══════════════╤═══════════════╕
//   │ generation u32│ link      u32 │
//   └───────────────┴───────────────┘
//   0               4               8
//
//   generation  of the slot's current item, or of its last one while it is free: 1 .. GEN_LIMIT;
//          GEN_LIMIT + 1 marks a retired slot.
//   link   live slot: the item's index in its heap (kept current by every move of a LINKED heap,
//          heap.ts), below 2^31. Free slot: FREE + the next free slot, or FREE + END at the end of
//          the free list. The list is LIFO (a freed slot is reused first, while it is in the
//          caches), relinked lowest slot first after a large table drains (`freeSlot`).
//
//   handle, an exact integer below 2^53 (JS number, f64 here):
//     generation (15 bits) · 2^38  +  arena tag (14 bits) · 2^24  +  slot (24 bits)
//
// Invariants
//   - A slot's generation only grows. It grows when the slot is taken again, so a handle issued
//     for an earlier item has a generation below the current one from then on, and while the slot
//     is free its last item's handle meets the FREE mark: stale, exactly, either way.
//   - A slot in its last generation (GEN_LIMIT) is retired when the free list hands it out again,
//     never reused: generations never wrap. `doomed` counts such slots not yet retired, so that a
//     reservation never counts on them.
//   - The arena tag is unique among live arenas (src/core/arena.ts), so a handle from another
//     arena is caught by its tag; one from another heap of this arena by the `link` cross-check
//     in heap.ts (the heap's entry at `link` must name this slot).
//
// Why the generation moves on at reuse and not when the slot is freed: a heap frees slots in
// priority order, all over the table, and a free that must read the generation first waits for
// its line (a cache miss past ~100,000 slots); one that only writes the link does not. The take
// reads the line anyway (the free list's next link), and after a drain's relink takes them in
// order. Measured (bench/micro/heap.ts, ns per push + pop at N = 1e6, builds side by side): the raw
// indexed heap filled and drained 236 -> 184, held 316 -> 290; PriorityQueue, with the pop's free
// moved ahead of its sift (heap.ts), 509 -> 445 and 581 -> 541; 1e3 and 1e5 within the noise.

import { CAPACITY, FOREIGN, FORGED, STALE } from "./status";
import { allocate, canAllocate, release } from "./memory";

// @ts-ignore: decorator
@inline export const SLOT_BYTES: u32 = 8;
/** In a slot's link: the slot is free, and the rest is the next free slot (or END). */
// @ts-ignore: decorator
@inline const FREE: u32 = 0x8000_0000;
// @ts-ignore: decorator
@inline export const GEN_LIMIT: u32 = (1 << 15) - 1;
// @ts-ignore: decorator
@inline export const SLOT_LIMIT: u32 = 1 << 24;
/** The end of the free list: no slot (slots are below 2^24). */
// @ts-ignore: decorator
@inline const END: u32 = 0x7fff_ffff;
// @ts-ignore: decorator
@inline const TAG_SHIFT: f64 = 16777216; // 2^24
// @ts-ignore: decorator
@inline const GEN_SHIFT: f64 = 274877906944; // 2^38

let table: usize = 0;
let capacity: u32 = 0;
/** Slots `0 .. used - 1` have been handed out at least once. */
let used: u32 = 0;
/**
 * The generation a slot starts at when first handed out: above every generation a slot given back
 * (`giveBackSince`) ever had, so that a handle to one of them, if any was kept, stays stale.
 */
let firstGeneration: u32 = 1;
let freeHead: u32 = END;
let freeCount: u32 = 0;
/** Slots whose generation ran out: neither free nor live, ever again. */
let retired: u32 = 0;
/** Slots in their last generation, live or free, not yet retired (see `available`). */
let doomed: u32 = 0;
let arenaTag: u32 = 0;
/**
 * The free list is relinked (see `freeSlot`) when the live slots fall below this; 0: not armed,
 * until more than half of the slots in circulation are live again.
 */
let relinkAt: u32 = 0;

/**
 * Tables of this many slots or more are relinked after a drain; a smaller one fits in the caches,
 * where the order of its free slots does not matter.
 */
// @ts-ignore: decorator
@inline const RELINK_FROM: u32 = 1 << 16;
/** Below this many live slots, the next relink waits for the table to be empty. */
// @ts-ignore: decorator
@inline const RELINK_LAST: u32 = 1 << 11;

export function setArenaTag(tag: u32): void {
  arenaTag = tag;
}

/**
 * Slots available without growing the table. A doomed slot on the free list will be retired, not
 * handed out, and a free does not read the generation, so whether a doomed slot is free or live is
 * not known: none is counted (a live one too few, which at worst grows the table a little early).
 */
// @ts-ignore: decorator
@inline function available(): u32 {
  let spare = freeCount + capacity - used;
  return spare > doomed ? spare - doomed : 0;
}

/** Makes sure `count` slots can be taken without failing; false (nothing changed) if they cannot. */
export function reserveSlots(count: u32): bool {
  if (available() >= count) return true;
  let needed = <u64>used + count + doomed - freeCount;
  if (needed > SLOT_LIMIT) return false;
  let next = max<u64>(max<u64>(<u64>capacity << 1, needed), 64);
  if (next > SLOT_LIMIT) next = SLOT_LIMIT;
  return resizeTable(<u32>next);
}

function resizeTable(slots: u32): bool {
  let bytes = <u64>slots * SLOT_BYTES;
  if (!canAllocate(bytes)) return false;
  let next = allocate(<usize>bytes);
  if (table) {
    memory.copy(next, table, <usize>used * SLOT_BYTES);
    release(table, <usize>capacity * SLOT_BYTES);
  }
  table = next;
  capacity = slots;
  return true;
}

/** Slots (and table sizes) are below 2^25: a mark holds both in one exact f64 (no BigInt in JS). */
// @ts-ignore: decorator
@inline const MARK_SHIFT: f64 = 33554432; // 2^25

/** The slots used so far and the table's size, for `giveBackSince`. */
export function slotMark(): f64 {
  return <f64>used * MARK_SHIFT + <f64>capacity;
}

/**
 * After a call that took slots and then was refused (a batch that ran out of memory part way, and
 * freed what it took): if every slot used since `mark` is free again, they are given back as if
 * never used, and the table to the size it had; slots handed out later start at a generation
 * none of them reached, so no handle issued meanwhile can name a later item. False, with nothing
 * changed, if one of them is still live (or near its last generation).
 */
export function giveBackSince(mark: f64): bool {
  let since = <u32>Math.floor(mark / MARK_SHIFT);
  let size = <u32>(mark - <f64>since * MARK_SHIFT);
  if (used <= since) return true;
  let highest: u32 = 0;
  for (let slot = since; slot < used; slot++) {
    let entry = table + <usize>slot * SLOT_BYTES;
    let generation = load<u32>(entry);
    if (!(load<u32>(entry, 4) & FREE) || generation >= GEN_LIMIT - 1) return false; // live, or near its last generation
    highest = max(highest, generation);
  }
  // A handle to one of them can only have come from a call made meanwhile (a clock that pushed
  // into another queue of the arena, and popped): slots handed out from now on start above it.
  firstGeneration = max(firstGeneration, highest + 1);
  freeCount -= used - since;
  used = since;
  relinkFree(); // without them
  if (capacity > size && size >= 64) resizeTable(size); // where memory allows; else the slack stays for `shrinkSlots`
  return true;
}

/**
 * Gives the table back its slack beyond the highest slot ever used (slots are never renumbered, so
 * it cannot go below that). Exported as `arena_shrinkSlots`, which `Arena.shrink` calls.
 */
export function shrinkSlots(): void {
  let target = max<u32>(used, 64);
  if (target < capacity) resizeTable(target);
}

/** Takes a slot (the caller reserved it) for an item placed at `index` in its heap. */
export function takeSlot(index: u32): u32 {
  let slot: u32;
  let entry: usize;
  while (true) {
    if (freeHead == END) {
      assert(used < capacity, "takeSlot: no slot was reserved"); // debug builds only
      slot = used++;
      entry = table + <usize>slot * SLOT_BYTES;
      store<u32>(entry, firstGeneration);
      break;
    }
    slot = freeHead;
    entry = table + <usize>slot * SLOT_BYTES;
    freeHead = load<u32>(entry, 4) & ~FREE;
    freeCount--;
    let generation = load<u32>(entry) + 1;
    store<u32>(entry, generation);
    if (generation < GEN_LIMIT) break;
    if (generation == GEN_LIMIT) {
      doomed++;
      break;
    }
    doomed--; // its last item has left: retired
    retired++;
  }
  store<u32>(entry, index, 4);
  return slot;
}

/** Arms the relink once more than half of the slots in circulation are live (see `freeSlot`). */
// @ts-ignore: decorator
@inline function armRelink(live: u32, circulating: u32): void {
  if (relinkAt == 0 && live > circulating >> 1) relinkAt = (circulating >> 3) + 1;
}

/** Frees a live slot: its handle meets the FREE mark from now on, so it is stale. */
export function freeSlot(slot: u32): void {
  store<u32>(table + <usize>slot * SLOT_BYTES, FREE | freeHead, 4);
  freeHead = slot;
  freeCount++;
  // A drained spike leaves its slots on the free list in the order they left (a heap drains in
  // priority order: scattered all over the table), and new items would land all over it, and all
  // over the arena's payload table in JS, where a compact set of slots stays in the caches.
  // Measured: Scheduler.run() at 650 ns a job, 1,000 ns after a million-item queue had drained in
  // the same arena. So as the live slots of a large table fall past an eighth, a 64th, a 512th, ...
  // of it, and once more when none is left, the free list is relinked lowest slot first (the
  // slots freed after one relink are on top of it until the next). Retired slots are not live:
  // counted as live, a few thousand of them kept a drained table from ever reaching its
  // thresholds, and fills of a million items took 60-100 ns an item instead of 20.
  let circulating = used - retired;
  let live = circulating - freeCount;
  if (relinkAt == 0) armRelink(live, circulating);
  else if (live < relinkAt && used >= RELINK_FROM) relinkBelow(live);
}

/**
 * Frees the `count` live slots listed as u32s at `list`, `stride` bytes apart (a heap's entries
 * can be read in place), as `freeSlot` on each would. A batch that
 * takes a large table past a relink threshold (a drain) only marks the slots free, then links
 * the free list once, in order: linking each slot as it leaves would be undone by that relink, and
 * the thresholds crossed on the way would each scan the table.
 */
export function freeSlots(list: usize, count: u32, stride: usize = 4): void {
  let circulating = used - retired;
  let live = circulating - freeCount;
  armRelink(live, circulating);
  if (relinkAt == 0 || live - count >= relinkAt || used < RELINK_FROM) {
    for (let k: u32 = 0; k < count; k++) freeSlot(load<u32>(list + <usize>k * stride));
    return;
  }
  for (let k: u32 = 0; k < count; k++) {
    store<u32>(table + <usize>load<u32>(list + <usize>k * stride) * SLOT_BYTES, FREE, 4);
  }
  freeCount += count;
  relinkBelow(live - count);
}

/** Relinks the free list, and sets the next threshold at an eighth of `live` (see `freeSlot`). */
function relinkBelow(live: u32): void {
  relinkFree();
  relinkAt = live == 0 ? 0 : live >= RELINK_LAST ? (live >> 3) + 1 : 1;
}

/** Links the free slots in ascending order: O(used), a few times per drain of a large table at most. */
function relinkFree(): void {
  let head = END;
  for (let slot = used; slot > 0; ) {
    slot--;
    let entry = table + <usize>slot * SLOT_BYTES;
    if (!(load<u32>(entry, 4) & FREE) || load<u32>(entry) > GEN_LIMIT) continue; // live, or retired
    store<u32>(entry, FREE | head, 4);
    head = slot;
  }
  freeHead = head;
}

// @ts-ignore: decorator
@inline export function setIndex(slot: u32, index: u32): void {
  store<u32>(table + <usize>slot * SLOT_BYTES, index, 4);
}

// @ts-ignore: decorator
@inline export function indexOf(slot: u32): u32 {
  return load<u32>(table + <usize>slot * SLOT_BYTES, 4);
}

/** The handle of a live slot. */
export function handleOf(slot: u32): f64 {
  let generation = load<u32>(table + <usize>slot * SLOT_BYTES);
  return <f64>generation * GEN_SHIFT + <f64>arenaTag * TAG_SHIFT + <f64>slot;
}

/**
 * The live slot a handle names, or STALE, FOREIGN (another arena's tag) or FORGED. Whether the
 * slot belongs to the asking heap is the heap's check.
 */
export function resolve(handle: f64): i32 {
  // Rejects NaN, negatives, fractions and anything from 2^53 on before any integer conversion.
  if (!(handle >= 0 && handle < 9007199254740992.0 && Math.floor(handle) == handle)) return FORGED;
  let bits = <u64>handle;
  let slot = <u32>(bits & (SLOT_LIMIT - 1));
  let tag = <u32>((bits >> 24) & 0x3fff);
  let generation = <u32>(bits >> 38);
  if (tag != arenaTag) return FOREIGN;
  if (slot >= used || generation == 0) return FORGED;
  let entry = table + <usize>slot * SLOT_BYTES;
  let current = load<u32>(entry);
  if (generation > current) return FORGED;
  if (generation < current || load<u32>(entry, 4) & FREE) return STALE;
  return <i32>slot;
}

export function slotTableBytes(): f64 {
  return <f64>capacity * SLOT_BYTES;
}

/** Live slots in the whole arena. */
export function liveSlots(): u32 {
  return used - freeCount - retired;
}

/**
 * Debug builds: moves a slot's generation near GEN_LIMIT so a test can cross it (a live slot's
 * current one; a free slot's last one, so that the next take issues `generation + 1`).
 */
export function setGeneration(slot: u32, generation: u32): i32 {
  if (slot >= used || generation == 0 || generation > GEN_LIMIT) return CAPACITY;
  let entry = table + <usize>slot * SLOT_BYTES;
  let current = load<u32>(entry);
  if (current > GEN_LIMIT) return CAPACITY; // retired
  if (current == GEN_LIMIT) doomed--;
  if (generation == GEN_LIMIT) doomed++;
  store<u32>(entry, generation);
  return 0;
}
