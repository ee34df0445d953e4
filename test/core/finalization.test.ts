import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, it } from 'vitest';
import { Arena, NumericQueue, PriorityQueue } from '../../src/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

it('frees the blocks and payloads of structures dropped without dispose()', async () => {
  const arena = new Arena({ maxMemory: 16 << 20 });
  // The arena's handle table grows with use and keeps its size; count the structures' blocks only.
  const structureBytes = () => arena.bytesInUse - arena.core.arena_slotTableBytes();
  const baseline = structureBytes();
  (() => {
    for (let i = 0; i < 100; i++) {
      const pq = new PriorityQueue<object>({ arena });
      pq.pushMany(Array.from({ length: 50 }, () => ({ big: new Array(100).fill(i) })), new Array(50).fill(i));
      new NumericQueue({ arena }).pushMany(new Uint32Array(1000));
    }
  })();
  expect(structureBytes()).toBeGreaterThan(baseline);
  for (let round = 0; round < 50 && structureBytes() > baseline; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(structureBytes()).toBe(baseline);
  expect(arena.payloads.filter((p) => p !== undefined).length).toBe(0);
});
