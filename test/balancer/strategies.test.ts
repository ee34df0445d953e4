import { describe, expect, it } from 'vitest';
import { Balancer, seededRandom, type Lease } from '../../src/balancer.js';
import { readSnapshot, writeSnapshot } from '../../src/core/snapshot.js';

function picks(balancer: Balancer<string>, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += balancer.pick();
  return out;
}

/** How many of `count` picks went to each worker (names of any length). */
function tally(balancer: Balancer<string>, count: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const worker = balancer.pick()!;
    out[worker] = (out[worker] ?? 0) + 1;
  }
  return out;
}

function counts(sequence: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of sequence) out[c] = (out[c] ?? 0) + 1;
  return out;
}

describe('least-loaded', () => {
  it('a cost the idlest workers can never take goes to the least loaded that can, in turn, past a thousand passed over', () => {
    const b = new Balancer<number>();
    // Even ids are small and idle; odd ids are large, those from 1000 up less loaded.
    for (let i = 0; i < 2000; i++) b.add(i, { id: i, capacity: i % 2 === 0 ? 10 : 1000 });
    for (let i = 1; i < 2000; i += 2) b.setLoad(i, i < 1000 ? 100 : 50);
    const picks: unknown[] = [];
    for (let k = 0; k < 4; k++) {
      const lease = b.acquire(20)!;
      picks.push(lease.id);
      b.release(lease);
    }
    expect(picks).toEqual([1001, 1003, 1005, 1007]);
    // The small ones kept their place: a cost they can take goes to them, in turn.
    expect([b.acquire(5)!.id, b.acquire(5)!.id]).toEqual([0, 2]);
  });

  it('gives each lease to a worker with the lowest load / weight', () => {
    const random = seededRandom(7);
    const balancer = new Balancer<string>({ strategy: 'least-loaded' });
    const weights: Record<string, number> = { a: 1, b: 2, c: 0.5, d: 3, e: 1 };
    for (const [id, weight] of Object.entries(weights)) balancer.add(id, { weight });
    const held: Lease<string>[] = [];
    for (let step = 0; step < 2000; step++) {
      if (held.length > 0 && random() < 0.45) {
        balancer.release(held.splice(Math.floor(random() * held.length), 1)[0]!);
        continue;
      }
      const cost = 1 + Math.floor(random() * 3);
      const before = balancer.stats();
      const lowest = Math.min(...before.map((s) => s.load / s.weight));
      const lease = balancer.acquire(cost)!;
      const chosen = before.find((s) => s.id === lease.id)!;
      expect(chosen.load / chosen.weight).toBe(lowest);
      held.push(lease);
    }
  });

  it('shares load in proportion to weights', () => {
    const balancer = new Balancer<string>({ strategy: 'least-loaded' });
    balancer.add('big', { weight: 3 });
    balancer.add('small', { weight: 1 });
    for (let i = 0; i < 400; i++) balancer.acquire();
    const [big, small] = balancer.stats();
    expect(big!.load).toBe(300);
    expect(small!.load).toBe(100);
  });

  it('sends ties to the worker picked least recently, so equal idle workers take turns', () => {
    const balancer = new Balancer<string>({ strategy: 'least-loaded' });
    for (const id of ['p', 'q', 'r']) balancer.add(id);
    expect(picks(balancer, 7)).toBe('pqrpqrp');
    // Leases released at once leave loads equal: still in turn, not the first worker forever.
    let order = '';
    for (let i = 0; i < 6; i++) {
      const lease = balancer.acquire()!;
      order += lease.worker;
      balancer.release(lease);
    }
    expect(order).toBe('qrpqrp');
  });

  it('follows loads reported with setLoad', () => {
    const balancer = new Balancer<string>({ strategy: 'least-loaded' });
    for (const id of ['a', 'b', 'c']) balancer.add(id);
    balancer.setLoad('a', 5);
    balancer.setLoad('b', 0.5);
    balancer.setLoad('c', 2);
    expect(balancer.pick()).toBe('b');
    balancer.setLoad('b', 9);
    expect(balancer.pick()).toBe('c');
  });
});

