import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityError, NumericPriorityQueue } from '../../src/index.js';
import { arenaOn, builds, debugArena, type BuildName } from '../helpers/builds.js';

interface Entry {
  id: number;
  priority: number;
  seq: number;
}

/** The model: entries in arrival order; the next is the first of a stable sort by priority. */
class Model {
  entries: Entry[] = [];
  seq = 0;
  constructor(readonly max: boolean) {}
  sorted(): Entry[] {
    const sign = this.max ? -1 : 1;
    return [...this.entries].sort((a, b) => sign * a.priority - sign * b.priority || a.seq - b.seq);
  }
  takeFirst(n: number): Entry[] {
    const taken = this.sorted().slice(0, n);
    this.entries = this.entries.filter((e) => !taken.includes(e));
    return taken;
  }
}

type Real = NumericPriorityQueue;
const id = fc.nat({ max: 2 ** 32 - 1 });
const priority = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true }));

const command = (name: string, run: (model: Model, real: Real) => void): fc.Command<Model, Real> => ({
  check: () => true,
  run: (model, real) => {
    run(model, real);
    expect(real.size).toBe(model.entries.length);
    const first = model.sorted()[0];
    expect(real.peek()).toBe(first?.id);
    expect(real.peekPriority()).toBe(first?.priority);
  },
  toString: () => name,
});

const commands = [
  fc.tuple(id, priority).map(([i, p]) =>
    command(`push(${i}, ${p})`, (model, real) => {
      real.push(i, p);
      model.entries.push({ id: i, priority: p, seq: model.seq++ });
    }),
  ),
  fc.tuple(fc.array(fc.tuple(id, priority), { maxLength: 50 }), fc.boolean(), fc.boolean()).map(([pairs, typedIds, typedPriorities]) =>
    command(`pushMany(${pairs.length}${typedIds ? ', Uint32Array' : ''}${typedPriorities ? ', Float64Array' : ''})`, (model, real) => {
      const ids = pairs.map(([i]) => i);
      const priorities = pairs.map(([, p]) => p);
      real.pushMany(typedIds ? Uint32Array.from(ids) : ids, typedPriorities ? Float64Array.from(priorities) : priorities);
      for (const [i, p] of pairs) model.entries.push({ id: i, priority: p, seq: model.seq++ });
    }),
  ),
  fc.constant(command('pop', (model, real) => expect(real.pop()).toBe(model.takeFirst(1)[0]?.id))),
  fc.tuple(id, priority).map(([i, p]) =>
    command(`popPush(${i}, ${p})`, (model, real) => {
      expect(real.popPush(i, p)).toBe(model.takeFirst(1)[0]?.id);
      model.entries.push({ id: i, priority: p, seq: model.seq++ });
    }),
  ),
  fc.integer({ min: 0, max: 10 }).map((n) =>
    command(`popMany(${n})`, (model, real) => {
      const ids = new Uint32Array(n);
      const priorities = new Float64Array(n);
      const count = real.popMany(ids, priorities);
      const expected = model.takeFirst(n);
      expect(count).toBe(expected.length);
      expect([...ids.subarray(0, count)]).toEqual(expected.map((e) => e.id));
      expect([...priorities.subarray(0, count)]).toEqual(expected.map((e) => e.priority));
    }),
  ),
  fc.constant(command('iterate', (model, real) => expect([...real.entries()]).toEqual(model.sorted().map((e) => [e.id, e.priority])))),
  fc.constant(
    command('clear', (model, real) => {
      real.clear();
      model.entries = [];
    }),
  ),
];

describe.each(Object.keys(builds) as BuildName[])('NumericPriorityQueue model (%s build)', (build) => {
  const arena = arenaOn(build, { maxMemory: 16 << 20 });
  it('matches a stable-sort model over random sequences (min and max)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.commands(commands, { maxCommands: 60 }), (max, cmds) => {
        const real = new NumericPriorityQueue({ arena, max });
        fc.modelRun(() => ({ model: new Model(max), real }), cmds);
        real.dispose();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('NumericPriorityQueue past 2^18 ids (runs mode, shrunk in a debug arena)', () => {
  it('push and popPush refuse with CapacityError, nothing changed, when memory refuses what the push needs', () => {
    const { arena, core } = debugArena({ maxMemory: 2 << 20 });
    core.debug_heapRunsShape(64, 256, 64, 8, 128);
    const queue = new NumericPriorityQueue({ arena });
    const priority = (id: number) => (id * 7919) % 10007;
    let pushed = 0;
    let refusal: unknown;
    try {
      for (; pushed < 200_000; pushed++) queue.push(pushed, priority(pushed));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(CapacityError);
    expect(queue.size).toBe(pushed);
    const first = queue.peek();
    expect(() => queue.popPush(pushed, 0)).toThrow(CapacityError);
    expect(queue.size).toBe(pushed);
    expect(queue.peek()).toBe(first);
    let last = -Infinity;
    for (let i = 0; i < pushed; i++) {
      const id = queue.pop()!;
      expect(priority(id)).toBeGreaterThanOrEqual(last);
      last = priority(id);
    }
    expect(queue.pop()).toBeUndefined();
    queue.dispose();
  });
});
