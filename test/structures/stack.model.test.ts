import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumericStack, Stack } from '../../src/index.js';
import { arenaOn } from '../helpers/builds.js';

interface Lifo {
  readonly size: number;
  push(x: number): number;
  pop(): number | undefined;
  peek(): number | undefined;
  at(i: number): number | undefined;
  clear(): void;
  /** Top first. */
  toArray(): number[];
}

const implementations: Record<string, (limit: number | undefined) => Lifo> = {
  Stack: (limit) => new Stack<number>(limit === undefined ? {} : { limit }),
  ...Object.fromEntries(
    (['release', 'debug'] as const).map((build) => {
      const arena = arenaOn(build, { maxMemory: 16 << 20 });
      return [`NumericStack (${build} build)`, (limit: number | undefined) => new NumericStack(limit === undefined ? { arena } : { arena, limit })];
    }),
  ),
};

/** The model: an array, bottom first; a push at the limit drops the bottom item. */
class Model {
  items: number[] = [];
  next = 0;
  constructor(readonly limit: number | undefined) {}
}

const command = (name: string, run: (model: Model, real: Lifo) => void): fc.Command<Model, Lifo> => ({
  check: () => true,
  run: (model, real) => {
    run(model, real);
    expect(real.size).toBe(model.items.length);
    expect(real.toArray()).toEqual([...model.items].reverse());
  },
  toString: () => name,
});

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
];

describe.each(Object.keys(implementations))('%s model', (name) => {
  it('matches an array model over random sequences (bounded ones drop the oldest)', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), fc.commands(commands, { maxCommands: 80 }), (limit, cmds) => {
        fc.modelRun(() => ({ model: new Model(limit), real: implementations[name]!(limit) }), cmds);
      }),
      { numRuns: 1000 },
    );
  });
});
