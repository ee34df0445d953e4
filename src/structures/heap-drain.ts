// Popping many entries of a core heap in order, for the batch pops and the iterators of
// PriorityQueue and NumericPriorityQueue.
import { type Arena, openArena } from '../core/arena.js';
import { CapacityError } from '../core/errors.js';

/**
 * Receives popped entries in order, a block at a time: the first `count` of `keys` (as the core
 * stores them: a max queue's negated) and of `items` (slots, or ids), which are entries `at` ..
 * `at + count - 1` of the drain. The views are valid only during the call.
 */
export type DrainSink = (keys: Float64Array, items: Uint32Array, count: number, at: number) => void;

/**
 * Pops min(`max`, `size`) entries of the heap at `header`, which holds `size`, into `sink`, and
 * returns how many. Taking most of a large heap sorts it in the core (O(n) radix passes instead of
 * a sift-down per pop; assembly/heap.ts says when that pays) and hands over one block; otherwise,
 * or when memory refuses the sort's scratch space, the entries come through the staging area,
 * 4,096 a call. A closed arena (poisoned, or the structure disposed) refuses even an empty request.
 */
export function drainHeap(arena: Arena, where: string, header: number, size: number, max: number, sink: DrainSink): number {
  openArena(arena, where);
  const count = Math.min(max, size);
  // Implied by the core's own test (a pop sifts at most 32 levels): saves the call for small batches.
  if (size >= arena.heapSortFrom && 4 * count >= size) {
    const block = sortedBlock(arena, where, header, count);
    if (block !== 0) {
      try {
        sink(arena.numbersAt(block, count), arena.wordsAt(block + 8 * count, count), count, 0);
      } finally {
        arena.core.heap_releaseDrained(block, size);
      }
      return count;
    }
  }
  let total = 0;
  do {
    const popped = arena.core.heap_popMany(header, Math.min(count - total, arena.stagingItems));
    if (popped === 0) break;
    sink(arena.stagingNumbers(), arena.stagingWords(), popped, total);
    total += popped;
  } while (total < count);
  return total;
}

/**
 * Hands every entry of the heap at `header` (holding `size`) to `sink` in pop order, leaving the
 * queue as it was: from a copy drained in the core; on an arena with no room for the copy, from
 * the heap itself sorted in place (a sorted array is a heap: its pop order and handles stand).
 * CapacityError only when neither can be done (a value heap in runs mode must first go back into
 * one array, which takes memory).
 */
export function readInOrder(arena: Arena, where: string, header: number, size: number, sink: DrainSink): void {
  openArena(arena, where);
  const copy = refusable(() => arena.call(where, 'heap_copy', header));
  if (copy !== 0) {
    try {
      drainHeap(arena, where, copy, size, Infinity, sink);
    } finally {
      arena.core.heap_dispose(copy);
    }
    return;
  }
  if (!arena.call(where, 'heap_sortInPlace', header)) {
    throw new CapacityError(`${where}: the arena's memory (maxMemory ${arena.maxMemory} bytes) has no room to order the queue for reading`);
  }
  for (let at = 0; at < size; ) {
    const count = arena.call(where, 'heap_readSorted', header, at, arena.stagingItems);
    if (count === 0) break; // (never: sorted in place, the heap is one array of `size` entries)
    sink(arena.stagingNumbers(), arena.stagingWords(), count, at);
    at += count;
  }
}

/** The core's sorted drain of `count` entries: its block, or 0 with nothing changed. */
function sortedBlock(arena: Arena, where: string, header: number, count: number): number {
  return refusable(() => arena.call(where, 'heap_drainSorted', header, count));
}

/** A core call that allocates a block: the block, or 0 when memory refused it (nothing changed). */
function refusable(allocate: () => number): number {
  try {
    return allocate();
  } catch (error) {
    // The allocator found no block after all (a fragmented full arena); nothing changed.
    if (error instanceof CapacityError) return 0;
    throw error;
  }
}
