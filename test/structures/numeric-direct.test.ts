/**
 * NumericQueue and NumericStack read and write their core blocks from JS through `Arena.words()`.
 * These pin what that path must never get wrong: a view taken before the memory grew, and an
 * arena that is poisoned or a structure that is disposed.
 */
import { describe, expect, it } from 'vitest';
import { NumericPriorityQueue, NumericQueue, NumericStack, PoisonedArenaError, PriorityQueue, StateError } from '../../src/index.js';
import type { DebugExports } from '../../src/core/exports.js';
import { RING_HEADER_WORDS } from '../../src/structures/ring-words.js';
import { STACK_HEADER_WORDS } from '../../src/structures/stack-words.js';
import { HEAP_WORDS } from '../../src/structures/heap-words.js';
import { arenaOn, builds, debugArena } from '../helpers/builds.js';
import { growArena, watchedArena } from '../helpers/growth.js';

const range = (from: number, count: number) => Uint32Array.from({ length: count }, (_, i) => from + i);

describe('the header layouts the JS paths assume', () => {
  it.each(Object.keys(builds) as (keyof typeof builds)[])('match the core’s (%s build)', (build) => {
    const core = arenaOn(build).core;
    const bytes = (global: WebAssembly.Global) => (global.value as number) / 4;
    expect({
      data: bytes(core.RING_DATA),
      head: bytes(core.RING_HEAD),
      length: bytes(core.RING_LENGTH),
      capacity: bytes(core.RING_CAPACITY),
      limit: bytes(core.RING_LIMIT),
      dropOldest: bytes(core.RING_DROP_OLDEST),
    }).toEqual(RING_HEADER_WORDS);
    expect({ data: bytes(core.STACK_DATA), length: bytes(core.STACK_LENGTH), capacity: bytes(core.STACK_CAPACITY) }).toEqual(STACK_HEADER_WORDS);
    expect({ data: bytes(core.HEAP_DATA), size: bytes(core.HEAP_SIZE), item: bytes(core.HEAP_ENTRY_ITEM) }).toEqual(HEAP_WORDS);
  });
});

describe('the core’s own ring and stack operations agree with the JS paths', () => {
  // The JS side does these on a live arena; the core's are the definition (and serve a closed
  // memory), so they are pinned here through the exports.
  it.each(Object.keys(builds) as (keyof typeof builds)[])('wrap, grow, drop the oldest and read past the end as the JS paths do (%s build)', (build) => {
    const core = arenaOn(build).core;
    const read = (h: number, at: (h: number, k: number) => number, length: number) => Array.from({ length }, (_, k) => at(h, k));
    const ring = core.ring_create(0, 0);
    for (let i = 0; i < 20; i++) {
      core.ring_pushBack(ring, 1000 + i);
      expect(core.ring_popFront(ring)).toBe(1000 + i);
    }
    for (let i = 0; i < 17; i++) core.ring_pushBack(ring, i); // wrapped, then grown
    expect(read(ring, core.ring_at, core.ring_length(ring))).toEqual(Array.from({ length: 17 }, (_, i) => i));
    expect(core.ring_at(ring, core.ring_length(ring))).toBe(-1);
    const bounded = core.ring_create(4, 1);
    for (let i = 1; i <= 5; i++) core.ring_pushBack(bounded, i);
    expect(read(bounded, core.ring_at, core.ring_length(bounded))).toEqual([2, 3, 4, 5]);
    const stack = core.stack_create();
    core.stack_push(stack, 7);
    core.stack_push(stack, 8);
    expect(core.stack_pop(stack)).toBe(8);
    expect(core.stack_at(stack, 0)).toBe(7);
    expect(core.stack_at(stack, core.stack_length(stack))).toBe(-1);
    for (const h of [ring, bounded]) core.ring_dispose(h);
    core.stack_dispose(stack);
  });
});

