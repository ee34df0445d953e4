import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PriorityQueue, StaleHandleError, type Handle } from '../../src/index.js';
import { arenaOn, builds, type BuildName } from '../helpers/builds.js';

/** The model: a plain array of entries; the next item is the one a stable sort by priority puts first. */
interface Entry {
  item: number;
  priority: number;
  seq: number;
  /** Absent for items that came in through popPush, which hands out no handle. */
  handle?: Handle;
}

class Model {
  live: Entry[] = [];
  stale: Handle[] = [];
  nextSeq = 0;
  nextItem = 0;
  constructor(readonly max: boolean) {}

  first(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.live) {
      const a = this.max ? -e.priority : e.priority;
      const b = best && (this.max ? -best.priority : best.priority);
      if (!best || a < b! || (a === b && e.seq < best.seq)) best = e;
    }
    return best;
  }

  take(entry: Entry): void {
    this.live.splice(this.live.indexOf(entry), 1);
    if (entry.handle !== undefined) this.stale.push(entry.handle);
  }

  withHandles(): Entry[] {
    return this.live.filter((e) => e.handle !== undefined);
  }
}

type Real = PriorityQueue<number>;
type Command = fc.Command<Model, Real>;

const priority = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 0.5, -1e300, 1e300, Number.MIN_VALUE) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

function check(model: Model, real: Real): void {
  expect(real.size).toBe(model.live.length);
  expect(real.peek()).toBe(model.first()?.item);
}

class Push implements Command {
  constructor(readonly priority: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const item = model.nextItem++;
    const handle = real.push(item, this.priority);
    model.live.push({ item, priority: this.priority, seq: model.nextSeq++, handle });
    check(model, real);
  }
  toString = () => `push(${this.priority})`;
}

class PushMany implements Command {
  constructor(readonly priorities: number[], readonly typed: boolean) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const items = this.priorities.map(() => model.nextItem++);
    const handles = real.pushMany(items, this.typed ? Float64Array.from(this.priorities) : this.priorities);
    items.forEach((item, i) => model.live.push({ item, priority: this.priorities[i]!, seq: model.nextSeq++, handle: handles[i]! }));
    check(model, real);
  }
  toString = () => `pushMany(${this.priorities.length}${this.typed ? ', Float64Array' : ''})`;
}

class Pop implements Command {
  check = () => true;
  run(model: Model, real: Real): void {
    const expected = model.first();
    expect(real.peekPriority()).toBe(expected?.priority);
    expect(real.pop()).toBe(expected?.item);
    if (expected) model.take(expected);
    check(model, real);
  }
  toString = () => 'pop';
}

/** popPush is pop then push: the model does exactly that. */
class PopPush implements Command {
  constructor(readonly priority: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const expected = model.first();
    const item = model.nextItem++;
    expect(real.popPush(item, this.priority)).toBe(expected?.item);
    if (expected) model.take(expected);
    model.live.push({ item, priority: this.priority, seq: model.nextSeq++ });
    check(model, real);
  }
  toString = () => `popPush(${this.priority})`;
}

class PopMany implements Command {
  constructor(readonly count: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const expected: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const e = model.first();
      if (!e) break;
      expected.push(e.item);
      model.take(e);
    }
    expect(real.popMany(this.count)).toEqual(expected);
    check(model, real);
  }
  toString = () => `popMany(${this.count})`;
}

class Update implements Command {
  constructor(readonly pick: number, readonly priority: number, readonly behindEquals: boolean) {}
  check = (model: Readonly<Model>) => model.withHandles().length > 0;
  run(model: Model, real: Real): void {
    const handled = model.withHandles();
    const entry = handled[this.pick % handled.length]!;
    real.update(entry.handle!, this.priority, { behindEquals: this.behindEquals });
    entry.priority = this.priority;
    if (this.behindEquals) entry.seq = model.nextSeq++;
    expect(real.priorityOf(entry.handle!)).toBe(this.priority);
    check(model, real);
  }
  toString = () => `update(#${this.pick}, ${this.priority}${this.behindEquals ? ', behind' : ''})`;
}

