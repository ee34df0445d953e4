import { expect } from 'vitest';
import type { Arena } from '../../src/index.js';

/**
 * Pushes `keys` in one batch, as the queues' `pushMany` does (reserve, then stage and append a
 * staging area's worth at a time, then restore): values `firstValue`, `firstValue + 1`, ... for a
 * value heap. Returns the handles (indexed) or the values, in the keys' order.
 */
export function pushAll(arena: Arena, h: number, indexed: boolean, keys: number[], firstValue: number): number[] {
  const core = arena.core;
  const from = core.heap_size(h);
  expect(core.heap_reserve(h, keys.length)).toBe(1);
  const ids: number[] = [];
  for (let start = 0; start < keys.length; start += arena.stagingItems) {
    const count = Math.min(arena.stagingItems, keys.length - start);
    const numbers = arena.stagingNumbers();
    const words = arena.stagingWords();
    for (let k = 0; k < count; k++) {
      numbers[k] = keys[start + k]!;
      words[k] = firstValue + start + k;
    }
    expect(core.heap_append(h, count)).toBe(count);
    const out = arena.stagingNumbers();
    for (let k = 0; k < count; k++) ids.push(indexed ? out[k]! : firstValue + start + k);
  }
  core.heap_restore(h, from);
  return ids;
}
