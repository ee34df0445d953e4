// The scheduler's ready line (src/scheduler/ready-line.ts) against a model: a plain list sorted by
// (priority, arrival) on every pop. Rows are arrays here, handled as the scheduler's JobRows does:
// a freed row's handle is 0, and freed rows are reused last-freed-first, so entries left behind
// by remove and update meet rows that hold other jobs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Handle } from '../../src/structures/handle.js';
import { LEVEL_LIMIT, ReadyLine, type LineRows } from '../../src/scheduler/ready-line.js';
import type { Arena } from '../../src/index.js';
import { arenaOn, builds, type BuildName } from '../helpers/builds.js';

interface Waiting {
  readonly job: number;
  priority: number;
  readonly arrival: number;
}

class Model {
  readonly waiting: Waiting[] = [];
  constructor(readonly max: boolean) {}

  first(): Waiting | undefined {
    const sign = this.max ? -1 : 1;
    return [...this.waiting].sort((a, b) => sign * (a.priority - b.priority) || a.arrival - b.arrival)[0];
  }

  drop(entry: Waiting): void {
    this.waiting.splice(this.waiting.indexOf(entry), 1);
  }
}

class Real implements LineRows {
  readonly handles: number[] = [];
  readonly arrivals: number[] = [];
  readonly priorities: number[] = [];
  readonly free: number[] = [];
  rows = 0;
  nextArrival = 0;
  readonly line: ReadyLine;

  constructor(max: boolean, arena: Arena, slack?: number) {
    this.line = new ReadyLine(max, arena, this, slack);
  }

  handle(job: number): number {
    return this.handles[job]!;
  }
  holds(job: number, ticket: number): boolean {
    return this.handles[job] === ticket;
  }
  setHandle(job: number, handle: Handle): void {
    this.handles[job] = handle;
  }
  arrival(job: number): number {
    return this.arrivals[job]!;
  }
  priority(job: number): number {
    return this.priorities[job]!;
  }

  /** A row for a new job (a freed one first, as JobRows does). */
  take(priority: number): number {
    const job = this.free.pop() ?? this.rows++;
    this.priorities[job] = priority;
    this.arrivals[job] = this.nextArrival++;
    this.handles[job] = 0;
    return job;
  }

  release(job: number): void {
    this.handles[job] = 0;
    this.free.push(job);
  }
}

type Command = fc.Command<Model, Real>;

function agree(model: Model, real: Real): void {
  expect(real.line.size).toBe(model.waiting.length);
  expect([...real.line].sort((a, b) => a - b)).toEqual(model.waiting.map((w) => w.job).sort((a, b) => a - b));
}

const command = (name: string, run: (model: Model, real: Real) => void): Command => ({
  check: () => true,
  run(model, real) {
    run(model, real);
    agree(model, real);
  },
  toString: () => name,
});

function commands(priorities: fc.Arbitrary<number>): fc.Arbitrary<Command>[] {
  return [
    priorities.map((priority) =>
      command(`push(${priority})`, (model, real) => {
        const job = real.take(priority);
        real.handles[job] = real.line.push(job, priority);
        model.waiting.push({ job, priority, arrival: real.arrivals[job]! });
      }),
    ),
    fc.array(priorities, { maxLength: 12 }).map((list) =>
      command(`pushMany(${list.join(', ')})`, (model, real) => {
        const jobs = list.map((priority) => real.take(priority));
        const tickets = real.line.pushMany(jobs, list);
        jobs.forEach((job, k) => {
          expect(real.handles[job]).toBe(tickets[k]);
          model.waiting.push({ job, priority: list[k]!, arrival: real.arrivals[job]! });
        });
      }),
    ),
    fc.constant(
      command('pop', (model, real) => {
        const expected = model.first();
        const job = real.line.pop();
        expect(job).toBe(expected?.job);
        if (expected === undefined) return;
        model.drop(expected);
        real.release(job!);
      }),
    ),
    fc.nat({ max: 40 }).map((i) =>
      command(`remove(#${i})`, (model, real) => {
        const entry = model.waiting[i % Math.max(1, model.waiting.length)];
        if (entry === undefined) return;
        real.line.remove(entry.job, real.handles[entry.job]!);
        real.release(entry.job);
        model.drop(entry);
      }),
    ),
    fc.tuple(fc.nat({ max: 40 }), priorities).map(([i, priority]) =>
      command(`update(#${i}, ${priority})`, (model, real) => {
        const entry = model.waiting[i % Math.max(1, model.waiting.length)];
        if (entry === undefined) return;
        real.handles[entry.job] = real.line.update(entry.job, priority);
        real.priorities[entry.job] = priority;
        entry.priority = priority;
      }),
    ),
    fc.constant(command('shrink', (_model, real) => real.line.shrink())),
  ];
}

