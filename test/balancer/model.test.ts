import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Balancer, seededRandom, type Lease, type BalancerStrategy } from '../../src/balancer.js';
import { InvalidArgumentError, NotFoundError, StateError } from '../../src/core/errors.js';
import { BalancerModel, type ModelLease, type ModelWorker } from './model.js';
import { SCAN_LIMIT } from '../../src/balancer/heap-tier.js';

const SLOW_START = { window: 1000, floor: 0.25, steps: 4 };

interface Real {
  balancer: Balancer<string>;
  clock: { now: number };
  random: () => number;
  /** `orphaned`: issued by a balancer that a snapshot and restore replaced. */
  leases: { real: Lease<string>; model: ModelLease; orphaned?: boolean }[];
}

type Command = fc.Command<BalancerModel, Real>;

/** The real balancer's view of every worker equals the model's. */
function compare(model: BalancerModel, real: Real): void {
  model.advance(); // stats() brings slow-start ramps up to date, as every choice does
  const stats = real.balancer.stats();
  expect(stats.map((s) => s.id)).toEqual([...model.workers.keys()]);
  for (const s of stats) {
    const w = model.workers.get(s.id as string)!;
    expect({ id: s.id, load: s.load, leases: s.leases, picks: s.picks, weight: s.weight, effectiveWeight: s.effectiveWeight, healthy: s.healthy, draining: s.draining }).toEqual({
      id: w.id, load: w.load, leases: w.leases, picks: w.picks, weight: w.weight, effectiveWeight: w.effectiveWeight, healthy: w.healthy, draining: w.draining,
    });
  }
}

function known(model: BalancerModel, id: string, run: (w: ModelWorker) => void, real: () => void): void {
  const w = model.workers.get(id);
  if (w === undefined) {
    expect(real).toThrow(NotFoundError);
    return;
  }
  real();
  run(w);
}

/** Checks a choice: exact for the deterministic strategies, the tier and p2c's rule for p2c. */
function checkChoice(model: BalancerModel, chosen: string | undefined, cost: number): ModelWorker | undefined {
  const candidates = model.candidates(cost);
  if (model.strategy !== 'p2c') {
    const expected = model.choose(cost);
    expect(chosen).toBe(expected?.id);
    return expected;
  }
  if (candidates.length === 0) {
    expect(chosen).toBeUndefined();
    return undefined;
  }
  const w = candidates.find((c) => c.id === chosen);
  expect(w, `p2c chose ${chosen}, not one of ${candidates.map((c) => c.id)}`).toBeDefined();
  // When every available worker of the tier fits, the two samples both fit, so the chosen one is
  // never the single worst of the tier (it lost to, or beat, another sample).
  const tier = [...model.workers.values()].filter((x) => x.backup === w!.backup && BalancerModel.available(x));
  if (tier.length >= 2 && tier.every((x) => BalancerModel.fits(x, cost))) {
    const key = (x: ModelWorker) => x.load / x.effectiveWeight;
    const worst = Math.max(...tier.map(key));
    const worstCount = tier.filter((x) => key(x) === worst).length;
    if (worstCount === 1) expect(key(w!)).toBeLessThan(worst);
  }
  return w;
}

/** A small fleet: every tier is scanned. */
const fewIds = ['a', 'b', 'c', 'd', 'e', 'f'];
/** A fleet that crosses SCAN_LIMIT both ways (a tier kept in a queue past it, scanned again below half). */
const fleetIds = Array.from({ length: 2 * SCAN_LIMIT + 8 }, (_, i) => `w${i}`);
const weights = fc.constantFrom(0.5, 1, 1, 2, 3);
const costs = fc.constantFrom(1, 1, 1, 2, 0.5);
/** Costs up to most of a worker's capacity: choices pass workers over for a cost they cannot take. */
const largeCosts = fc.constantFrom(1, 1, 2, 3, 0.5, 4);

function commands(names: string[], costOf: fc.Arbitrary<number> = costs): fc.Arbitrary<Command>[] {
  const [add, remove, setWeight, drain, setHealthy, setLoad, choose, release, tick, restore] = basicCommands(fc.constantFrom(...names), costOf);
  // Choices and releases are what the structure is for: make them most of each run.
  const mix = [add!, add!, remove!, setWeight!, drain!, setHealthy!, setLoad!, choose!, choose!, choose!, choose!, release!, release!, release!, tick!, restore!];
  return names.length > SCAN_LIMIT ? [...mix, ...fleetCommands(names)] : mix;
}