class Remove implements Command {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.withHandles().length > 0;
  run(model: Model, real: Real): void {
    const handled = model.withHandles();
    const entry = handled[this.pick % handled.length]!;
    expect(real.get(entry.handle!)).toBe(entry.item);
    expect(real.remove(entry.handle!)).toBe(true);
    model.take(entry);
    check(model, real);
  }
  toString = () => `remove(#${this.pick})`;
}

class UseStale implements Command {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.stale.length > 0;
  run(model: Model, real: Real): void {
    const handle = model.stale[this.pick % model.stale.length]!;
    expect(real.has(handle)).toBe(false);
    expect(real.remove(handle)).toBe(false);
    expect(() => real.update(handle, 0)).toThrow(StaleHandleError);
    check(model, real);
  }
  toString = () => `stale(#${this.pick})`;
}

class BadInput implements Command {
  constructor(readonly value: unknown) {}
  check = () => true;
  run(model: Model, real: Real): void {
    expect(() => real.push(-1, this.value as number)).toThrow(InvalidArgumentError);
    expect(() => real.popPush(-1, this.value as number)).toThrow(InvalidArgumentError);
    const handled = model.withHandles();
    if (handled.length > 0) expect(() => real.update(handled[0]!.handle!, this.value as number)).toThrow(InvalidArgumentError);
    check(model, real);
  }
  toString = () => `bad(${String(this.value)})`;
}

class Clear implements Command {
  check = () => true;
  run(model: Model, real: Real): void {
    real.clear();
    for (const e of [...model.live]) model.take(e);
    check(model, real);
  }
  toString = () => 'clear';
}

class Iterate implements Command {
  check = () => true;
  run(model: Model, real: Real): void {
    const sorted = [...model.live].sort((a, b) => {
      const pa = model.max ? -a.priority : a.priority;
      const pb = model.max ? -b.priority : b.priority;
      return pa === pb ? a.seq - b.seq : pa < pb ? -1 : 1;
    });
    expect([...real]).toEqual(sorted.map((e) => e.item));
    check(model, real);
  }
  toString = () => 'iterate';
}

const commands = [
  priority.map((p) => new Push(p)),
  priority.map((p) => new Push(p)),
  fc.tuple(fc.array(priority, { maxLength: 40 }), fc.boolean()).map(([ps, typed]) => new PushMany(ps, typed)),
  fc.constant(new Pop()),
  fc.constant(new Pop()),
  fc.integer({ min: 0, max: 8 }).map((n) => new PopMany(n)),
  priority.map((p) => new PopPush(p)),
  fc.tuple(fc.nat(), priority, fc.boolean()).map(([i, p, b]) => new Update(i, p, b)),
  fc.nat().map((i) => new Remove(i)),
  fc.nat().map((i) => new UseStale(i)),
  fc.constantFrom(NaN, Infinity, '3', 2n, undefined).map((v) => new BadInput(v)),
  fc.constant(new Clear()),
  fc.constant(new Iterate()),
];

describe.each(Object.keys(builds) as BuildName[])('PriorityQueue model (%s build)', (build) => {
  const arena = arenaOn(build, { maxMemory: 64 << 20 });

  it.each([false, true])('matches a stable-sort model over random sequences (max: %s)', (max) => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const real = new PriorityQueue<number>({ arena, max });
        fc.modelRun(() => ({ model: new Model(max), real }), cmds);
        real.dispose();
      }),
      { numRuns: 500 },
    );
  });

  it('keeps order across growth over many pages (large batches and single pushes)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 30_000 }), fc.nat(30_000), (keys, singles) => {
        const real = new PriorityQueue<number>({ arena });
        real.pushMany(keys.map((_, i) => i), keys);
        for (let i = 0; i < singles; i++) real.push(keys.length + i, i % 51);
        const all = [...keys, ...Array.from({ length: singles }, (_, i) => i % 51)];
        const expected = all.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
        expect(real.drain()).toEqual(expected);
        real.dispose();
      }),
      { numRuns: 20 },
    );
  });
});
