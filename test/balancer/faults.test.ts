import { describe, expect, it } from 'vitest';
import { Balancer, seededRandom, type BalancerStrategy } from '../../src/balancer.js';
import { Arena } from '../../src/core/arena.js';
import { CapacityError, InvalidArgumentError, StateError } from '../../src/core/errors.js';
import { fillArena } from '../helpers/fill-arena.js';

const HOUR = 3_600_000;

/** Everything observable, so a failed call can be shown to have changed nothing. */
const observe = (b: Balancer<string>) => JSON.stringify(b.stats());

describe('Balancer faults: user-supplied callbacks', () => {
  it('a random source that throws anything leaves the balancer as it was, and the next pick is the one it would have been', () => {
    for (const thrown of [new Error('entropy ran out'), 'a string', undefined, { code: 1 }]) {
      let fail = false;
      const draws = seededRandom(3);
      const random = () => {
        if (fail) throw thrown;
        return draws();
      };
      const b = new Balancer<string>({ strategy: 'p2c', random });
      const twin = new Balancer<string>({ strategy: 'p2c', random: seededRandom(3) });
      for (const x of [b, twin]) for (const id of ['a', 'b', 'c', 'd']) x.add(id);
      for (let i = 0; i < 10; i++) expect(b.acquire()?.id).toBe(twin.acquire()?.id);
      const before = observe(b);
      fail = true;
      let caught: unknown = 'nothing';
      try {
        b.acquire();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(thrown);
      expect(() => b.pick()).toThrow();
      expect(observe(b)).toBe(before);
      fail = false;
      for (let i = 0; i < 10; i++) expect(b.acquire()?.id).toBe(twin.acquire()?.id);
    }
  });

  it('a random source that calls back into the balancer gets StateError; nothing changes', () => {
    let b: Balancer<string> | undefined;
    let call: (() => unknown) | undefined;
    b = new Balancer<string>({
      strategy: 'p2c',
      random: () => {
        const c = call;
        call = undefined;
        c?.();
        return 0.5;
      },
    });
    for (const id of ['a', 'b', 'c']) b.add(id);
    const lease = b.acquire()!;
    const before = observe(b);
    for (const sneaky of [() => b!.remove('a'), () => b!.add('x'), () => b!.acquire(), () => b!.release(lease), () => b!.setLoad('b', 9), () => b!.dispose()]) {
      call = sneaky;
      expect(() => b!.acquire()).toThrow(StateError);
      expect(() => {
        call = sneaky;
        b!.pick();
      }).toThrow(/called from the clock or random source in the middle of a pick/);
      expect(observe(b)).toBe(before);
    }
    b.release(lease);
  });

  it('a clock that throws or calls back in leaves the balancer as it was', () => {
    let mode: 'ok' | 'throw' | 'call' = 'ok';
    let b: Balancer<string> | undefined;
    b = new Balancer<string>({
      strategy: 'least-loaded',
      slowStart: { window: 1000 },
      clock: () => {
        if (mode === 'throw') throw 'clock broke';
        if (mode === 'call') b!.setHealthy('a', false);
        return 0;
      },
    });
    b.add('a');
    b.add('b');
    b.setHealthy('b', false);
    b.acquire();
    const before = observe(b);
    for (const m of ['throw', 'call'] as const) {
      mode = m;
      for (const call of [() => b!.add('c'), () => b!.acquire(), () => b!.pick(), () => b!.setHealthy('b', true), () => b!.setWeight('a', 3), () => b!.snapshot()]) {
        expect(call).toThrow(m === 'throw' ? 'clock broke' : /Balancer.setHealthy: called from the clock/);
      }
      mode = 'ok';
      expect(observe(b)).toBe(before);
    }
  });

  it('a clock set back by hours does not undo a ramp; one that jumps forward completes it', () => {
    let now = 10 * HOUR;
    const b = new Balancer<string>({ clock: () => now, slowStart: { window: 1000, floor: 0.1, steps: 10 } });
    b.add('new', { weight: 10 });
    now += 500;
    expect(b.statsOf('new').effectiveWeight).toBe(5);
    now -= 3 * HOUR;
    expect(b.statsOf('new').effectiveWeight).toBe(5);
    b.setWeight('new', 20); // a weight change mid-ramp is measured at the latest reading
    expect(b.statsOf('new').effectiveWeight).toBe(10);
    now += 3 * HOUR + 100;
    expect(b.statsOf('new').effectiveWeight).toBe(12);
    now += 5 * HOUR;
    expect(b.statsOf('new').effectiveWeight).toBe(20);
    for (const bad of [Number.NaN, Infinity, '5']) {
      now = bad as number;
      expect(() => b.pick()).toThrow(InvalidArgumentError);
      expect(() => b.add('other')).toThrow(/Balancer.add: `clock` returned/);
    }
    now = 20 * HOUR;
    expect(b.stats().map((w) => [w.id, w.picks])).toEqual([['new', 0]]);
  });
});

describe('Balancer faults: memory exhaustion', () => {
  it.each(['least-loaded', 'weighted-round-robin'] as BalancerStrategy[])('%s: a full arena refuses add with CapacityError, and every worker added still works', (strategy) => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const b = new Balancer<number>({ strategy, arena, slowStart: { window: 10 }, clock: () => now });
    let added = 0;
    let refused: unknown;
    for (;;) {
      try {
        b.add(added, { slowStart: added % 2 === 0 });
        added++;
      } catch (error) {
        refused = error;
        break;
      }
    }
    expect(refused).toBeInstanceOf(CapacityError);
    expect(added).toBeGreaterThan(1000);
    expect(b.size).toBe(added);
    expect(b.has(added)).toBe(false);
    // A refused add leaves the balancer's counters as they were: its snapshot is unchanged.
    const before = b.snapshot();
    expect(() => b.add(added)).toThrow(CapacityError);
    expect(() => b.add(added, { weight: 1e9, slowStart: false })).toThrow(CapacityError); // a new fastest rate, for weighted round-robin
    expect(Buffer.compare(b.snapshot(), before)).toBe(0);
    // Every worker added gets leases.
    now = 10;
    const seen = new Set<number>();
    const leases = [];
    for (let i = 0; i < 3 * added && seen.size < added; i++) {
      const lease = b.acquire()!;
      seen.add(lease.worker);
      leases.push(lease);
    }
    expect(seen.size).toBe(added);
    for (const lease of leases) b.release(lease);
    expect(b.stats().every((s) => s.load === 0 && s.leases === 0)).toBe(true);
    b.dispose();
  });

  it('an add refused after its ramp was queued leaves no ramp behind: later picks, past every step, work', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const b = new Balancer<string>({ arena, slowStart: { window: 100 }, clock: () => now });
    b.add('warm'); // gives the ramps' queue room for an entry
    b.remove('warm');
    for (let i = 0; i < 32; i++) b.add(`w${i}`, { slowStart: false }); // the next one makes the tier a core queue
    const free = fillArena(arena, 64);
    const moreFree = fillArena(arena, 0);
    expect(() => b.add('late')).toThrow(CapacityError); // its ramp is queued, then the tier's queue cannot be built
    moreFree();
    free();
    b.add('late', { slowStart: false });
    now = 1000;
    expect(b.acquire()?.id).toBe('w0');
    expect(b.size).toBe(33);
    b.dispose();
  });

  it('a full arena: errors name the public call, and a worker that recovers comes back without a ramp', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const b = new Balancer<string>({ arena, slowStart: { window: 100 }, clock: () => now });
    for (let i = 0; i < 40; i++) b.add(`w${i}`, { slowStart: false }); // past the scanned tier: a core heap
    b.setHealthy('w0', false);
    const free = [fillArena(arena, 64), fillArena(arena, 0)];
    expect(() => b.add('new')).toThrow(/^Balancer\.add: the arena's memory .* is exhausted/);
    expect(b.has('new')).toBe(false);
    expect(() => new Balancer<string>({ arena, slowStart: { window: 100 } })).toThrow(/^Balancer: the arena's memory .* is exhausted/);
    b.setHealthy('w0', true);
    expect(b.statsOf('w0')).toMatchObject({ healthy: true, effectiveWeight: 1 });
    for (const release of free) release();
    b.dispose();
  });
});