describe('weighted-round-robin', () => {
  it('is exact over every cycle and spreads turns out', () => {
    const balancer = new Balancer<string>({ strategy: 'weighted-round-robin' });
    balancer.add('a', { weight: 3 });
    balancer.add('b', { weight: 2 });
    balancer.add('c', { weight: 1 });
    const sequence = picks(balancer, 600);
    for (let cycle = 0; cycle < 100; cycle++) {
      expect(counts(sequence.slice(cycle * 6, cycle * 6 + 6))).toEqual({ a: 3, b: 2, c: 1 });
    }
    expect(sequence.slice(0, 6)).toBe('abacba');
    expect(sequence).not.toContain('aaa');
  });

  it('stays exact with weights whose reciprocals are not exact in binary', () => {
    const balancer = new Balancer<string>({ strategy: 'weighted-round-robin' });
    balancer.add('a', { weight: 5 });
    balancer.add('b', { weight: 3 });
    balancer.add('c', { weight: 0.1 * 3 }); // 0.30000000000000004
    balancer.add('d', { weight: 0.7 });
    // One cycle of weights 5 : 3 : 0.3 : 0.7 is 90 picks (50, 30, 3, 7).
    const sequence = picks(balancer, 90 * 50);
    for (let cycle = 0; cycle < 50; cycle++) {
      expect(counts(sequence.slice(cycle * 90, cycle * 90 + 90))).toEqual({ a: 50, b: 30, c: 3, d: 7 });
    }
  });

  it('lets a returning worker rejoin without a burst of catch-up turns', () => {
    const balancer = new Balancer<string>({ strategy: 'weighted-round-robin' });
    balancer.add('a');
    balancer.add('b');
    balancer.drain('b');
    expect(picks(balancer, 100)).toBe('a'.repeat(100));
    balancer.undrain('b');
    const after = picks(balancer, 20);
    expect(counts(after)).toEqual({ a: 10, b: 10 });
  });

  it('lets a worker that was too full for the cost rejoin without a burst of catch-up turns', () => {
    for (const giveRoom of ['setLoad', 'release'] as const) {
      const balancer = new Balancer<string>({ strategy: 'weighted-round-robin' });
      balancer.add('a', { capacity: 2 });
      balancer.add('b');
      // 'a' is available (load 1.5 of 2) but no lease of cost 1 fits it: 'b' serves alone.
      let held: Lease<string> | undefined;
      if (giveRoom === 'setLoad') balancer.setLoad('a', 1.5);
      else {
        balancer.drain('b');
        held = balancer.acquire(1.5)!;
        balancer.undrain('b');
      }
      const alone = Array.from({ length: 1000 }, () => {
        const lease = balancer.acquire(1)!;
        balancer.release(lease);
        return lease.id;
      });
      expect(alone.every((id) => id === 'b')).toBe(true);
      if (held) balancer.release(held);
      else balancer.setLoad('a', 0);
      const after = Array.from({ length: 20 }, () => {
        const lease = balancer.acquire(1)!;
        balancer.release(lease);
        return lease.id;
      });
      expect(after.join('')).toBe('ab'.repeat(10));
    }
  });

  it('lets a worker passed over for a large cost take a smaller one without a burst, and a raised weight make up no turns', () => {
    const balancer = new Balancer<string>({ strategy: 'weighted-round-robin' });
    balancer.add('a', { capacity: 10 });
    balancer.add('b');
    balancer.add('c');
    balancer.setLoad('a', 5);
    expect(Array.from({ length: 20 }, () => balancer.pick(6)).join('')).toBe('bc'.repeat(10));
    // No release or report gave 'a' room: a cost of 1 simply fits it again.
    expect(Array.from({ length: 12 }, () => balancer.pick(1)).join('')).toBe('abc'.repeat(4));
    // A raised weight spaces the next turn 1 / weight after the last one, but never before now.
    const raised = new Balancer<string>({ strategy: 'weighted-round-robin' });
    for (const id of ['a', 'b', 'c']) raised.add(id);
    expect(Array.from({ length: 4 }, () => raised.pick()).join('')).toBe('abca');
    raised.setWeight('c', 4);
    expect(Array.from({ length: 10 }, () => raised.pick()).join('')).toBe('bccccabccc');
    // Throttled to 0.01 for 300 picks, then back to 1: no run of the turns it missed.
    const throttled = new Balancer<string>({ strategy: 'weighted-round-robin' });
    for (const id of ['a', 'b', 'c']) throttled.add(id);
    throttled.setWeight('a', 0.01);
    for (let i = 0; i < 300; i++) throttled.pick();
    throttled.setWeight('a', 1);
    expect(Array.from({ length: 9 }, () => throttled.pick()).join('')).toMatch(/^(abc|acb|bac|bca|cab|cba){3}$/);
  });

  for (const others of [0, 40]) {
    it(`keeps its spread after a long uptime took virtual time far (1e17: weight-1e-9 turns, or years of picks)${others ? ', past the scan limit' : ''}`, () => {
      const balancer = new Balancer<string>({ strategy: 'weighted-round-robin' });
      balancer.add('a', { id: 'a', weight: 10 });
      balancer.add('b', { id: 'b', weight: 1 });
      for (let i = 0; i < others; i++) {
        balancer.add(`o${i}`, { id: `o${i}`, weight: 1e-9 });
        balancer.setHealthy(`o${i}`, false); // parked in the tier's queue
      }
      // The state such an uptime leaves, reached through a snapshot: every deadline near 1e17.
      const body = readSnapshot('test', 'Balancer', balancer.snapshot()) as { virtualTime: { primary: number }; workers: { turnBase: number }[] };
      body.virtualTime.primary = 1e17;
      for (const worker of body.workers) worker.turnBase = 1e17;
      const restored = Balancer.restore<string>(writeSnapshot('Balancer', body));
      const sequence = picks(restored, 1100);
      for (let cycle = 0; cycle < 100; cycle++) expect(counts(sequence.slice(cycle * 11, cycle * 11 + 11))).toEqual({ a: 10, b: 1 });
    });
  }
});

