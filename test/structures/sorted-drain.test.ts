import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Arena, CapacityError, NumericPriorityQueue, NumericQueue, PriorityQueue, StaleHandleError, type Handle } from '../../src/index.js';
import { arenaOn, builds, type BuildName } from '../helpers/builds.js';
import { fillArena } from '../helpers/fill-arena.js';

// Taking most of a large queue at once (popMany, drain, iteration) sorts it in the core instead of
// popping entry by entry. These runs use queues of hundreds to thousands of entries, so that the
// sorted path and the popping path both run, against a model: a stable sort by priority.

interface Entry {
  item: number;
  priority: number;
  seq: number;
  handle: Handle;
}

class Model {
  live: Entry[] = [];
  /** Entries taken out, whose handles must be stale from then on (their slots may hold new items). */
  gone: Entry[] = [];
  nextSeq = 0;
  nextItem = 0;
  /** `slots`: the arena's live handle slots the queue holds (each live entry one, every other freed). */
  constructor(readonly max: boolean, readonly slots?: () => number) {}
  sorted(): Entry[] {
    const sign = this.max ? -1 : 1;
    return [...this.live].sort((a, b) => sign * a.priority - sign * b.priority || a.seq - b.seq);
  }
  takeFirst(n: number): Entry[] {
    const taken = this.sorted().slice(0, n);
    const gone = new Set(taken);
    this.live = this.live.filter((e) => !gone.has(e));
    this.gone.push(...taken);
    return taken;
  }
}

/** Key families: distinct doubles, small integers (packed with their seq), a few repeated keys that do not pack. */
const family = fc.constantFrom(
  () => fc.double({ noNaN: true, noDefaultInfinity: true }),
  () => fc.integer({ min: -3, max: 3 }),
  () => fc.constantFrom(0.1, -0.3, 0, -0, 1e300),
);
const batch = family.chain((keys) => fc.array(keys(), { maxLength: 2500, size: 'max' }));

type Real = PriorityQueue<number>;

const check = (model: Model, real: Real) => {
  expect(real.size).toBe(model.live.length);
  if (model.slots) expect(model.slots()).toBe(model.live.length);
  expect(real.peek()).toBe(model.sorted()[0]?.item);
};

const commands: fc.Arbitrary<fc.Command<Model, Real>>[] = [
  batch.map((priorities) => ({
    check: () => true,
    run: (model: Model, real: Real) => {
      const items = priorities.map(() => model.nextItem++);
      const handles = real.pushMany(items, priorities);
      items.forEach((item, i) => model.live.push({ item, priority: priorities[i]!, seq: model.nextSeq++, handle: handles[i]! }));
      check(model, real);
    },
    toString: () => `pushMany(${priorities.length})`,
  })),
  fc.nat(4000).map((n) => ({
    check: () => true,
    run: (model: Model, real: Real) => {
      expect(real.popMany(n)).toEqual(model.takeFirst(n).map((e) => e.item));
      check(model, real);
    },
    toString: () => `popMany(${n})`,
  })),
  // A share of the queue, so that most of these are large enough to sort.
  fc.double({ min: 0.3, max: 1, noNaN: true }).map((share) => ({
    check: () => true,
    run: (model: Model, real: Real) => {
      const n = Math.ceil(share * model.live.length);
      expect(real.popMany(n)).toEqual(model.takeFirst(n).map((e) => e.item));
      check(model, real);
    },
    toString: () => `popMany(${share.toFixed(2)} of size)`,
  })),
  // Handles of the entries a partial drain left must still reach them.
  fc.tuple(fc.nat(), fc.integer({ min: -5, max: 5 }), fc.boolean()).map(([pick, priority, behindEquals]) => ({
    check: (model: Readonly<Model>) => model.live.length > 0,
    run: (model: Model, real: Real) => {
      const entry = model.live[pick % model.live.length]!;
      real.update(entry.handle, priority, { behindEquals });
      entry.priority = priority;
      if (behindEquals) entry.seq = model.nextSeq++;
      check(model, real);
    },
    toString: () => `update(#${pick}, ${priority})`,
  })),
  fc.nat().map((pick) => ({
    check: (model: Readonly<Model>) => model.live.length > 0,
    run: (model: Model, real: Real) => {
      const entry = model.live[pick % model.live.length]!;
      expect(real.remove(entry.handle)).toBe(true);
      model.live = model.live.filter((e) => e !== entry);
      check(model, real);
    },
    toString: () => `remove(#${pick})`,
  })),
  // A drain frees the slots of what it took (a whole drain before its sort; `check` counts them): their handles are stale.
  fc.nat().map((pick) => ({
    check: (model: Readonly<Model>) => model.gone.length > 0,
    run: (model: Model, real: Real) => {
      const entry = model.gone[pick % model.gone.length]!;
      expect(real.has(entry.handle)).toBe(false);
      expect(() => real.update(entry.handle, 0)).toThrow(StaleHandleError);
      check(model, real);
    },
    toString: () => `stale(#${pick})`,
  })),
  fc.constant({
    check: () => true,
    run: (model: Model, real: Real) => {
      expect([...real.entries()]).toEqual(model.sorted().map((e) => [e.item, e.priority]));
      check(model, real);
    },
    toString: () => 'entries',
  }),
];

