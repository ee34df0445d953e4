/**
 * The Wasm module's exports, typed once (assembly/index.ts is the source). Nothing in src/ but
 * src/core touches `instance.exports`; structures reach the core through `Arena.core` (and
 * `Arena.raw`), and read and write its memory through the arena's views (`words()`).
 * Pointers are u32 header addresses; handles are exact integers below 2^53; statuses are negative.
 */
export interface CoreExports {
  readonly memory?: WebAssembly.Memory;
  arena_init(pageLimit: number, tag: number): number;
  arena_bytesInUse(): number;
  /** After a trap: the size of the allocation that failed (the allocator found no block), else 0. */
  arena_takePendingAllocation(): number;
  arena_slotTableBytes(): number;
  arena_liveSlots(): number;
  arena_shrinkSlots(): void;
  /** The handle table's state, for `arena_giveBackSlots`. */
  arena_slotMark(): number;
  /** Gives back the slots used since `mark` if all are free again (a refused batch); 1 if it did. */
  arena_giveBackSlots(mark: number): number;
  staging_numbers(): number;
  staging_words(): number;

  heap_create(indexed: number): number;
  heap_dispose(h: number): void;
  /** Indexed heaps: keeps every entry's place from now on (links them all now, O(n)); 0 for a value heap. */
  heap_link(h: number): number;
  heap_size(h: number): number;
  /** Indexed heaps: the new handle, or a negative status. */
  heap_push(h: number, key: number): number;
  /** Value heaps: the new size, or a negative status. */
  heap_pushValue(h: number, key: number, value: number): number;
  /** Indexed heaps: the popped slot, or EMPTY. */
  heap_pop(h: number): number;
  /** Value heaps: the popped value, or -1 when empty. */
  heap_popValue(h: number): number;
  /** Indexed heaps: popped slot · 2^24 + the new entry's slot, or a negative status. */
  heap_popPush(h: number, key: number): number;
  /** Value heaps: the popped value, or -1 when empty or (runs mode) refused memory, nothing pushed then: the size tells which. */
  heap_popPushValue(h: number, key: number, value: number): number;
  /** The top item (slot or value), or -1 when empty. */
  heap_peek(h: number): number;
  /** The top key, or NaN when empty. */
  heap_peekKey(h: number): number;
  heap_update(h: number, handle: number, key: number, restamp: number): number;
  heap_keyOf(h: number, handle: number): number;
  /** The removed slot, or a negative status. */
  heap_remove(h: number, handle: number): number;
  /** Room for `extra` more entries (and slots), so batch calls cannot fail halfway: 1, or 0. */
  heap_reserve(h: number, extra: number): number;
  /** Appends staged entries unordered (handles written over the keys); `heap_restore` follows. */
  heap_append(h: number, count: number): number;
  /** Restores heap order after appends that started at size `from`. */
  heap_restore(h: number, from: number): void;
  heap_popMany(h: number, max: number): number;
  /** A drain of `max` entries by sorting, when that pays: the block of keys then items, or 0 (pop instead). */
  heap_drainSorted(h: number, max: number): number;
  /** Frees the block `heap_drainSorted` returned, given the heap's size before the drain. */
  heap_releaseDrained(block: number, size: number): void;
  heap_drainUnordered(h: number, max: number): number;
  heap_clear(h: number): void;
  /** A value-heap copy's header, or 0. */
  heap_copy(h: number): number;
  /** Sorts a heap in place (pop order, handles kept) for reading without a copy; 0 when memory refuses (a value heap in runs mode). */
  heap_sortInPlace(h: number): number;
  /** Entries `from` .. of a heap `heap_sortInPlace` ordered, into the staging area as `heap_popMany` hands them; how many. */
  heap_readSorted(h: number, from: number, max: number): number;
  heap_shrink(h: number): void;
  heap_bytes(h: number): number;

