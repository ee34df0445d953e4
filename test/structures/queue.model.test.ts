import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityError, NumericQueue, Queue, type Overflow } from '../../src/index.js';
import type { DebugExports } from '../../src/core/exports.js';
import { growArena, watchedArena } from '../helpers/growth.js';

/** What the model test needs of a queue; Queue and NumericQueue both fit through a thin adapter. */
interface Deque {
  readonly size: number;
  push(x: number): number;
  unshift(x: number): number;
  shift(): number | undefined;
  pop(): number | undefined;
  peek(): number | undefined;
  peekBack(): number | undefined;
  at(i: number): number | undefined;
  /** `typed`: pass the ids as a Uint32Array (NumericQueue copies those with `set`). */
  pushMany(xs: number[], typed: boolean): number;
  shiftMany(n: number): number[];
  clear(): void;
  /** Gives back the room a spike took; the items stay, in order. */
  shrink(): void;
  toArray(): number[];
  /**
   * NumericQueue: makes another structure in the same arena grow the memory (which replaces its
   * buffer and empties every view of the old one); false when the arena has no room left to grow.
   */
  growArena?(): boolean;
  /** NumericQueue on the debug build: whether the core finds its ring header consistent. */
  coreCheck?: (() => boolean) | undefined;
}

interface Options {
  capacity?: number;
  overflow: Overflow;
}

const implementations: Record<string, (options: Options) => Deque> = {
  Queue: (options) => {
    const q = new Queue<number>(options);
    return {
      get size() {
        return q.size;
      },
      push: (x: number) => q.push(x),
      unshift: (x: number) => q.unshift(x),
      shift: () => q.shift(),
      pop: () => q.pop(),
      peek: () => q.peek(),
      peekBack: () => q.peekBack(),
      at: (i: number) => q.at(i),
      pushMany: (xs: number[]) => q.pushMany(xs),
      shiftMany: (n: number) => q.shiftMany(n),
      clear: () => q.clear(),
      shrink: () => q.shrink(),
      toArray: () => q.toArray(),
    };
  },
  ...Object.fromEntries(
    (['release', 'debug'] as const).map((build) => {
      const make = (options: Options): Deque => {
        // An arena per run, so that every run can grow its memory from the start.
        const { arena, header } = watchedArena(build, 'ring_create');
        const q = new NumericQueue({ ...options, arena });
        const h = header();
        return {
          get size() {
            return q.size;
          },
          push: (x) => q.push(x),
          unshift: (x) => q.unshift(x),
          shift: () => q.shift(),
          pop: () => q.pop(),
          peek: () => q.peek(),
          peekBack: () => q.peekBack(),
          at: (i) => q.at(i),
          pushMany: (xs, typed) => q.pushMany(typed ? Uint32Array.from(xs) : xs),
          shiftMany: (n) => {
            const out = new Uint32Array(n);
            return [...out.subarray(0, q.shiftMany(out))];
          },
          clear: () => q.clear(),
          shrink: () => q.shrink(),
          toArray: () => [...q.toArray()], // through the core (ring_read), not the JS paths
          growArena: () => growArena(arena),
          coreCheck: build === 'debug' ? () => (arena.core as DebugExports).debug_ringCheck(h) === 1 : undefined,
        };
      };
      return [`NumericQueue (${build} build)`, make];
    }),
  ),
};

class Model {
  items: number[] = [];
  next = 0;
  constructor(readonly options: Options) {}
  get full(): boolean {
    return this.options.capacity !== undefined && this.items.length >= this.options.capacity;
  }
}

type Command = fc.Command<Model, Deque>;

const same = (model: Model, real: Deque) => {
  if (real.coreCheck) expect(real.coreCheck()).toBe(true);
  expect(real.size).toBe(model.items.length);
  expect(real.toArray()).toEqual(model.items);
};

const command = (name: string, run: (model: Model, real: Deque) => void): Command => ({
  check: () => true,
  run: (model, real) => {
    run(model, real);
    same(model, real);
  },
  toString: () => name,
});