describe('a view taken before growth is never used after it', () => {
  it('Arena.words() gives a new view once growth emptied the old one', () => {
    const arena = arenaOn('release', { maxMemory: 16 << 20 });
    const before = arena.words();
    expect(before.length * 4).toBe(arena.memoryBytes);
    expect(growArena(arena)).toBe(true);
    expect(before.length).toBe(0); // detached: a write through it would be lost without a trace
    const after = arena.words();
    expect(after.length * 4).toBe(arena.memoryBytes);
    expect(arena.words()).toBe(after);
  });

  it('every NumericQueue operation after another structure grew the memory', () => {
    const { arena } = debugArena({ maxMemory: 16 << 20 });
    const q = new NumericQueue({ arena });
    q.pushMany(range(0, 10));
    const steps: [string, () => unknown, unknown][] = [
      ['push', () => q.push(10), 11],
      ['unshift', () => q.unshift(99), 12],
      ['shift', () => q.shift(), 99],
      ['pop', () => q.pop(), 10],
      ['peek', () => q.peek(), 0],
      ['peekBack', () => q.peekBack(), 9],
      ['at', () => q.at(3), 3],
      ['size', () => q.size, 10],
      ['pushMany (small)', () => q.pushMany([10, 11]), 12],
      ['pushMany (typed)', () => q.pushMany(range(12, 100)), 112],
      ['shiftMany', () => [...q.shiftMany(new Uint32Array(2)) === 2 ? [0, 1] : []], [0, 1]],
    ];
    for (const [name, step, expected] of steps) {
      expect(growArena(arena), name).toBe(true);
      expect(step(), name).toEqual(expected);
    }
    expect([...q.toArray()]).toEqual([...range(2, 110)]); // read back by the core
  });

  it('a batch whose reservation grows the memory writes into the new buffer', () => {
    for (const make of [
      (arena: ReturnType<typeof arenaOn>) => new NumericQueue({ arena }),
      (arena: ReturnType<typeof arenaOn>) => new NumericStack({ arena }),
      (arena: ReturnType<typeof arenaOn>) => new NumericStack({ arena, limit: 1 << 20 }),
    ]) {
      const arena = arenaOn('release', { maxMemory: 16 << 20 });
      const structure = make(arena);
      structure.push(7);
      const memory = arena.memoryBytes;
      const ids = range(1, memory / 4); // more ids than the memory has bytes for
      expect(structure.pushMany(ids)).toBe(ids.length + 1);
      expect(arena.memoryBytes).toBeGreaterThan(memory);
      expect(structure.size).toBe(ids.length + 1);
      expect([structure.at(0), structure.at(1), structure.at(-1)]).toEqual([7, 1, ids.length]);
    }
  });

  it('every NumericStack operation after another structure grew the memory, bounded or not', () => {
    for (const limit of [undefined, 50]) {
      const { arena, header } = watchedArena('debug', limit === undefined ? 'stack_create' : 'ring_create');
      const core = arena.core as DebugExports;
      const s = new NumericStack(limit === undefined ? { arena } : { arena, limit });
      const h = header();
      s.pushMany(range(0, 10));
      const out = new Uint32Array(3);
      const steps: [string, () => unknown, unknown][] = [
        ['push', () => s.push(10), 11],
        ['pop', () => s.pop(), 10],
        ['peek', () => s.peek(), 9],
        ['at', () => s.at(2), 2],
        ['size', () => s.size, 10],
        ['pushMany', () => s.pushMany(range(10, 30)), 40],
        ['popMany', () => (s.popMany(out), [...out]), [39, 38, 37]],
      ];
      for (const [name, step, expected] of steps) {
        expect(growArena(arena), name).toBe(true);
        expect(step(), name).toEqual(expected);
      }
      expect(s.toArray()).toEqual([...range(0, 37)].reverse());
      // and the core reads what JS wrote
      const coreAt = (i: number) => (limit === undefined ? core.stack_at(h, i) : core.ring_at(h, i));
      expect(limit === undefined ? core.debug_stackCheck(h) : core.debug_ringCheck(h)).toBe(1);
      expect(Array.from({ length: 37 }, (_, i) => coreAt(i))).toEqual([...range(0, 37)]);
    }
  });
});

