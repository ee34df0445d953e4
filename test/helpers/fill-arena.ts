import { expect } from 'vitest';
import { CapacityError, NumericQueue, type Arena } from '../../src/index.js';

/**
 * Fills what is left of `arena` with small queues of `ids` ids each until it refuses one with a
 * CapacityError, and returns a function that disposes them.
 */
export function fillArena(arena: Arena, ids: number): () => void {
  const fillers: NumericQueue[] = [];
  try {
    for (;;) {
      const filler = new NumericQueue({ arena });
      fillers.push(filler);
      filler.pushMany(new Uint32Array(ids));
    }
  } catch (error) {
    expect(error).toBeInstanceOf(CapacityError);
  }
  return () => {
    for (const filler of fillers) filler.dispose();
  };
}