describe('weights at the ends of their range (1e-9, 1e9)', () => {
  for (const strategy of ['least-loaded', 'p2c', 'weighted-round-robin'] as const) {
    it(`${strategy}: picks follow the weights, and a snapshot restores and picks on`, () => {
      const balancer = new Balancer<string>({ strategy, random: seededRandom(3) });
      balancer.add('t', { weight: 1e-9, slowStart: false });
      balancer.add('u', { weight: 1e-9, slowStart: false });
      balancer.add('h', { weight: 1e9, slowStart: false });
      const held: Lease<string>[] = [];
      let sequence = '';
      for (let i = 0; i < 300; i++) {
        const lease = balancer.acquire()!;
        sequence += lease.worker;
        if (i % 3 === 0) balancer.release(lease);
        else held.push(lease);
      }
      // p2c samples two workers: a third of the time both are tiny ones.
      expect(counts(sequence).h).toBeGreaterThan(strategy === 'p2c' ? 170 : 290);
      const restored = Balancer.restore<string>(balancer.snapshot(), { random: seededRandom(3) });
      for (let i = 0; i < 30; i++) expect(['t', 'u', 'h']).toContain(restored.acquire()!.worker);
      for (const lease of held) balancer.release(lease);
      expect(balancer.stats().map((worker) => worker.load)).toEqual([0, 0, 0]);
    });
  }
});

