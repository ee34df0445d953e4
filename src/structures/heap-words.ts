/**
 * A core heap (assembly/heap.ts) read from JS through a u32 view of its arena's memory, for the
 * reads that need no crossing: its size and its top entry's item. Writes stay in the core, as
 * every change to a heap is a sift. A `peek` before each `popPush` of the hold pattern thus costs
 * a few loads rather than a call into the core.
 *
 * `words` is `Arena.words()`; `at` is the header's address / 4.
 */

// Header fields and the item's place in a 16-byte entry, in u32 words (the tables in heap.ts).
// Not exported, for the reason ring-words.ts gives.
const DATA = 0;
const SIZE = 1;
const ITEM = 3;

/** The layout these functions assume, for test/structures/numeric-direct.test.ts to check against the core's. */
export const HEAP_WORDS = { data: DATA, size: SIZE, item: ITEM } as const;

export function heapSize(words: Uint32Array, at: number): number {
  return words[at + SIZE]!;
}

/** The top entry's item (a slot, or a value), or -1 when the heap is empty. */
export function heapTop(words: Uint32Array, at: number): number {
  return words[at + SIZE] === 0 ? -1 : words[(words[at + DATA]! >>> 2) + ITEM]!;
}
