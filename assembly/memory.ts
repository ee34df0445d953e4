// Growth guard. AssemblyScript's allocator (rt/tlsf.ts) traps with `unreachable()` when
// `memory.grow` fails, and a trap mid-operation would leave a structure half-changed. So every
// allocating path asks `canAllocate` first and returns CAPACITY with nothing changed instead.
//
// The check is conservative: it assumes the request needs fresh pages even when a free block could
// serve it, so an arena may refuse a little before its limit. One page of slack covers the
// allocator's rounding and block headers (at most a few hundred bytes per request).

/** The arena's memory limit in 64 KiB pages, set once by `arena_init`. */
let pageLimit: i32 = 0;
/** Bytes the structures hold in live blocks (requested sizes, not allocator overhead). */
let liveBytes: u64 = 0;

/** TLSF refuses single blocks of 1 GiB or more (BLOCK_MAXSIZE in rt/common.ts). */
// @ts-ignore: decorator
@inline const BLOCK_LIMIT: u64 = (1 << 30) - 64;

export function setPageLimit(pages: i32): void {
  pageLimit = pages;
}

export function bytesInUse(): f64 {
  return <f64>liveBytes;
}

/** Whether `bytes` more can be allocated without a failed `memory.grow`. */
export function canAllocate(bytes: u64): bool {
  if (bytes >= BLOCK_LIMIT) return false;
  let pages = <i64>((bytes + 0xffff) >> 16) + 1;
  return <i64>memory.size() + pages <= <i64>pageLimit;
}

/** Allocates a block the caller has checked with `canAllocate`. */
export function allocate(bytes: usize): usize {
  liveBytes += bytes;
  return heap.alloc(bytes);
}

export function release(ptr: usize, bytes: usize): void {
  liveBytes -= bytes;
  heap.free(ptr);
}
