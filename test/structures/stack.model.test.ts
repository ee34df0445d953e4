import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumericStack, Stack } from '../../src/index.js';
import type { DebugExports } from '../../src/core/exports.js';
import { growArena, watchedArena } from '../helpers/growth.js';

interface Lifo {
  readonly size: number;
  push(x: number): number;
  pop(): number | undefined;
  peek(): number | undefined;
  at(i: number): number | undefined;
  clear(): void;
  /** Gives back slack; the items stay. */
  shrink(): void;
  /** Top first. */
  toArray(): number[];
  /** NumericStack: the first lowest; `typed` passes a Uint32Array. */
  pushMany?(xs: number[], typed: boolean): number;
  /** NumericStack: the top first. */
  popMany?(n: number): number[];
  /** NumericStack: another structure in the same arena grows the memory (see growArena). */
  growArena?(): boolean;
  /** NumericStack on the debug build: whether the core finds its header consistent. */
  coreCheck?: (() => boolean) | undefined;
}

function numericStack(build: 'release' | 'debug', limit: number | undefined): Lifo {
  // An arena per run, so that every run can grow its memory from the start.
  const { arena, header } = watchedArena(build, limit === undefined ? 'stack_create' : 'ring_create');
  const s = new NumericStack(limit === undefined ? { arena } : { arena, limit });
  const h = header();
  const debug = arena.core as DebugExports;
  return {
    get size() {
      return s.size;
    },
    push: (x) => s.push(x),
    pop: () => s.pop(),
    peek: () => s.peek(),
    at: (i) => s.at(i),
    clear: () => s.clear(),
    shrink: () => s.shrink(),
    toArray: () => s.toArray(),
    pushMany: (xs, typed) => s.pushMany(typed ? Uint32Array.from(xs) : xs),
    popMany: (n) => {
      const out = new Uint32Array(n);
      return [...out.subarray(0, s.popMany(out))];
    },
    growArena: () => growArena(arena),
    coreCheck: build === 'debug' ? () => (limit === undefined ? debug.debug_stackCheck(h) : debug.debug_ringCheck(h)) === 1 : undefined,
  };
}

const implementations: Record<string, (limit: number | undefined) => Lifo> = {
  Stack: (limit) => new Stack<number>(limit === undefined ? {} : { limit }),
  'NumericStack (release build)': (limit) => numericStack('release', limit),
  'NumericStack (debug build)': (limit) => numericStack('debug', limit),
};

/** The model: an array, bottom first; a push at the limit drops the bottom item. */
class Model {
  items: number[] = [];
  next = 0;
  constructor(readonly limit: number | undefined) {}
}

type Command = fc.Command<Model, Lifo>;

const command = (name: string, run: (model: Model, real: Lifo) => void): Command => ({
  check: () => true,
  run: (model, real) => {
    run(model, real);
    if (real.coreCheck) expect(real.coreCheck()).toBe(true);
    expect(real.size).toBe(model.items.length);
    expect(real.toArray()).toEqual([...model.items].reverse());
  },
  toString: () => name,
});

function pushMany(counts: fc.Arbitrary<number>): fc.Arbitrary<Command> {
  return fc.tuple(counts, fc.boolean()).map(([n, typed]) =>
    command(`pushMany(${n}${typed ? ', typed' : ''})`, (model, real) => {
      if (!real.pushMany) return;
      const xs = Array.from({ length: n }, () => model.next++);
      model.items.push(...xs);
      if (model.limit !== undefined) model.items.splice(0, Math.max(0, model.items.length - model.limit));
      expect(real.pushMany(xs, typed)).toBe(model.items.length);
    }),
  );
}

function popMany(n: number): Command {
  return command(`popMany(${n})`, (model, real) => {
    if (!real.popMany) return;
    expect(real.popMany(n)).toEqual(model.items.splice(Math.max(0, model.items.length - n)).reverse());
  });
}

const commands = [
  fc.constant(
    command('push', (model, real) => {
      const x = model.next++;
      model.items.push(x);
      if (model.limit !== undefined && model.items.length > model.limit) model.items.shift();
      expect(real.push(x)).toBe(model.items.length);
    }),
  ),
  fc.constant(command('pop', (model, real) => expect(real.pop()).toBe(model.items.pop()))),
  fc.constant(command('peek', (model, real) => expect(real.peek()).toBe(model.items.at(-1)))),
  fc.integer({ min: -12, max: 12 }).map((i) => command(`at(${i})`, (model, real) => expect(real.at(i)).toBe(model.items.at(i)))),
  fc.constant(
    command('clear', (model, real) => {
      real.clear();
      model.items = [];
    }),
  ),
  fc.constant(command('shrink', (_model, real) => real.shrink())),
  pushMany(fc.integer({ min: 0, max: 30 })),
  fc.integer({ min: 0, max: 12 }).map(popMany),
  // Growth of the arena's memory between two operations, by another structure.
  fc.constant(command('growArena', (_model, real) => void real.growArena?.())),
];

/** Batches on both sides of the copy-loop threshold and past the staging area (4,096). */
const largeBatchCommands = [
  ...commands,
  pushMany(fc.oneof(fc.integer({ min: 60, max: 300 }), fc.integer({ min: 4000, max: 9000 }))),
  fc.oneof(fc.integer({ min: 60, max: 300 }), fc.integer({ min: 3000, max: 9000 })).map(popMany),
];

const limits = fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined });

describe.each(Object.keys(implementations))('%s model', (name) => {
  const make = implementations[name]!;
  it('matches an array model over random sequences (bounded ones drop the oldest)', () => {
    fc.assert(
      fc.property(limits, fc.commands(commands, { maxCommands: 80 }), (limit, cmds) => {
        fc.modelRun(() => ({ model: new Model(limit), real: make(limit) }), cmds);
      }),
      { numRuns: 1000 },
    );
  });

  it('matches the model with large batches and the memory growing between operations', () => {
    fc.assert(
      fc.property(limits, fc.commands(largeBatchCommands, { maxCommands: 40 }), (limit, cmds) => {
        fc.modelRun(() => ({ model: new Model(limit), real: make(limit) }), cmds);
      }),
      { numRuns: 150 },
    );
  });
});