describe('virtual time moved back (weighted round-robin)', () => {
  it('leaves draining workers out after the move, and moves every deadline back with it', () => {
    // Weights of 1e-9 move virtual time by 1e9 a pick, so it is moved back every few thousand picks.
    const drained = new Balancer<string>({ strategy: 'weighted-round-robin' });
    drained.add('a', { weight: 1e-9 });
    drained.add('d', { weight: 1e-9 });
    drained.drain('d');
    expect(tally(drained, 20_000)).toEqual({ a: 20_000 });
    // A newcomer after many moves gets its share, not a burst of turns.
    const late = new Balancer<string>({ strategy: 'weighted-round-robin' });
    late.add('a', { weight: 1e-9 });
    late.add('b', { weight: 2e-9 });
    late.add('c', { weight: 4e-9 });
    tally(late, 40_000);
    late.add('d', { weight: 1e-9 });
    expect(tally(late, 800)).toEqual({ a: 100, b: 200, c: 400, d: 100 });
  });

  it('moves back early enough for the fastest weight it ever ran at, so heavy workers returning keep their ratio', () => {
    const b = new Balancer<string>({ strategy: 'weighted-round-robin' });
    b.add('h1', { weight: 1e9 });
    b.add('h2', { weight: 5e8 });
    b.add('light', { weight: 1e-9 });
    b.drain('h1');
    b.drain('h2');
    tally(b, 4000);
    b.undrain('h1');
    b.undrain('h2');
    expect(tally(b, 300)).toEqual({ h1: 200, h2: 100 });
  });
});

describe('round-robin', () => {
  it('takes equal turns whatever the weights', () => {
    const balancer = new Balancer<string>({ strategy: 'round-robin' });
    balancer.add('a', { weight: 10 });
    balancer.add('b');
    balancer.add('c', { weight: 0.1 });
    expect(picks(balancer, 9)).toBe('abcabcabc');
  });

  it('skips a worker that cannot be picked and serves it first when it comes back', () => {
    const balancer = new Balancer<string>({ strategy: 'round-robin' });
    for (const id of ['a', 'b', 'c']) balancer.add(id);
    expect(picks(balancer, 1)).toBe('a');
    balancer.setHealthy('b', false);
    expect(picks(balancer, 4)).toBe('caca');
    balancer.setHealthy('b', true);
    expect(picks(balancer, 3)).toBe('bca');
  });
});