describe.each(Object.keys(builds) as BuildName[])('sorted drains (%s build)', (build) => {
  const arena = arenaOn(build, { maxMemory: 64 << 20 });

  it.each([false, true])('PriorityQueue: large popMany, drain and iteration match a stable sort; handles still work after (max: %s)', (max) => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 25 }), (cmds) => {
        const before = arena.core.arena_liveSlots();
        const real = new PriorityQueue<number>({ arena, max });
        try {
          fc.modelRun(() => ({ model: new Model(max, () => arena.core.arena_liveSlots() - before), real }), cmds);
        } finally {
          real.dispose(); // a failing run, shrunk many times, must not fill the shared arena
        }
      }),
      { numRuns: build === 'debug' ? 15 : 40 },
    );
  });

  it('NumericPriorityQueue: popMany of most of a large queue gives ids and priorities in stable-sort order', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(batch, { minLength: 1, maxLength: 3 }), fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { minLength: 1, maxLength: 4 }), (max, batches, shares) => {
        const real = new NumericPriorityQueue({ arena, max });
        const model = new Model(max);
        for (const priorities of batches) {
          const ids = priorities.map(() => model.nextItem++);
          real.pushMany(Uint32Array.from(ids), priorities);
          ids.forEach((id, i) => model.live.push({ item: id, priority: priorities[i]!, seq: model.nextSeq++, handle: undefined as never }));
        }
        expect([...real.entries()]).toEqual(model.sorted().map((e) => [e.item, e.priority]));
        for (const share of shares) {
          const n = Math.ceil(share * real.size);
          const ids = new Uint32Array(n);
          const priorities = new Float64Array(n);
          const expected = model.takeFirst(n);
          expect(real.popMany(ids, priorities)).toBe(expected.length);
          expect([...ids.subarray(0, expected.length)]).toEqual(expected.map((e) => e.item));
          expect([...priorities.subarray(0, expected.length)].map((p) => Object.is(p, -0) ? '-0' : p)).toEqual(expected.map((e) => Object.is(e.priority, -0) ? '-0' : e.priority));
          expect(real.size).toBe(model.live.length);
          expect(real.peek()).toBe(model.sorted()[0]?.item);
        }
        real.dispose();
      }),
      { numRuns: build === 'debug' ? 15 : 40 },
    );
  });
});

