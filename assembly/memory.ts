// Growth guard. AssemblyScript's allocator (rt/tlsf.ts) traps with `unreachable()` when
// `memory.grow` fails. Two layers keep that from ever leaving a structure half-changed:
//
// 1. Every allocating path asks `canAllocate` first and returns CAPACITY with nothing changed.
//    While the arena has pages to spare the answer is exact enough: the pages the allocator would
//    grow by for the request (its size class and headers included), plus a page, fit below the
//    limit. Once the memory has
//    reached its limit, only free blocks can serve a request, and the allocator does not say
//    whether one is large enough; then the request is let through when the free bytes could hold
//    it, so an arena whose structures were disposed is usable again.
// 2. If the allocator still finds no block (fragmentation), it traps inside `heap.alloc`. Every
//    structure allocates its new block before it touches anything else (alloc, copy, switch,
//    free old), or after a change only what `canAllocateSurely` allows, and the allocator traps
//    before changing its own state, so nothing is half-done:
//    `pendingBytes` tells src/core/arena.ts that the trap was this, and it becomes a
//    CapacityError instead of poisoning the arena.

/** The arena's memory limit in 64 KiB pages, set once by `arena_init`. */
let pageLimit: i32 = 0;
/** Bytes the structures hold in live blocks (requested sizes, not allocator overhead). */
let liveBytes: u64 = 0;
/** The size of the allocation under way; 0 between allocations. */
let pendingBytes: usize = 0;
/**
 * A block taken by a path that allocates again before linking it anywhere (heap-runs `enter`: its
 * record, then the record's pages; heap `copy`), and how to give it back with whatever it holds by then. If one
 * of those allocations traps, `takePendingAllocation` gives it back: the refusal leaks nothing.
 */
let unlinked: usize = 0;
let dropUnlinked: (ptr: usize) => void = (ptr: usize): void => {};

/** TLSF refuses single blocks of 1 GiB or more (BLOCK_MAXSIZE in rt/common.ts). */
// @ts-ignore: decorator
@inline const BLOCK_LIMIT: u64 = (1 << 30) - 64;
/** Slack added once to a request when judging free bytes: the allocator's headers and rounding (TLSF: 4-byte headers, 16-byte alignment). */
// @ts-ignore: decorator
@inline const SLACK: u64 = 0x10000;

export function setPageLimit(pages: i32): void {
  pageLimit = pages;
}

export function bytesInUse(): f64 {
  return <f64>liveBytes;
}

/** Whether `bytes` more can be allocated (see layer 1 above). */
export function canAllocate(bytes: u64): bool {
  if (canAllocateSurely(bytes)) return true;
  return bytes < BLOCK_LIMIT && liveBytes + bytes + SLACK <= (<u64>memory.size() << 16);
}

/**
 * Whether `bytes` can be allocated without any risk of the allocator trapping: the memory can still
 * grow by as much. For scratch space that an operation can do without.
 */
export function canAllocateSurely(bytes: u64): bool {
  if (bytes >= BLOCK_LIMIT) return false;
  // What the allocator grows the memory by for a request no free block serves (rt/tlsf.ts
  // `computeSize`, `roundSize`, `growMemory`): the block, header and 16-byte alignment included,
  // rounded up to its size class (by up to a sixteenth), and two headers more, in whole pages; and
  // a page of slack. A page of slack alone fell short from 1 MiB up: a 4 MiB sort scratch passed
  // this check, then trapped after the batch it was to order had gone in.
  let size = ((bytes + 4 + 15) & ~15) - 4;
  if (size >= 256) size += (<u64>1 << (59 - clz(size))) - 1;
  let pages = <i64>((size + 8 + 0xffff) >> 16) + 1;
  return <i64>memory.size() + pages <= <i64>pageLimit;
}

/**
 * `canAllocateSurely` when `surely` (a request made after the call has changed something, where an
 * allocator trap could no longer mean "nothing changed"), else `canAllocate`.
 */
// @ts-ignore: decorator
@inline export function canAllocateIf(bytes: u64, surely: bool): bool {
  return surely ? canAllocateSurely(bytes) : canAllocate(bytes);
}

/** Allocates a block the caller has checked with `canAllocate`. */
export function allocate(bytes: usize): usize {
  pendingBytes = bytes;
  let ptr = heap.alloc(bytes);
  pendingBytes = 0;
  liveBytes += bytes;
  return ptr;
}

export function release(ptr: usize, bytes: usize): void {
  liveBytes -= bytes;
  heap.free(ptr);
}

/** Marks `ptr` as not yet linked anywhere (see `unlinked`) until `linked`; `drop` gives it back. */
export function holdUnlinked(ptr: usize, drop: (ptr: usize) => void): void {
  unlinked = ptr;
  dropUnlinked = drop;
}

export function linked(): void {
  unlinked = 0;
}

/**
 * After a trap: the size of the allocation that failed, or 0 if the trap was not an allocation.
 * A block held unlinked when an allocation trapped is given back now (the allocator's state is as
 * it was before the failed request).
 */
export function takePendingAllocation(): usize {
  let bytes = pendingBytes;
  pendingBytes = 0;
  let orphan = unlinked;
  unlinked = 0;
  if (bytes > 0 && orphan != 0) dropUnlinked(orphan);
  return bytes;
}

/** Debug builds: grows the memory as an allocation would, for tests of the JS views (debug.ts). */
export function growPages(pages: i32): i32 {
  return memory.grow(pages);
}