const commands = [
  fc.constant(
    command('push', (model, real) => {
      const x = model.next++;
      if (model.full && model.options.overflow === 'reject') {
        expect(() => real.push(x)).toThrow(CapacityError);
        return;
      }
      if (model.full) model.items.shift();
      model.items.push(x);
      expect(real.push(x)).toBe(model.items.length);
    }),
  ),
  fc.constant(
    command('unshift', (model, real) => {
      const x = model.next++;
      if (model.full && model.options.overflow === 'reject') {
        expect(() => real.unshift(x)).toThrow(/capacity \(\d+\) exceeded/);
        return;
      }
      if (model.full) model.items.pop();
      model.items.unshift(x);
      expect(real.unshift(x)).toBe(model.items.length);
    }),
  ),
  fc.constant(command('shift', (model, real) => expect(real.shift()).toBe(model.items.shift()))),
  fc.constant(command('pop', (model, real) => expect(real.pop()).toBe(model.items.pop()))),
  fc.constant(
    command('peek', (model, real) => {
      expect(real.peek()).toBe(model.items[0]);
      expect(real.peekBack()).toBe(model.items.at(-1));
    }),
  ),
  fc.integer({ min: -20, max: 20 }).map((i) => command(`at(${i})`, (model, real) => expect(real.at(i)).toBe(model.items.at(i)))),
  pushMany(fc.integer({ min: 0, max: 40 })),
  fc.integer({ min: 0, max: 12 }).map(shiftMany),
  fc.constant(
    command('clear', (model, real) => {
      real.clear();
      model.items = [];
    }),
  ),
  // Growth of the arena's memory between two operations, by another structure.
  fc.constant(command('growArena', (_model, real) => void real.growArena?.())),
  fc.constant(command('shrink', (_model, real) => real.shrink())),
];

function pushMany(counts: fc.Arbitrary<number>): fc.Arbitrary<Command> {
  return fc.tuple(counts, fc.boolean()).map(([n, typed]) =>
    command(`pushMany(${n}${typed ? ', typed' : ''})`, (model, real) => {
      const xs = Array.from({ length: n }, () => model.next++);
      const { capacity, overflow } = model.options;
      if (capacity !== undefined && model.items.length + n > capacity && overflow === 'reject') {
        expect(() => real.pushMany(xs, typed)).toThrow(CapacityError);
        return;
      }
      model.items.push(...xs);
      if (capacity !== undefined) model.items.splice(0, Math.max(0, model.items.length - capacity));
      expect(real.pushMany(xs, typed)).toBe(model.items.length);
    }),
  );
}

function shiftMany(n: number): Command {
  return command(`shiftMany(${n})`, (model, real) => expect(real.shiftMany(n)).toEqual(model.items.splice(0, n)));
}

/** Batches on both sides of the copy-loop threshold (64) and past the staging area (4,096). */
const largeBatchCommands = [
  ...commands,
  pushMany(fc.oneof(fc.integer({ min: 60, max: 300 }), fc.integer({ min: 4000, max: 9000 }))),
  fc.oneof(fc.integer({ min: 60, max: 300 }), fc.integer({ min: 3000, max: 9000 })).map(shiftMany),
];

const options = fc.record({
  capacity: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  overflow: fc.constantFrom<Overflow>('reject', 'drop-oldest'),
});

describe.each(Object.keys(implementations))('%s model', (name) => {
  const make = implementations[name]!;
  it('matches an array model over random sequences (growth, wrap-around, bounds)', () => {
    fc.assert(
      fc.property(options, fc.commands(commands, { maxCommands: 80 }), (opts, cmds) => {
        const clean: Options = opts.capacity === undefined ? { overflow: opts.overflow } : (opts as Options);
        fc.modelRun(() => ({ model: new Model(clean), real: make(clean) }), cmds);
      }),
      { numRuns: 1000 },
    );
  });

  it('matches the model with large batches and the memory growing between operations', () => {
    fc.assert(
      fc.property(options, fc.commands(largeBatchCommands, { maxCommands: 40 }), (opts, cmds) => {
        const clean: Options = opts.capacity === undefined ? { overflow: opts.overflow } : (opts as Options);
        fc.modelRun(() => ({ model: new Model(clean), real: make(clean) }), cmds);
      }),
      { numRuns: 150 },
    );
  });
});
