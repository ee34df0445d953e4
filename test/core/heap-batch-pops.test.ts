import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom, type Arena } from '../../src/index.js';
import type { CoreExports, DebugExports } from '../../src/core/exports.js';
import { arenaOn, builds, type BuildName } from '../helpers/builds.js';
import { fillArena } from '../helpers/fill-arena.js';
import { pushAll } from '../helpers/heap-batch.js';

// Batch pops from heaps of 393,216 entries and more find the batch's entries first and then
// refill their places (assembly/heap.ts, "batch pops from a large heap"). The oracle is the core's
// own single pop, which heap-order.test.ts checks against a model: before each batch the heap is
// copied, and the copy popped one by one must give the same keys and items in the same order. After
// each batch the heap must still be one (read from the arena's memory in both builds; debug build:
// `debug_heapCheck`, which also checks every slot's link), every value must come out once, and the
// handles of the entries left must still reach them with their keys.

/** Key families, drawn from a seeded generator: a heap this large is not built from fast-check values. */
const families = {
  'random doubles': (random: () => number) => (random() - 0.5) * 1e6,
  'small integers (packed with their seq)': (random: () => number) => Math.floor(random() * 10) - 3,
  'a few keys that do not pack, -0 among 0s': (random: () => number) => [0.1, -0.3, 0, -0, 1e300][Math.floor(random() * 5)]!,
} as const;
type FamilyName = keyof typeof families;

type Op =
  | { kind: 'popMany'; max: number }
  | { kind: 'pushMany'; count: number }
  | { kind: 'update'; pick: number; restamp: boolean }
  | { kind: 'remove'; pick: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 4096 }).map((max) => ({ kind: 'popMany' as const, max })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 4096 }).map((count) => ({ kind: 'pushMany' as const, count })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.boolean()).map(([pick, restamp]) => ({ kind: 'update' as const, pick, restamp })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
);

/** One arena per build, every heap disposed even when a check fails. */
const arenas = new Map<BuildName, Arena>();
function arenaFor(build: BuildName): Arena {
  let arena = arenas.get(build);
  if (arena === undefined || arena.poisoned) arenas.set(build, (arena = arenaOn(build, { maxMemory: 256 << 20 })));
  return arena;
}

/**
 * Whether no entry orders before its parent, read from the arena's memory (the layout table in
 * assembly/heap.ts: the header's first word is the entries' address, the second the size, the
 * fifth the flags; an entry is a u64 key, whose unsigned order is the order, then a u32 seq, the
 * tie-break). A value heap that grew past 2^18 entries keeps them in runs instead (flag RUNS, 8),
 * which pops one by one; `checkedPopMany` still checks its order, and debug builds its runs.
 */
function heapOrdered(arena: Arena, h: number): boolean {
  const words = arena.words();
  if (words[(h >>> 2) + 4]! & 8) return true;
  const size = words[(h >>> 2) + 1]!;
  const data = words[h >>> 2]! >>> 2;
  for (let i = 1; i < size; i++) {
    const e = data + 4 * i, p = data + 4 * ((i - 1) >> 2);
    const high = words[e + 1]! - words[p + 1]!;
    const low = words[e]! - words[p]!;
    if (high < 0 || (high === 0 && (low < 0 || (low === 0 && words[e + 2]! < words[p + 2]!)))) return false;
  }
  return true;
}

/** `heap_popMany(h, max)` checked against single pops of a copy taken just before; returns the popped items. */
function checkedPopMany(core: CoreExports, arena: Arena, h: number, max: number): number[] {
  const copy = core.heap_copy(h);
  expect(copy).not.toBe(0);
  try {
    const count = core.heap_popMany(h, max);
    expect(count).toBe(Math.min(max, core.heap_size(copy)));
    const keys = arena.stagingNumbers().slice(0, count);
    const items = [...arena.stagingWords().subarray(0, count)];
    for (let k = 0; k < count; k++) {
      const key = core.heap_peekKey(copy);
      const item = core.heap_popValue(copy);
      if (!Object.is(keys[k], key) || items[k] !== item) expect.fail(`entry ${k} of ${count}: got ${keys[k]} / ${items[k]}, single pops give ${key} / ${item}`);
    }
    expect(core.heap_size(h)).toBe(core.heap_size(copy));
    return items;
  } finally {
    core.heap_dispose(copy);
  }
}

function exercise(build: BuildName, indexed: boolean, family: FamilyName, seed: number, extra: number, ops: Op[]): void {
  const arena = arenaFor(build);
  const core = arena.core;
  const debug = build === 'debug' ? (core as DebugExports) : undefined;
  const random = seededRandom(seed);
  const key = () => families[family](random);
  const h = core.heap_create(indexed ? 1 : 0);
  try {
    const size = (core.HEAP_PARTIAL_FROM.value as number) + extra;
    let nextValue = 0;
    const initial = Array.from({ length: size }, key);
    pushAll(arena, h, indexed, initial, nextValue);
    nextValue += size;
    /** Entries whose handles the run uses (indexed heaps): the latest pushMany's, by slot. */
    let known = new Map<number, { handle: number; key: number }>();
    /** Value heaps: values are never reused, so each must come out once. */
    const popped = new Set<number>();
    const take = (items: number[]) => {
      for (const item of items) {
        known.delete(item);
        if (indexed) continue;
        if (popped.has(item)) expect.fail(`value ${item} popped twice`);
        popped.add(item);
      }
    };
    for (const op of ops) {
      switch (op.kind) {
        case 'popMany':
          take(checkedPopMany(core, arena, h, op.max));
          break;
        case 'pushMany': {
          const keys = Array.from({ length: op.count }, key);
          const ids = pushAll(arena, h, indexed, keys, nextValue);
          nextValue += op.count;
          if (indexed) known = new Map(ids.map((handle, i) => [handle & 0xffffff, { handle, key: keys[i]! }]));
          break;
        }
        case 'update': {
          if (known.size === 0) break;
          const [slot, entry] = [...known][op.pick % known.size]!;
          const newKey = key();
          expect(core.heap_update(h, entry.handle, newKey, op.restamp ? 1 : 0)).toBe(0);
          known.set(slot, { handle: entry.handle, key: newKey });
          break;
        }
        case 'remove': {
          if (known.size === 0) break;
          const [slot, entry] = [...known][op.pick % known.size]!;
          expect(core.heap_remove(h, entry.handle)).toBe(slot);
          known.delete(slot);
          break;
        }
      }
      for (const { handle, key: want } of known.values()) {
        if (!Object.is(core.heap_keyOf(h, handle), want)) expect.fail(`handle ${handle}: key ${core.heap_keyOf(h, handle)}, want ${want}`);
      }
      expect(heapOrdered(arena, h)).toBe(true);
      if (debug) expect(debug.debug_heapCheck(h)).toBe(1);
    }
    // The rest pops in order too, and every value comes out once.
    while (core.heap_size(h) > 0) take(checkedPopMany(core, arena, h, 4096));
    if (!indexed) expect(popped.size).toBe(nextValue);
  } finally {
    if (!arena.poisoned) core.heap_dispose(h);
  }
}

