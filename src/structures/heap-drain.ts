// Popping many entries of a core heap in order, for the batch pops and the iterators of
// PriorityQueue and NumericPriorityQueue.
import type { Arena } from '../core/arena.js';
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
 * 4,096 a call. The core is called at least once, so that a disposed structure's stand-in refuses
 * even an empty request.
 */
export function drainHeap(arena: Arena, where: string, header: number, size: number, max: number, sink: DrainSink): number {
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

/** The core's sorted drain of `count` entries: its block, or 0 with nothing changed. */
function sortedBlock(arena: Arena, where: string, header: number, count: number): number {
  try {
    return arena.call(where, 'heap_drainSorted', header, count);
  } catch (error) {
    // The allocator found no block after all (a fragmented full arena); nothing changed.
    if (error instanceof CapacityError) return 0;
    throw error;
  }
}