/** Many workers join or leave at once, so that runs cross SCAN_LIMIT in both directions. */
function fleetCommands(names: string[]): fc.Arbitrary<Command>[] {
  return [
    fc.tuple(fc.integer({ min: 1, max: SCAN_LIMIT }), fc.constantFrom(false, false, true), fc.constantFrom(Infinity, Infinity, 3, 5)).map(([count, backup, capacity]): Command => ({
      check: () => true,
      run(model, real) {
        for (const id of names.filter((name) => !model.workers.has(name)).slice(0, count)) {
          real.balancer.add(id, { id, backup, slowStart: false, ...(capacity === Infinity ? {} : { capacity }) });
          model.add(id, 1, capacity, backup, false);
        }
        compare(model, real);
      },
      toString: () => `addMany(${count}${backup ? ', backup' : ''}${capacity === Infinity ? '' : `, cap ${capacity}`})`,
    })),
    fc.integer({ min: 1, max: SCAN_LIMIT }).map((count): Command => ({
      check: () => true,
      run(model, real) {
        for (const id of [...model.workers.keys()].slice(0, count)) {
          real.balancer.remove(id);
          model.workers.delete(id);
        }
        compare(model, real);
      },
      toString: () => `removeMany(${count})`,
    })),
  ];
}

function basicCommands(ids: fc.Arbitrary<string>, costOf: fc.Arbitrary<number>): fc.Arbitrary<Command>[] {
  return [
    fc.record({ id: ids, weight: weights, capacity: fc.constantFrom(Infinity, 1, 2, 3, 5), backup: fc.constantFrom(false, false, false, true), ramp: fc.boolean() }).map(
      ({ id, weight, capacity, backup, ramp }): Command => ({
        check: () => true,
        run(model, real) {
          const options = { id, weight, backup, slowStart: ramp, ...(capacity === Infinity ? {} : { capacity }) };
          if (model.workers.has(id)) {
            expect(() => real.balancer.add(id, options)).toThrow(InvalidArgumentError);
          } else {
            real.balancer.add(id, options);
            model.add(id, weight, capacity, backup, ramp);
          }
          compare(model, real);
        },
        toString: () => `add(${id}, w${weight}, cap ${capacity}${backup ? ', backup' : ''}${ramp ? ', ramp' : ''})`,
      }),
    ),
    ids.map((id): Command => ({
      check: () => true,
      run(model, real) {
        known(model, id, () => model.workers.delete(id), () => real.balancer.remove(id));
        compare(model, real);
      },
      toString: () => `remove(${id})`,
    })),
    fc.tuple(ids, weights).map(([id, weight]): Command => ({
      check: () => true,
      run(model, real) {
        known(model, id, (w) => model.update(w, () => { w.weight = weight; w.effectiveWeight = model.pureWeight(w); }, true), () => real.balancer.setWeight(id, weight));
        compare(model, real);
      },
      toString: () => `setWeight(${id}, ${weight})`,
    })),
    fc.tuple(ids, fc.boolean()).map(([id, draining]): Command => ({
      check: () => true,
      run(model, real) {
        // Draining a draining worker (or undraining an available one) changes nothing, as in the balancer.
        known(model, id, (w) => w.draining !== draining && model.update(w, () => (w.draining = draining)), () => (draining ? real.balancer.drain(id) : real.balancer.undrain(id)));
        compare(model, real);
      },
      toString: () => `${draining ? 'drain' : 'undrain'}(${id})`,
    })),
    fc.tuple(ids, fc.boolean()).map(([id, healthy]): Command => ({
      check: () => true,
      run(model, real) {
        known(
          model,
          id,
          (w) => {
            if (w.healthy === healthy) return;
            model.update(w, () => {
              w.healthy = healthy;
              if (healthy && model.slowStart) {
                w.rampStart = model.now;
                w.effectiveWeight = model.pureWeight(w);
              }
            });
          },
          () => real.balancer.setHealthy(id, healthy),
        );
        compare(model, real);
      },
      toString: () => `setHealthy(${id}, ${healthy})`,
    })),
    fc.tuple(ids, fc.constantFrom(0, 0.5, 1, 2.5, 4)).map(([id, load]): Command => ({
      check: () => true,
      run(model, real) {
        known(model, id, (w) => model.update(w, () => (w.load = load)), () => real.balancer.setLoad(id, load));
        compare(model, real);
      },
      toString: () => `setLoad(${id}, ${load})`,
    })),
    fc.tuple(costOf, fc.boolean()).map(([cost, lease]): Command => ({
      check: () => true,
      run(model, real) {
        model.advance();
        if (lease) {
          const got = real.balancer.acquire(cost);
          const w = checkChoice(model, got?.id as string | undefined, cost);
          if (got && w) {
            model.picked(w, cost);
            real.leases.push({ real: got, model: { worker: w, cost, released: false } });
          }
        } else {
          const got = real.balancer.pick(cost);
          const w = checkChoice(model, got, cost);
          if (w) model.picked(w, undefined);
        }
        compare(model, real);
      },
      toString: () => `${lease ? 'acquire' : 'pick'}(${cost})`,
    })),
    fc.nat(40).map((n): Command => ({
      check: (_model) => true,
      run(model, real) {
        if (real.leases.length === 0) return;
        const { real: lease, model: entry, orphaned } = real.leases[n % real.leases.length]!;
        if (orphaned) {
          // A lease of the balancer that was replaced is no lease of this one.
          expect(() => real.balancer.release(lease)).toThrow(InvalidArgumentError);
        } else if (entry.released) {
          expect(() => real.balancer.release(lease)).toThrow(StateError);
        } else {
          real.balancer.release(lease);
          model.release(entry);
        }
        compare(model, real);
      },
      toString: () => `release(#${n})`,
    })),
    fc.constantFrom(50, 130, 250, 400).map((ms): Command => ({
      check: () => true,
      run(model, real) {
        real.clock.now += ms;
        model.now += ms;
      },
      toString: () => `tick(${ms})`,
    })),
    // Snapshot and restore: the same workers, loads and counters, making the same choices from then
    // on. Outstanding leases stay in the load but are no longer counted as leases.
    fc.constant<Command>({
      check: () => true,
      run(model, real) {
        const bytes = real.balancer.snapshot();
        real.balancer.dispose();
        real.balancer = Balancer.restore<string>(bytes, { clock: () => real.clock.now, random: real.random });
        for (const w of model.workers.values()) w.leases = 0;
        for (const entry of real.leases) entry.orphaned = true;
        compare(model, real);
      },
      toString: () => 'snapshot+restore',
    }),
  ];
}

