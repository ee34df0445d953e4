// The scheduler's table of long-held jobs (src/scheduler/ordered-ids.ts) against a Map. Ids arrive
// in increasing order with gaps of any size (evenly spread, clustered, or far apart, which is what
// the interpolating search must survive); deletions hit the front (jobs leaving in order), the
// middle and absent ids; compaction and growth happen on the way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedIds } from '../../src/scheduler/ordered-ids.js';

interface Model {
  readonly rows: Map<number, number>;
  last: number;
  /** The most ids held at once since the last shrink or clear: the arrays keep room for it only. */
  peak: number;
}

type Command = fc.Command<Model, OrderedIds>;

const check = (model: Model, real: OrderedIds): void => {
  expect(real.size).toBe(model.rows.size);
  expect(real.last).toBe(model.last);
  expect(real.slots).toBeLessThanOrEqual(Math.max(16, 4 * model.peak));
  expect([...real.rows()]).toEqual([...model.rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row));
};

/** The held id at `pick` in id order, or an id that is not held. */
const idAt = (model: Model, pick: number, absent: number): number => {
  const ids = [...model.rows.keys()].sort((a, b) => a - b);
  return ids.length === 0 || pick % 4 === 3 ? absent : ids[pick % ids.length]!;
};

const add = (gap: number, count: number): Command => ({
  check: () => true,
  run(model, real) {
    for (let k = 0; k < count; k++) {
      const id = model.last + gap + (k % 3); // above the last: ids only grow
      const row = (id * 7) % 2 ** 31;
      real.add(id, row);
      model.rows.set(id, row);
      model.last = id;
      model.peak = Math.max(model.peak, model.rows.size);
    }
    check(model, real);
  },
  toString: () => `add(gap ${gap}, ×${count})`,
});

const get = (pick: number, absent: number): Command => ({
  check: () => true,
  run(model, real) {
    const id = idAt(model, pick, model.last + absent);
    expect(real.get(id)).toBe(model.rows.get(id) ?? -1);
    expect(real.get(id + 0.5)).toBe(-1);
  },
  toString: () => `get(${pick})`,
});

const remove = (pick: number, count: number, wrongRow: boolean): Command => ({
  check: () => true,
  run(model, real) {
    for (let k = 0; k < count; k++) {
      const id = idAt(model, pick + k, model.last + 1 + k);
      const row = model.rows.get(id);
      if (wrongRow && row !== undefined) {
        expect(real.delete(id, row + 1)).toBe(false); // held with another row: stays
        continue;
      }
      expect(real.delete(id, row ?? 0)).toBe(row !== undefined);
      model.rows.delete(id);
    }
    check(model, real);
  },
  toString: () => `remove(${pick}, ×${count}${wrongRow ? ', wrong row' : ''})`,
});

const removeFront = (count: number): Command => ({
  check: () => true,
  run(model, real) {
    const ids = [...model.rows.keys()].sort((a, b) => a - b).slice(0, count);
    for (const id of ids) {
      expect(real.delete(id, model.rows.get(id)!)).toBe(true);
      model.rows.delete(id);
    }
    check(model, real);
  },
  toString: () => `removeFront(×${count})`,
});

const shrink = (): Command => ({
  check: () => true,
  run(model, real) {
    real.shrink();
    model.peak = model.rows.size;
    check(model, real);
    for (const [id, row] of model.rows) expect(real.get(id)).toBe(row);
  },
  toString: () => 'shrink',
});

const clear = (): Command => ({
  check: () => true,
  run(model, real) {
    real.clear();
    model.rows.clear();
    model.last = 0;
    model.peak = 0;
    check(model, real);
  },
  toString: () => 'clear',
});

const gap = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1000, max: 1e6 }), fc.constant(2 ** 40));

const commands = [
  fc.tuple(gap, fc.integer({ min: 1, max: 200 })).map(([g, count]) => add(g, count)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 50 })).map(([pick, absent]) => get(pick, absent)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 60 }), fc.boolean()).map(([pick, count, wrong]) => remove(pick, count, wrong)),
  fc.integer({ min: 1, max: 120 }).map((count) => removeFront(count)),
  fc.constant(shrink()),
  fc.constant(clear()),
];

describe('OrderedIds', () => {
  it('holds exactly what a Map would, through adds, lookups, removals, compaction and shrinking', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 80 }), (cmds) => {
        fc.modelRun(() => ({ model: { rows: new Map(), last: 0, peak: 0 }, real: new OrderedIds() }), cmds);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps room for the most ids held at once, however many pass through (ids leaving in the order they came)', () => {
    const table = new OrderedIds();
    for (let id = 1; id <= 1_000; id++) table.add(id, id);
    for (let id = 1_001; id <= 200_000; id++) {
      expect(table.delete(id - 1_000, id - 1_000)).toBe(true);
      table.add(id, id);
    }
    expect(table.size).toBe(1_000);
    expect(table.slots).toBeLessThanOrEqual(4_096);
  });

  it('finds every id however unevenly the ids are spread (the search alternates with bisection)', () => {
    const table = new OrderedIds();
    // A dense run, one far outlier, then another dense run: interpolation alone would crawl.
    let id = 1;
    for (let k = 0; k < 50_000; k++) table.add(id++, k);
    id = 2 ** 50;
    for (let k = 0; k < 50_000; k++) table.add(id++, 50_000 + k);
    for (let k = 0; k < 50_000; k += 997) {
      expect(table.get(1 + k)).toBe(k);
      expect(table.get(2 ** 50 + k)).toBe(50_000 + k);
    }
    expect(table.get(2 ** 49)).toBe(-1);
  });
});
