/**
 * A core stack (assembly/stack.ts) read and written from JS through a u32 view of its arena's
 * memory, for the same reason as ring-words.ts: a push or pop is a load and two stores, and a
 * crossing cost three times that. The core is called to grow the block (and to clear and shrink it).
 *
 * `words` is `Arena.words()`, taken after the last core call that could grow the memory; `at` is
 * the header's address / 4.
 */
import { copyIn } from './ring-words.js';

// Header fields, in u32 words from the header (the table in stack.ts); not exported, for the
// reason given in ring-words.ts.
const DATA = 0;
const LENGTH = 1;
const CAPACITY = 2;

/** The header layout these functions assume, for test/structures/numeric-direct.test.ts to check against the core's. */
export const STACK_HEADER_WORDS = { data: DATA, length: LENGTH, capacity: CAPACITY } as const;

/**
 * Below this many ids, popping into `out` by a loop; from it on, a native copy then `reverse`. The
 * same threshold as ring-words.ts's copies (not measured separately for the reversed copy).
 */
const LOOP_REVERSE = 16;

export function stackLength(words: Uint32Array, at: number): number {
  return words[at + LENGTH]!;
}

/** The ids the data block has room for (the core grows it). */
export function stackCapacity(words: Uint32Array, at: number): number {
  return words[at + CAPACITY]!;
}

/** The id at `k` from the bottom; `k` must be below the length. */
export function stackAt(words: Uint32Array, at: number, k: number): number {
  return words[(words[at + DATA]! >>> 2) + k]!;
}

/** Pushes on top; returns the new length, or 0 when the block is full (the core grows it). */
export function stackPush(words: Uint32Array, at: number, id: number): number {
  const length = words[at + LENGTH]!;
  if (length === words[at + CAPACITY]!) return 0;
  words[(words[at + DATA]! >>> 2) + length] = id;
  words[at + LENGTH] = length + 1;
  return length + 1;
}

/** Removes and returns the top id, or -1 when empty. */
export function stackPop(words: Uint32Array, at: number): number {
  const length = words[at + LENGTH]!;
  if (length === 0) return -1;
  words[at + LENGTH] = length - 1;
  return words[(words[at + DATA]! >>> 2) + length - 1]!;
}

/** Pushes `ids`, the first lowest, into room the caller reserved; returns the new length. */
export function stackAppend(words: Uint32Array, at: number, ids: ArrayLike<number>): number {
  const length = words[at + LENGTH]!;
  if (ids.length === 0) return length;
  copyIn(words, (words[at + DATA]! >>> 2) + length, ids, 0, ids.length);
  words[at + LENGTH] = length + ids.length;
  return length + ids.length;
}

/** Moves the top `count` ids (count ≤ length) into `out`, the top first. */
export function stackTake(words: Uint32Array, at: number, out: Uint32Array, count: number): void {
  const length = words[at + LENGTH]! - count;
  const from = (words[at + DATA]! >>> 2) + length;
  if (count >= LOOP_REVERSE) {
    out.set(words.subarray(from, from + count));
    (count === out.length ? out : out.subarray(0, count)).reverse();
  } else {
    for (let k = 0; k < count; k++) out[k] = words[from + count - 1 - k]!;
  }
  words[at + LENGTH] = length;
}
