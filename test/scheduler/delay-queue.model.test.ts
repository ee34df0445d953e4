// The scheduler's delay queue (src/scheduler/delay-queue.ts) against a sorted list: jobs by due
// time, FIFO among equals, whether they went to the core heap or (retries it had no room for) to
// the JS spill. A spill threshold of a few entries makes every path run: ties between the two,
// removals of either kind, entries() merging them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelayQueue } from '../../src/scheduler/delay-queue.js';
import type { Handle } from '../../src/structures/handle.js';

interface Entry {
  readonly job: number;
  readonly dueAt: number;
  readonly handle: Handle;
  /** Heap entries first among equal due times, then spilled ones; each in the order added. */
  readonly spilled: boolean;
  readonly seq: number;
}

class Model {
  entries: Entry[] = [];
  seq = 0;
  sorted(): Entry[] {
    return [...this.entries].sort((a, b) => a.dueAt - b.dueAt || Number(a.spilled) - Number(b.spilled) || a.seq - b.seq);
  }
}

type Command = fc.Command<Model, { queue: DelayQueue; next: number }>;

const check = (model: Model, real: { queue: DelayQueue }) => {
  const sorted = model.sorted();
  expect(real.queue.size).toBe(sorted.length);
  expect(real.queue.peekPriority()).toBe(sorted[0]?.dueAt);
  expect(real.queue.peek()).toBe(sorted[0]?.job);
  expect([...real.queue.entries()]).toEqual(sorted.map((e) => [e.job, e.dueAt]));
};

const push = (dueAt: number, retry: boolean): Command => ({
  check: () => true,
  run(model, real) {
    const job = real.next++;
    const handle = retry ? real.queue.pushOrSpill(job, dueAt) : real.queue.push(job, dueAt);
    model.entries.push({ job, dueAt, handle, spilled: handle < 0, seq: model.seq++ });
    check(model, real);
  },
  toString: () => `${retry ? 'pushOrSpill' : 'push'}(${dueAt})`,
});

const pop = (): Command => ({
  check: () => true,
  run(model, real) {
    const first = model.sorted()[0];
    expect(real.queue.pop()).toBe(first?.job);
    if (first) model.entries.splice(model.entries.indexOf(first), 1);
    check(model, real);
  },
  toString: () => 'pop',
});

const remove = (pick: number): Command => ({
  check: () => true,
  run(model, real) {
    if (model.entries.length === 0) return;
    const entry = model.entries[pick % model.entries.length]!;
    real.queue.remove(entry.handle);
    model.entries.splice(model.entries.indexOf(entry), 1);
    check(model, real);
  },
  toString: () => `remove(#${pick})`,
});

describe('DelayQueue', () => {
  it('serves the core heap and the spill together by due time, FIFO among equals (the heap first on ties)', () => {
    const due = fc.integer({ min: 0, max: 6 });
    const commands = [
      fc.tuple(due, fc.boolean()).map(([d, retry]) => push(d, retry)),
      fc.constant(pop()),
      fc.nat().map((pick) => remove(pick)),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.commands(commands, { maxCommands: 80 }), (spillAt, cmds) => {
        const real = { queue: new DelayQueue(undefined, spillAt), next: 0 };
        try {
          fc.modelRun(() => ({ model: new Model(), real }), cmds);
        } finally {
          real.queue.dispose();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('serves the few entries left after a bulk drop by due time', () => {
    const queue = new DelayQueue(undefined, 0); // every retry spills
    queue.pushOrSpill(1, 300);
    queue.pushOrSpill(2, 100);
    queue.pushOrSpill(3, 200);
    const gone = Array.from({ length: 69 }, (_, i) => queue.pushOrSpill(100 + i, 1 + i));
    for (const handle of gone) queue.remove(handle); // the last removal drops them in bulk
    const order: number[] = [];
    for (let job = queue.pop(); job !== undefined; job = queue.pop()) order.push(job);
    expect(order).toEqual([2, 3, 1]);
    queue.dispose();
  });

  it('drops cancelled spilled entries in bulk once they outnumber the rest, keeping the order', () => {
    const queue = new DelayQueue(undefined, 0); // every retry spills
    const model = new Model();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let job = 0; job < 400; job++) {
      const dueAt = next() % 50;
      model.entries.push({ job, dueAt, handle: queue.pushOrSpill(job, dueAt), spilled: true, seq: model.seq++ });
    }
    for (let k = 0; k < 330; k++) {
      const entry = model.entries[next() % model.entries.length]!;
      queue.remove(entry.handle);
      model.entries.splice(model.entries.indexOf(entry), 1);
    }
    check(model, { queue });
    for (const entry of model.sorted()) expect(queue.pop()).toBe(entry.job);
    expect(queue.pop()).toBeUndefined();
    queue.dispose();
  });
});