  ring_create(limit: number, dropOldest: number): number;
  ring_dispose(h: number): void;
  ring_length(h: number): number;
  /** The new length (at the limit in drop-oldest mode the other end's item left), or a negative status. */
  ring_pushBack(h: number, value: number): number;
  ring_pushFront(h: number, value: number): number;
  ring_popFront(h: number): number;
  ring_popBack(h: number): number;
  ring_at(h: number, k: number): number;
  ring_clear(h: number): void;
  /** Room for `extra` more items (up to the limit): 1, or 0 when memory refuses. */
  ring_reserve(h: number, extra: number): number;
  ring_read(h: number, from: number, max: number): number;
  ring_shrink(h: number): void;
  ring_bytes(h: number): number;

  stack_create(): number;
  stack_dispose(h: number): void;
  stack_length(h: number): number;
  stack_push(h: number, value: number): number;
  stack_pop(h: number): number;
  stack_at(h: number, k: number): number;
  stack_clear(h: number): void;
  /** Room for `extra` more items: 1, or 0 when memory refuses. */
  stack_reserve(h: number, extra: number): number;
  stack_shrink(h: number): void;
  stack_bytes(h: number): number;

  readonly STAGING_ITEMS: WebAssembly.Global;
  readonly STATUS_CAPACITY: WebAssembly.Global;
  readonly STATUS_EMPTY: WebAssembly.Global;
  readonly STATUS_STALE: WebAssembly.Global;
  readonly STATUS_FOREIGN: WebAssembly.Global;
  readonly STATUS_FORGED: WebAssembly.Global;
  readonly STATUS_OUT_OF_RANGE: WebAssembly.Global;
  readonly SLOT_LIMIT: WebAssembly.Global;
  readonly GEN_LIMIT: WebAssembly.Global;
  /** The fewest entries a heap must hold for `heap_drainSorted` to sort. */
  readonly HEAP_SORT_FROM: WebAssembly.Global;
  /** The fewest entries a heap must hold for `heap_popMany` to find a batch first, then refill its places. */
  readonly HEAP_PARTIAL_FROM: WebAssembly.Global;
  /** Header field offsets in bytes (assembly/heap.ts, ring.ts, stack.ts), mirrored by src/structures/*-words.ts. */
  readonly HEAP_DATA: WebAssembly.Global;
  readonly HEAP_SIZE: WebAssembly.Global;
  readonly HEAP_ENTRY_ITEM: WebAssembly.Global;
  readonly RING_DATA: WebAssembly.Global;
  readonly RING_HEAD: WebAssembly.Global;
  readonly RING_LENGTH: WebAssembly.Global;
  readonly RING_CAPACITY: WebAssembly.Global;
  readonly RING_LIMIT: WebAssembly.Global;
  readonly RING_DROP_OLDEST: WebAssembly.Global;
  readonly STACK_DATA: WebAssembly.Global;
  readonly STACK_LENGTH: WebAssembly.Global;
  readonly STACK_CAPACITY: WebAssembly.Global;
}

/** Present in the debug build only (assembly/debug.ts). */
export interface DebugExports extends CoreExports {
  debug_heapSetNextSequence(h: number, seq: number): void;
  debug_heapCheck(h: number): number;
  /** Whether a heap keeps its entries in runs: 1, or 0. */
  debug_heapInRuns(h: number): number;
  /** Whether a heap is in runs mode with every entry in the sorted array a batch left: 1, or 0. */
  debug_heapInSortedRuns(h: number): number;
  /** Shrinks runs mode's shape so that tests reach every path (assembly/heap-runs.ts `setShape`). */
  debug_heapRunsShape(from: number, insertion: number, page: number, sortChunk: number, mergeChunk: number): void;
  /** Whether a ring's or stack's header keeps its invariants: 1, or 0. */
  debug_ringCheck(h: number): number;
  debug_stackCheck(h: number): number;
  debug_setGeneration(slot: number, generation: number): number;
  /** The previous size in pages, or -1 when the memory cannot grow. */
  debug_growMemory(pages: number): number;
  debug_trap(): void;
  debug_abort(): void;
}
