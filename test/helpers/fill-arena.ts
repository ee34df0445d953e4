import { expect } from 'vitest';
import { CapacityError, NumericQueue, PriorityQueue, type Arena } from '../../src/index.js';

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

/**
 * Takes every handle slot and block left in `arena`, as other structures sharing it can: queues
 * of items until a new one cannot take one, then small rings. Returns a function that frees them.
 */
export function fillAll(arena: Arena): () => void {
  const queues: PriorityQueue<number>[] = [];
  for (let pushed = 1; pushed > 0; ) {
    pushed = 0;
    try {
      const queue = new PriorityQueue<number>({ arena });
      queues.push(queue);
      for (;;) {
        queue.push(pushed, 0);
        pushed++;
      }
    } catch (error) {
      expect(error).toBeInstanceOf(CapacityError);
    }
  }
  const rings = [fillArena(arena, 64), fillArena(arena, 0)];
  return () => {
    for (const queue of queues) queue.dispose();
    for (const free of rings) free();
  };
}