describe('sorted drains and memory', () => {
  it('take scratch memory as large as the queue for the call, and give it back', () => {
    const arena = arenaOn('release', { maxMemory: 64 << 20 });
    const queue = new NumericPriorityQueue({ arena });
    const n = 200_000;
    const priorities = Float64Array.from({ length: n }, (_, i) => (i * 7919) % n);
    queue.pushMany(Uint32Array.from({ length: n }, (_, i) => i), priorities);
    const before = arena.memoryBytes;
    const inUse = arena.bytesInUse;
    const ids = new Uint32Array(n);
    expect(queue.popMany(ids)).toBe(n);
    expect(arena.memoryBytes - before).toBeGreaterThanOrEqual(16 * n);
    expect(arena.bytesInUse).toBe(inUse);
    for (let i = 1; i < n; i++) if (priorities[ids[i]!]! < priorities[ids[i - 1]!]!) expect.fail(`out of order at ${i}`);
    queue.dispose();
  });

  it('pop instead, in the same order, when the arena has no room for the scratch space', () => {
    const arena = arenaOn('release', { maxMemory: 2 << 20 });
    const queue = new PriorityQueue<number>({ arena });
    const key = (item: number) => (item * 7919) % 65_536;
    const n = 30_000;
    queue.pushMany(Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => key(i)));
    // Then fill what is left of the arena with small queues, so that no 480 KB block can be had.
    const emptyFillers = fillArena(arena, 256);
    expect(arena.maxMemory - arena.bytesInUse).toBeLessThan(16 * n);
    const out = queue.drain();
    expect(out).toHaveLength(n);
    for (let i = 1; i < n; i++) {
      const a = key(out[i - 1]!), b = key(out[i]!);
      if (b < a || (b === a && out[i]! < out[i - 1]!)) expect.fail(`out of order at ${i}`);
    }
    emptyFillers();
    queue.dispose();
  });

  it('iteration and popMany fall back as well when the arena is fragmented (a free block the size of the copy is missing)', () => {
    const arena = new Arena({ maxMemory: 2 << 20 });
    const queue = new PriorityQueue<number>({ arena });
    const n = 6000;
    const key = (i: number) => (i * 7919) % 1000;
    queue.pushMany(Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => key(i)));
    const small: NumericQueue[] = [];
    try {
      for (;;) {
        const filler = new NumericQueue({ arena });
        small.push(filler);
        filler.pushMany(new Uint32Array(200));
      }
    } catch (error) {
      expect(error).toBeInstanceOf(CapacityError);
    }
    small.forEach((filler, i) => i % 2 === 0 && filler.dispose()); // half free, in pieces of about 1 KiB
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
    expect([...queue]).toEqual(order);
    expect(queue.popMany(5000)).toEqual(order.slice(0, 5000));
    expect(arena.poisoned).toBe(false);
    expect(queue.drain()).toEqual(order.slice(5000));
    for (const filler of small) filler.dispose();
  });

  it('iteration, entries, snapshot and toJSON read a queue in place when the arena has no room to copy it', () => {
    const arena = arenaOn('release', { maxMemory: 2 << 20 });
    const queue = new PriorityQueue<number>({ arena, max: true });
    const numeric = new NumericPriorityQueue({ arena });
    const key = (item: number) => (item * 7919) % 1_000;
    const n = 30_000;
    const handles = queue.pushMany(Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => key(i)));
    numeric.pushMany(Uint32Array.from({ length: 2_000 }, (_, i) => i), Float64Array.from({ length: 2_000 }, (_, i) => key(i)));
    const emptyFillers = fillArena(arena, 256);
    expect(arena.maxMemory - arena.bytesInUse).toBeLessThan(16 * n);
    // Max first, and among equal priorities in arrival order.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(b) - key(a) || a - b);
    expect([...queue]).toEqual(order);
    expect([...queue.entries()].slice(0, 3)).toEqual(order.slice(0, 3).map((i) => [i, key(i)]));
    expect(PriorityQueue.restore<number>(queue.snapshot(), { arena: arenaOn('release') }).drain()).toEqual(order);
    expect(JSON.parse(JSON.stringify(queue)).entries).toHaveLength(n);
    expect([...numeric]).toEqual(Array.from({ length: 2_000 }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b));
    // Sorted in place, the queue is the same queue: its handles work and it pops in the same order.
    expect(queue.priorityOf(handles[order[5]!]!)).toBe(key(order[5]!));
    queue.update(handles[order[n - 1]!]!, 10_000);
    expect(queue.pop()).toBe(order[n - 1]);
    expect(queue.drain()).toEqual(order.slice(0, n - 1));
    expect(arena.poisoned).toBe(false);
    emptyFillers();
    queue.dispose();
  });
});