describe.each(Object.keys(builds) as BuildName[])('core heap batch pops from large heaps (%s build)', (build) => {
  it.each([
    [false, 'random doubles'],
    [true, 'random doubles'],
    [false, 'small integers (packed with their seq)'],
    [true, 'small integers (packed with their seq)'],
    [false, 'a few keys that do not pack, -0 among 0s'],
    [true, 'a few keys that do not pack, -0 among 0s'],
  ] as const)('pop the same entries in the same order as single pops, leaving a heap and working handles (indexed: %s, %s)', (indexed, family) => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(60_000), fc.array(opArbitrary, { minLength: 1, maxLength: 10 }), (seed, extra, ops) => exercise(build, indexed, family, seed, extra, ops)),
      { numRuns: build === 'debug' ? 3 : 8 },
    );
  });
});

describe('core heap batch pops: the cases that fall back to single pops', () => {
  /**
   * A heap whose smallest keys lie on the path from the top to its last entry (every other key is
   * larger), built in place: the batch's entries then reach into its last places, or the walk meets
   * the last, short sibling group.
   */
  function pathHeap(core: CoreExports, arena: Arena, size: number): number {
    const h = core.heap_create(0);
    const keys = Array.from({ length: size }, (_, i) => 1e6 + i);
    for (let i = size - 1, depth = Math.floor(Math.log(3 * i + 1) / Math.log(4)); ; i = (i - 1) >> 2, depth--) {
      keys[i] = depth;
      if (i === 0) break;
    }
    pushAll(arena, h, false, keys, 0);
    return h;
  }

  it.each(Object.keys(builds) as BuildName[])('give the same order as single pops when the batch reaches the heap\'s last places (%s build)', (build) => {
    const arena = arenaFor(build);
    const core = arena.core;
    const from = core.HEAP_PARTIAL_FROM.value as number;
    // The last sibling group full (size - 1 ≡ 0 mod 4) or short; batches the length of the path and around it.
    for (const size of [from + 1, from + 2]) {
      const depth = Math.floor(Math.log(3 * (size - 1) + 1) / Math.log(4));
      for (const max of [depth - 1, depth, depth + 1, depth + 2, 64]) {
        const h = pathHeap(core, arena, size);
        try {
          const items = checkedPopMany(core, arena, h, max);
          expect(items.slice(0, Math.min(max, depth + 1))).toEqual(pathItems(size).slice(0, Math.min(max, depth + 1)));
          expect(heapOrdered(arena, h)).toBe(true);
          if (build === 'debug') expect((core as DebugExports).debug_heapCheck(h)).toBe(1);
          while (core.heap_size(h) > 0) items.push(...checkedPopMany(core, arena, h, 4096));
          expect(new Set(items).size).toBe(size);
        } finally {
          core.heap_dispose(h);
        }
      }
    }
  });

  /** The values on the path from the top to the last entry, top first (the values are the indices). */
  function pathItems(size: number): number[] {
    const path: number[] = [];
    for (let i = size - 1; ; i = (i - 1) >> 2) {
      path.unshift(i);
      if (i === 0) break;
    }
    return path;
  }

  it('pop one by one, in the same order, when the arena cannot grow for the scratch space', () => {
    const arena = arenaOn('release', { maxMemory: 12 << 20 });
    const core = arena.core;
    const size = (core.HEAP_PARTIAL_FROM.value as number) + 1000;
    const random = seededRandom(5);
    const keys = Array.from({ length: size }, () => Math.floor(random() * 1000));
    const h = core.heap_create(0);
    pushAll(arena, h, false, keys, 0);
    // Fill the rest of the arena, so that its memory is at its limit.
    const emptyFillers = fillArena(arena, 1024);
    // Less than the two pages a scratch space must be able to grow by.
    expect(arena.maxMemory - arena.memoryBytes).toBeLessThan(2 << 16);
    const order = keys.map((key, value) => ({ key, value })).sort((a, b) => a.key - b.key || a.value - b.value);
    let taken = 0;
    for (const max of [100, 4096, 7]) {
      const count = core.heap_popMany(h, max);
      expect(count).toBe(max);
      const words = arena.stagingWords();
      for (let k = 0; k < count; k++) expect(words[k]).toBe(order[taken + k]!.value);
      taken += count;
    }
    emptyFillers();
    core.heap_dispose(h);
  });
});