function run(strategy: BalancerStrategy, slowStart: boolean, numRuns: number, names = fewIds, costOf: fc.Arbitrary<number> = costs): void {
  fc.assert(
    fc.property(fc.commands(commands(names, costOf), { maxCommands: 150, size: 'max' }), fc.integer({ min: 0, max: 2 ** 31 }), (cmds, seed) => {
      const clock = { now: 0 };
      const random = seededRandom(seed);
      const balancer = new Balancer<string>({ strategy, clock: () => clock.now, random, ...(slowStart ? { slowStart: SLOW_START } : {}) });
      const real: Real = { balancer, clock, random, leases: [] };
      try {
        fc.modelRun(() => ({ model: new BalancerModel(strategy, slowStart ? SLOW_START : undefined), real }), cmds);
      } finally {
        real.balancer.dispose();
      }
    }),
    { numRuns },
  );
}

describe('Balancer against a linear-scan model', () => {
  for (const strategy of ['least-loaded', 'round-robin', 'weighted-round-robin', 'p2c'] as const) {
    it(`${strategy}: choices, loads and counters agree`, () => run(strategy, false, 100));
    it(`${strategy} with slow start: choices, loads and counters agree`, () => run(strategy, true, 60));
    it(`${strategy}, fleets crossing the scan limit both ways: choices, loads and counters agree`, () => run(strategy, false, 40, fleetIds));
    it(`${strategy} with slow start and costs near capacity (workers passed over, then changed): choices, loads and counters agree`, () => run(strategy, true, strategy === 'weighted-round-robin' ? 600 : 200, fewIds, largeCosts));
    it(`${strategy}, fleets crossing the scan limit with costs near capacity: choices, loads and counters agree`, () => run(strategy, false, strategy === 'weighted-round-robin' ? 200 : 60, fleetIds, largeCosts));
  }
});
