// Draining most of a core heap at once, for the batch pops and the iterators of PriorityQueue and
// NumericPriorityQueue.
import type { Arena } from '../core/arena.js';
import { CapacityError } from '../core/errors.js';

/** Entries a sorted drain took from a heap, in pop order, held in the arena until `release()`. */
export interface SortedDrain {
  /** Their keys as the core stores them (a max queue's negated). */
  readonly keys: Float64Array;
  /** Their items: slots, or ids. */
  readonly items: Uint32Array;
  /** Gives the block back to the arena; the views are empty or stale after it. */
  release(): void;
}

/**
 * Takes `count` of the `size` entries of the heap at `header` by sorting it in the core, when that
 * pays (a drain of most of a large heap: O(n) radix passes instead of a sift-down per pop; see
 * assembly/heap.ts). Undefined, with nothing changed, when popping is cheaper or memory refuses
 * the sort's scratch space: the caller then pops through the staging area as before. A caller
 * that gets a drain reads it at once and releases it, in a `finally`.
 */
export function sortedDrain(arena: Arena, where: string, header: number, size: number, count: number): SortedDrain | undefined {
  // Implied by the core's own test (a pop sifts at most 32 levels): saves the call for small batches.
  if (size < arena.heapSortFrom || 4 * count < size) return undefined;
  let block = 0;
  try {
    block = arena.call(where, 'heap_drainSorted', header, count);
  } catch (error) {
    // The allocator found no block after all (a fragmented full arena); nothing changed.
    if (error instanceof CapacityError) return undefined;
    throw error;
  }
  if (block === 0) return undefined;
  return {
    keys: arena.numbersAt(block, count),
    items: arena.wordsAt(block + 8 * count, count),
    release: () => arena.core.heap_releaseDrained(block, size),
  };
}