describe('closed arenas are refused before any direct access', () => {
  const queueCalls = (q: NumericQueue): [string, () => unknown][] => [
    ['push', () => q.push(1)],
    ['unshift', () => q.unshift(1)],
    ['shift', () => q.shift()],
    ['pop', () => q.pop()],
    ['peek', () => q.peek()],
    ['peekBack', () => q.peekBack()],
    ['at', () => q.at(0)],
    ['size', () => q.size],
    ['pushMany', () => q.pushMany([1])],
    ['shiftMany', () => q.shiftMany(new Uint32Array(1))],
    ['toArray', () => q.toArray()],
  ];
  const stackCalls = (s: NumericStack): [string, () => unknown][] => [
    ['push', () => s.push(1)],
    ['pop', () => s.pop()],
    ['peek', () => s.peek()],
    ['at', () => s.at(0)],
    ['size', () => s.size],
    ['pushMany', () => s.pushMany([1])],
    ['popMany', () => s.popMany(new Uint32Array(1))],
  ];

  it('a disposed NumericQueue or NumericStack throws StateError from every operation', () => {
    const arena = arenaOn('release');
    const q = new NumericQueue({ arena });
    const s = new NumericStack({ arena });
    const bounded = new NumericStack({ arena, limit: 4 });
    for (const x of [q, s, bounded]) x.pushMany([1, 2, 3]); // room in the block: the direct path would serve
    q.dispose();
    s.dispose();
    bounded.dispose();
    for (const [name, call] of [...queueCalls(q), ...stackCalls(s), ...stackCalls(bounded)]) {
      if (name === 'size') continue;
      expect(call, name).toThrow(StateError);
      expect(call, name).toThrow(/this structure was disposed/);
    }
    for (const x of [q, s, bounded]) {
      expect(x.size).toBe(0); // a disposed structure holds nothing, as PriorityQueue's size says too
      expect(x.bytes).toBe(0);
    }
  });

  it('after a trap, every operation throws PoisonedArenaError and the memory is left alone', () => {
    const { arena, core } = debugArena({ maxMemory: 4 << 20 });
    const q = new NumericQueue({ arena });
    const s = new NumericStack({ arena });
    const bounded = new NumericStack({ arena, limit: 4 });
    for (const x of [q, s, bounded]) x.pushMany([1, 2, 3]);
    const before = [...arena.words()];
    expect(() => (core as DebugExports).debug_trap()).toThrow(PoisonedArenaError);
    for (const [name, call] of [...queueCalls(q), ...stackCalls(s), ...stackCalls(bounded)]) {
      expect(call, name).toThrow(PoisonedArenaError);
    }
    expect([...arena.words()]).toEqual(before);
  });
});

describe('the heaps read their size and top from JS', () => {
  it('peek and size stay right after another structure grew the memory, and after every kind of change', () => {
    const { arena } = debugArena({ maxMemory: 16 << 20 });
    const numeric = new NumericPriorityQueue({ arena });
    const objects = new PriorityQueue<string>({ arena, max: true });
    expect([numeric.peek(), numeric.size, objects.peek()]).toEqual([undefined, 0, undefined]);
    const steps: [string, () => void, [number | undefined, number, string | undefined]][] = [
      ['push', () => (numeric.push(5, 5), objects.push('five', 5)), [5, 1, 'five']],
      ['pushMany', () => (numeric.pushMany([3, 9], [3, 9]), objects.pushMany(['three', 'nine'], [3, 9])), [3, 3, 'nine']],
      ['popPush', () => (numeric.popPush(1, 1), objects.popPush('one', 1)), [1, 3, 'five']],
      ['pop', () => (numeric.pop(), objects.pop()), [5, 2, 'three']],
      ['popMany', () => (numeric.popMany(new Uint32Array(2)), objects.popMany(1)), [undefined, 0, 'one']],
    ];
    for (const [name, step, [top, size, item]] of steps) {
      expect(growArena(arena), name).toBe(true);
      step();
      expect([numeric.peek(), numeric.size, objects.peek()], name).toEqual([top, size, item]);
    }
  });

  it('a disposed heap refuses peek and answers size 0; a poisoned one refuses both', () => {
    const numeric = new NumericPriorityQueue();
    const objects = new PriorityQueue<number>();
    numeric.push(1, 1);
    objects.push(1, 1);
    numeric.dispose();
    objects.dispose();
    expect(() => numeric.peek()).toThrow(StateError);
    expect(() => objects.peek()).toThrow(StateError);
    for (const x of [numeric, objects]) {
      expect(x.size).toBe(0);
      expect(x.bytes).toBe(0);
    }
    const { arena, core } = debugArena({ maxMemory: 4 << 20 });
    const poisoned = new NumericPriorityQueue({ arena });
    poisoned.push(1, 1);
    expect(() => (core as DebugExports).debug_trap()).toThrow(PoisonedArenaError);
    expect(() => poisoned.peek()).toThrow(PoisonedArenaError);
    expect(() => poisoned.size).toThrow(PoisonedArenaError);
  });
});
