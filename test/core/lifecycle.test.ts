import { describe, expect, it } from 'vitest';
import { Arena, NumericPriorityQueue, NumericQueue, NumericStack, PriorityQueue } from '../../src/index.js';

describe('many structures in one arena', () => {
  it('holds 100,000 live structures of mixed kinds at once, each with a few items', () => {
    const arena = new Arena({ maxMemory: 512 << 20 });
    const live: { check(): boolean; dispose(): void }[] = [];
    for (let i = 0; i < 100_000; i++) {
      switch (i % 4) {
        case 0: {
          const pq = new PriorityQueue<string>({ arena });
          pq.push(`b${i}`, 2);
          pq.push(`a${i}`, 1);
          live.push({ check: () => pq.peek() === `a${i}` && pq.size === 2, dispose: () => pq.dispose() });
          break;
        }
        case 1: {
          const q = new NumericQueue({ arena });
          q.pushMany([i, i + 1, i + 2]);
          live.push({ check: () => q.peek() === i && q.size === 3, dispose: () => q.dispose() });
          break;
        }
        case 2: {
          const s = new NumericStack({ arena });
          s.push(i);
          s.push(i + 1);
          live.push({ check: () => s.peek() === i + 1, dispose: () => s.dispose() });
          break;
        }
        default: {
          const n = new NumericPriorityQueue({ arena, max: true });
          n.push(i, 1);
          n.push(i + 1, 5);
          live.push({ check: () => n.peek() === i + 1, dispose: () => n.dispose() });
        }
      }
    }
    expect(live.every((s) => s.check())).toBe(true);
    for (const s of live) s.dispose();
    expect(arena.bytesInUse).toBeLessThan(1 << 20);
  });

  it('creating and disposing 1e6 structures in a loop leaves memory flat', () => {
    const arena = new Arena({ maxMemory: 64 << 20 });
    const cycle = (i: number) => {
      const pq = new PriorityQueue<number>({ arena });
      pq.push(i, i % 10);
      const q = new NumericQueue({ arena });
      q.push(i);
      pq.dispose();
      q.dispose();
    };
    for (let i = 0; i < 10_000; i++) cycle(i); // warm-up: the allocator and the handle table settle
    const bytes = arena.bytesInUse;
    const memory = arena.memoryBytes;
    for (let i = 0; i < 500_000; i++) cycle(i); // 1e6 structures: two per cycle
    expect(arena.bytesInUse).toBe(bytes);
    expect(arena.memoryBytes).toBe(memory);
  });
});