/** Few priorities (one level each), and many (past LEVEL_LIMIT the line moves into a heap, and back once empty). */
const few = fc.constantFrom(0, 1, 2, 3, -0, 0.5, -1);
const many = fc.oneof(few, fc.integer({ min: 4, max: LEVEL_LIMIT + 40 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }));

describe.each(Object.keys(builds) as BuildName[])('ready line against a sorted-list model (%s build)', (build) => {
  // One arena for all runs (an arena per run would outrun the collector that frees their tags).
  const arena = arenaOn(build);
  for (const max of [false, true]) {
    const check = (list: fc.Arbitrary<Command>[], maxCommands: number, numRuns: number, slack?: number) =>
      fc.assert(
        fc.property(fc.commands(list, { maxCommands, size: 'max' }), (cmds) => {
          const real = new Real(max, arena, slack);
          try {
            fc.modelRun(() => ({ model: new Model(max), real }), cmds);
          } finally {
            real.line.dispose();
          }
        }),
        { numRuns },
      );

    it(`few priorities, order ${max ? 'max' : 'min'}: pops by (priority, arrival), keeps every job once`, () => {
      check(commands(few), 120, 200);
    });

    it(`entries left behind are dropped while their level's front waits, in order, order ${max ? 'max' : 'min'}`, () => {
      // A slack of 2: a level compacts as soon as its stale entries pass twice its live ones by 2.
      check(commands(fc.constantFrom(0, 1, 2)), 150, 150, 2);
    });

    it(`many priorities (levels, a heap, levels again), order ${max ? 'max' : 'min'}`, () => {
      // A run of distinct priorities, each pushed twice (one by one or in one batch): levels with
      // several entries, and past LEVEL_LIMIT of them at once.
      const spread = fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 8, max: LEVEL_LIMIT + 8 }), fc.boolean()).map(([start, count, batch]) =>
        command(`spread(${start}, ${count}${batch ? ', batch' : ''})`, (model, real) => {
          const list = [...Array.from({ length: count }, (_, i) => start + i), ...Array.from({ length: count }, (_, i) => start + i)];
          const jobs = list.map((priority) => real.take(priority));
          if (batch) real.line.pushMany(jobs, list);
          else jobs.forEach((job, k) => (real.handles[job] = real.line.push(job, list[k]!)));
          jobs.forEach((job, k) => model.waiting.push({ job, priority: list[k]!, arrival: real.arrivals[job]! }));
        }),
      );
      const drain = command('drain', (model, real) => {
        for (let expected = model.first(); expected; expected = model.first()) {
          expect(real.line.pop()).toBe(expected.job);
          model.drop(expected);
          real.release(expected.job);
        }
        expect(real.line.pop()).toBeUndefined();
      });
      check([...commands(many), spread, fc.constant(drain)], 100, 60);
    });
  }
});

describe('ready line: a level made per job (deadlines or scores as priorities)', () => {
  it.each([0, 1, 8, 40, 63, 70])('holding %i jobs, each push a new priority: pops by (priority, arrival), and the arena does not grow', (held) => {
    const arena = arenaOn('release');
    const real = new Real(false, arena);
    const model = new Model(false);
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const push = (priority: number) => {
      const job = real.take(priority);
      real.handles[job] = real.line.push(job, priority);
      model.waiting.push({ job, priority, arrival: real.arrivals[job]! });
    };
    const pop = () => {
      const expected = model.first()!;
      expect(real.line.pop()).toBe(expected.job);
      model.drop(expected);
      real.release(expected.job);
    };
    for (let i = 0; i < held; i++) push(next());
    let bytes = 0;
    for (let step = 0; step < 4_000; step++) {
      // Now and then a priority seen before: levels and a heap both meet equals.
      push(step % 7 === 0 ? 0.5 : next());
      pop();
      if (step === 1_000) bytes = arena.bytesInUse;
    }
    expect(arena.bytesInUse).toBeLessThanOrEqual(bytes + 4096);
    while (model.waiting.length > 0) pop();
    expect(real.line.pop()).toBeUndefined();
    real.line.dispose();
  });
});