describe('p2c', () => {
  it('when neither sample fits a cost, samples two distinct workers among those that fit', () => {
    let draws: number[] = [];
    const b = new Balancer<string>({ strategy: 'p2c', random: () => draws.shift() ?? 0 });
    for (const [id, capacity] of [['a', 1], ['b', 1], ['c', 10], ['d', 10]] as const) b.add(id, { id, capacity });
    b.setLoad('c', 5); // a and b are idle but cannot take a cost of 2
    // Samples a, then b; further draws find c (0.6 of 4 workers), a again (passed over), then d.
    draws = [0, 0, 0.6, 0.1, 0.9];
    expect([b.acquire(2)?.id, draws.length]).toEqual(['d', 0]);
    // Draws that keep finding only those that cannot (or the one already found) end in a scan of
    // those that can, sampled the same way: the first of c and d, and "the other".
    draws = [0, 0, ...new Array<number>(16).fill(0.6)];
    expect(b.acquire(2)?.id).toBe('d');
  });

  it('when few workers of a large fleet can take a cost, finds them by drawing, or by a scan when they are rare', () => {
    let calls = 0;
    const random = seededRandom(7);
    const b = new Balancer<number>({ strategy: 'p2c', random: () => (calls++, random()) });
    for (let i = 0; i < 1000; i++) b.add(i, { id: i, capacity: 10 });
    for (const share of [0.2, 0.002]) {
      const chosen = new Set<unknown>();
      // Every worker but a share of them is left with room 2: a cost of 5 fits only that share.
      for (let i = 0; i < 1000; i++) b.setLoad(i, i < 1000 * share ? 0 : 8);
      calls = 0;
      for (let k = 0; k < 500; k++) {
        const lease = b.acquire(5)!;
        expect(lease.id).toBeLessThan(1000 * share);
        chosen.add(lease.id);
        b.release(lease);
      }
      // A pick draws two workers; when neither fits, up to 62 more (1000 / 16) until two do. With a
      // fifth of them fitting that is ~8 draws a pick on average; with two, the draws run out and
      // the scan draws its two.
      if (share === 0.2) expect(calls / 500).toBeLessThan(16);
      else expect(calls / 500).toBeGreaterThan(60);
      // Spread over those that fit, not stuck on the first found.
      expect(chosen.size).toBeGreaterThan(share === 0.2 ? 150 : 1);
    }
  });

  it('keeps the most loaded worker close to the mean (statistical bound)', () => {
    const workers = 100;
    const leases = 20_000;
    const gap = (strategy: 'p2c' | 'single') => {
      const random = seededRandom(42);
      const balancer = new Balancer<number>({ strategy: 'p2c', random });
      for (let i = 0; i < workers; i++) balancer.add(i);
      const single = new Array<number>(workers).fill(0);
      for (let i = 0; i < leases; i++) {
        if (strategy === 'p2c') balancer.acquire();
        else single[Math.floor(random() * workers)]!++;
      }
      const loads = strategy === 'p2c' ? balancer.stats().map((s) => s.load) : single;
      return Math.max(...loads) - leases / workers;
    };
    // Theory: max - mean is about ln ln n / ln 2 + O(1) ≈ 2.2 + c for two choices, and grows like
    // sqrt(2 (m/n) ln n) ≈ 43 for one random choice. The bound separates them widely.
    expect(gap('p2c')).toBeLessThanOrEqual(5);
    expect(gap('single')).toBeGreaterThan(15);
  });

  it('shares load in proportion to weights', () => {
    const balancer = new Balancer<string>({ strategy: 'p2c', random: seededRandom(3) });
    balancer.add('a', { weight: 1 });
    balancer.add('b', { weight: 2 });
    balancer.add('c', { weight: 4 });
    for (let i = 0; i < 7000; i++) balancer.acquire();
    for (const s of balancer.stats()) expect(Math.abs(s.load / s.weight - 1000)).toBeLessThanOrEqual(5);
  });

  it('repeats its choices for the same seed', () => {
    const run = (seed: number) => {
      const balancer = new Balancer<string>({ strategy: 'p2c', random: seededRandom(seed) });
      for (const id of 'abcdefgh') balancer.add(id);
      let out = '';
      const held: Lease<string>[] = [];
      for (let i = 0; i < 200; i++) {
        if (i % 3 === 2) balancer.release(held.shift()!);
        else {
          const lease = balancer.acquire()!;
          out += lease.worker;
          held.push(lease);
        }
      }
      return out;
    };
    expect(run(9)).toBe(run(9));
    expect(run(9)).not.toBe(run(10));
  });

  it('never chooses the single most loaded worker while every worker can take the lease', () => {
    const balancer = new Balancer<string>({ strategy: 'p2c', random: seededRandom(5) });
    for (const id of ['a', 'b', 'c', 'd']) balancer.add(id);
    balancer.setLoad('a', 10);
    balancer.setLoad('b', 3);
    balancer.setLoad('c', 3);
    balancer.setLoad('d', 4);
    for (let i = 0; i < 200; i++) expect(balancer.pick()).not.toBe('a');
  });
});

describe('seededRandom', () => {
  it('returns numbers in [0, 1) spread over the range', () => {
    const random = seededRandom(1);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = random();
      if (!(value >= 0 && value < 1)) outside++;
      else buckets[Math.floor(value * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const bucket of buckets) expect(Math.abs(bucket - 10_000)).toBeLessThan(500);
  });
});
