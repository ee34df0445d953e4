import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/index.js';
import { readSnapshot } from '../../src/core/snapshot.js';
import { drain, scheduler } from './fake-clock.js';

/** Takes `count` jobs (acking each) and counts them per tenant. */
function takeCounts<T>(s: Scheduler<T>, count: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const job = s.take();
    if (!job) break;
    counts[job.tenant] = (counts[job.tenant] ?? 0) + 1;
    s.ack(job.id);
  }
  return counts;
}

describe('Scheduler fair share across tenants', () => {
  it('gives tenants turns in proportion to their weights under load (within 5%)', () => {
    const { s } = scheduler<number>();
    const weights = { small: 1, medium: 2, large: 5, fractional: 0.5 };
    for (const [tenant, weight] of Object.entries(weights)) s.setTenantWeight(tenant, weight);
    // Every tenant has far more queued than it will get, submitted in uneven bursts.
    for (let round = 0; round < 40; round++) {
      for (const [tenant, weight] of Object.entries(weights)) {
        for (let i = 0; i < 50 + round * weight; i++) s.submit(i, { tenant, priority: i % 4 });
      }
    }
    const total = 8_500;
    const counts = takeCounts(s, total);
    const sum = Object.values(weights).reduce((a, b) => a + b, 0);
    for (const [tenant, weight] of Object.entries(weights)) {
      const expected = (total * weight) / sum;
      expect(Math.abs(counts[tenant]! - expected) / expected).toBeLessThan(0.05);
    }
  });

  it('keeps the shares over any window, not only on average', () => {
    const { s } = scheduler<number>();
    s.setTenantWeight('a', 3);
    for (let i = 0; i < 3000; i++) {
      s.submit(i, { tenant: 'a' });
      s.submit(i, { tenant: 'b' });
    }
    for (let window = 0; window < 20; window++) {
      const counts = takeCounts(s, 100);
      expect(Math.abs(counts.a! - 75)).toBeLessThanOrEqual(1);
    }
  });

  it('weights at the ends of their range (1e-9, 1e9) keep every job: each is taken once, and a snapshot restores', () => {
    const { s, clock } = scheduler<string>();
    s.setTenantWeight('tiny', 1e-9);
    s.setTenantWeight('tiny too', 1e-9);
    s.setTenantWeight('huge', 1e9);
    const submitted: string[] = [];
    for (let i = 0; i < 200; i++) {
      for (const tenant of ['tiny', 'tiny too', 'huge']) {
        submitted.push(`${tenant} ${i}`);
        s.submit(`${tenant} ${i}`, { tenant });
      }
    }
    const taken: string[] = [];
    for (let i = 0; i < 300; i++) {
      const job = s.take()!;
      taken.push(job.payload);
      s.ack(job.id);
    }
    const restored = Scheduler.restore<string>(s.snapshot(), { clock: clock.read });
    taken.push(...drain(restored));
    expect([...taken].sort()).toEqual([...submitted].sort());
    // Each tiny tenant has one turn (ties go to the first to arrive), then the huge one is served
    // until it is empty, and the two tiny ones alternate.
    const tenants = taken.map((payload) => payload.slice(0, payload.lastIndexOf(' ')));
    expect(tenants.slice(0, 2)).toEqual(['tiny', 'tiny too']);
    expect(tenants.slice(2, 202).every((tenant) => tenant === 'huge')).toBe(true);
    expect(tenants.slice(202, 206)).toEqual(['tiny', 'tiny too', 'tiny', 'tiny too']);
  });

  it.each([
    // A tenant of weight 1e-9 moves virtual time by 1e9 a turn: after 300,000 of them a pass of
    // 3e14 no longer changed by 1 / 100, and a tenant of weight 100 took every turn from then on.
    { far: 1e-9, turns: 300_000, heavy: 100, light: 1 },
    // A weight of 1e9 adds 1e-9 a turn, less than half a double's step from 1.7e7 on.
    { far: 0.01, turns: 170_000, heavy: 1e9, light: 1e8 },
  ])('keeps weights $heavy : $light apart after $turns turns of weight $far ran virtual time far', ({ far, turns, heavy, light }) => {
    const { s } = scheduler<number>();
    s.setTenantWeight('far', far);
    for (let i = 0; i < turns; i++) s.submit(i, { tenant: 'far' });
    expect(takeCounts(s, turns)).toEqual({ far: turns });
    s.setTenantWeight('heavy', heavy);
    s.setTenantWeight('light', light);
    const round = heavy / light + 1;
    for (let i = 0; i < 10 * round; i++) {
      s.submit(i, { tenant: 'heavy' });
      s.submit(i, { tenant: 'light' });
    }
    const counts = takeCounts(s, 10 * round);
    expect(Math.abs(counts.light! - 10)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts.heavy! - 10 * (round - 1))).toBeLessThanOrEqual(1);
  });

  it('moves passes back without changing a single turn: tenants leaving and returning, with and without rebases', () => {
    // The same random work twice; the second scheduler also has a tenant of weight 1e9 that never
    // holds a job, so its virtual time is moved back every ~4,400 units (2^42 / 1e9) and the
    // passes of tenants out of the rotation are carried over lazily. Weights exact in binary keep
    // every pass exact, so the two must agree turn for turn.
    const run = (rebasing: boolean) => {
      const { s } = scheduler<string>();
      if (rebasing) s.setTenantWeight('idle heavy', 1e9);
      const weights = [0.25, 0.5, 1, 2];
      weights.forEach((w, t) => s.setTenantWeight(`t${t}`, w));
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      const order: string[] = [];
      for (let step = 0; step < 60_000; step++) {
        if (random() < 0.5) s.submit(`${step}`, { tenant: `t${Math.floor(random() * weights.length)}` });
        else {
          const job = s.take();
          if (job) {
            order.push(job.payload);
            s.ack(job.id);
          }
        }
      }
      return { order };
    };
    const plain = run(false);
    const rebased = run(true);
    expect(plain.order.length).toBeGreaterThan(25_000);
    expect(rebased.order).toEqual(plain.order);
  });

  it('a tenant that left the rotation ahead of virtual time comes back at its exact pass however often virtual time moved back before', () => {
    // Weights exact in binary. Z leaves with a pass that, moved back exactly, is 1; V (weight 2)
    // then takes turns at 0 and 0.5, and at 1 Z has waited longest: V, V, Z, V. Moved back from a
    // running total of every move (2^29 each, from the turns of T alone), Z's pass came back
    // 2^-20 too high and V took the tie.
    const order = (moves: number) => {
      const { s } = scheduler<string>();
      const one = (tenant: string) => {
        s.submit(tenant, { tenant });
        s.ack(s.take()!.id);
      };
      s.setTenantWeight('H', 2 ** 20); // the heaviest: virtual time moves back at 2^42 / 2^20
      s.setTenantWeight('T', 2 ** -29); // each turn of T alone moves virtual time back
      s.setTenantWeight('U', 2 ** -20);
      s.setTenantWeight('Z', 2 ** -20);
      s.setTenantWeight('V', 2);
      for (let k = 0; k < moves; k++) one('T');
      one('H');
      one('H');
      for (let k = 0; k < 4; k++) one('U');
      one('Y');
      one('Y');
      one('Z');
      one('U'); // moves virtual time back; Z, out of the rotation, now at exactly 1
      for (let k = 0; k < 3; k++) s.submit('V', { tenant: 'V' });
      s.submit('Z', { tenant: 'Z' });
      const taken: string[] = [];
      for (let job = s.take(); job; job = s.take()) {
        taken.push(job.payload);
        s.ack(job.id);
      }
      return taken.join(',');
    };
    for (const moves of [0, 2, 40, 1000, 10_000]) expect(order(moves)).toBe('V,V,Z,V');
  });

  it('a tenant flooding the queue cannot starve the others', () => {
    const { s } = scheduler<string>();
    for (let i = 0; i < 10_000; i++) s.submit(`flood ${i}`, { tenant: 'noisy', priority: 0 });
    s.submit('quiet 1', { tenant: 'quiet', priority: 9 });
    s.submit('quiet 2', { tenant: 'quiet', priority: 9 });
    const firstFive = [];
    for (let i = 0; i < 5; i++) {
      const job = s.take()!;
      firstFive.push(job.payload);
      s.ack(job.id);
    }
    expect(firstFive).toEqual(['flood 0', 'quiet 1', 'flood 1', 'quiet 2', 'flood 2']);
  });

  it('orders by priority then FIFO within a tenant', () => {
    const { s } = scheduler<string>();
    s.submit('a-low', { tenant: 'A', priority: 5 });
    s.submit('a-high', { tenant: 'A', priority: 1 });
    s.submit('a-high-2', { tenant: 'A', priority: 1 });
    s.submit('b', { tenant: 'B', priority: 9 });
    expect(drain(s)).toEqual(['a-high', 'b', 'a-high-2', 'a-low']);
  });

  it('serves equal weights round robin, in the order tenants arrived', () => {
    const { s } = scheduler<string>();
    for (const t of ['x', 'y', 'z']) for (let i = 0; i < 3; i++) s.submit(`${t}${i}`, { tenant: t });
    expect(drain(s)).toEqual(['x0', 'y0', 'z0', 'x1', 'y1', 'z1', 'x2', 'y2', 'z2']);
  });

  it('an idle tenant earns no credit to burst with later', () => {
    const { s } = scheduler<string>();
    for (let i = 0; i < 1000; i++) s.submit(`busy ${i}`, { tenant: 'busy' });
    takeCounts(s, 500);
    for (let i = 0; i < 100; i++) s.submit(`late ${i}`, { tenant: 'late' });
    // The late tenant gets its share from now on (every other turn), not 500 turns in a row.
    expect(takeCounts(s, 100)).toEqual({ busy: 50, late: 50 });
  });

  it('a tenant whose record was freed while it had nothing due comes back behind the tenants waiting, not ahead of them', () => {
    // X holds one job at a time and sends the next when it is done, while other tenants come and
    // go (each submits and cancels: their records, and X's, are freed in batches).
    for (const churn of [0, 70]) {
      const s = new Scheduler<string>();
      for (let i = 0; i < 100; i++) s.submit(`A${i}`, { tenant: 'A' });
      s.submit('X', { tenant: 'X' });
      let order = '';
      for (let turn = 0; turn < 40; turn++) {
        const job = s.take()!;
        order += job.tenant;
        s.ack(job.id);
        if (job.tenant !== 'X') continue;
        for (let i = 0; i < churn; i++) s.cancel(s.submit('c', { tenant: `client-${turn}-${i}` }));
        s.submit('X', { tenant: 'X' });
      }
      expect(order, `churn ${churn}`).toBe('AX'.repeat(20));
    }
  });

  it('a new tenant waits behind the tenants waiting at the lowest pass, then takes its turns', () => {
    const s = new Scheduler<string>();
    for (let i = 0; i < 4; i++) {
      s.submit('a', { tenant: 'a' });
      s.submit('b', { tenant: 'b' });
    }
    expect([s.take()!.tenant, s.take()!.tenant]).toEqual(['a', 'b']); // both at pass 1 now
    s.submit('c', { tenant: 'c' });
    expect([s.take()!.tenant, s.take()!.tenant, s.take()!.tenant]).toEqual(['a', 'b', 'c']);
  });

  it('jobs without a tenant share the default tenant of weight 1', () => {
    const { s } = scheduler<string>();
    for (let i = 0; i < 100; i++) {
      s.submit('no tenant');
      s.submit('team', { tenant: 'team' });
    }
    expect(takeCounts(s, 100)).toEqual({ default: 50, team: 50 });
    expect(s.tenantWeight('default')).toBe(1);
  });

  it('a weight change takes effect from the next turn', () => {
    const { s } = scheduler<number>();
    for (let i = 0; i < 1000; i++) {
      s.submit(i, { tenant: 'a' });
      s.submit(i, { tenant: 'b' });
    }
    expect(takeCounts(s, 100)).toEqual({ a: 50, b: 50 });
    s.setTenantWeight('b', 4);
    expect(s.tenantWeight('b')).toBe(4);
    const counts = takeCounts(s, 500);
    expect(Math.abs(counts.b! - 400)).toBeLessThanOrEqual(2);
  });

  it('counts delayed jobs toward a tenant only once they are due', () => {
    const { s, clock } = scheduler<string>();
    for (let i = 0; i < 10; i++) s.submit(`a${i}`, { tenant: 'a' });
    for (let i = 0; i < 10; i++) s.submit(`b${i}`, { tenant: 'b', delay: 100 });
    expect(takeCounts(s, 4)).toEqual({ a: 4 });
    clock.advance(100);
    expect(takeCounts(s, 4)).toEqual({ a: 2, b: 2 });
  });

  it('frees records of tenants that no longer hold jobs, and serves them again when they return', () => {
    const { s } = scheduler<number>();
    for (let t = 0; t < 1000; t++) {
      s.submit(t, { tenant: `client-${t}` });
      s.ack(s.take()!.id);
    }
    expect(Object.keys(s.stats().tenants)).toEqual([]);
    s.setTenantWeight('pinned', 2);
    for (let t = 0; t < 200; t++) s.submit(t, { tenant: `client-${t % 3}` });
    expect(Object.keys(s.stats().tenants).sort()).toEqual(['client-0', 'client-1', 'client-2', 'pinned']);
    expect(takeCounts(s, 300)).toEqual({ 'client-0': 67, 'client-1': 67, 'client-2': 66 });
  });

  it('keeps few records of one-off tenants (the snapshot carries every record): sweeps once more than 64, and more than half, hold no job', () => {
    const records = (x: Scheduler<string>) => (readSnapshot('test', 'Scheduler', x.snapshot()) as { tenants: unknown[] }).tenants.length;
    const oneOff = scheduler<string>().s;
    for (let i = 0; i < 1000; i++) {
      const id = oneOff.submit('x', { tenant: `client-${i}` });
      oneOff.ack(oneOff.take()!.id);
      expect(oneOff.get(id)).toBeUndefined();
    }
    expect(records(oneOff)).toBeLessThanOrEqual(65);
    const capped = scheduler<string>().s;
    for (let i = 0; i < 1000; i++) {
      capped.setTenantCapacity(`client-${i}`, 5);
      capped.setTenantCapacity(`client-${i}`, undefined); // nothing of its own left
    }
    expect(records(capped)).toBeLessThanOrEqual(65);
    // 70 empty records beside 200 busy ones: more than 64, but not more than half, so none is freed yet.
    const busy = scheduler<string>().s;
    for (let i = 0; i < 200; i++) busy.submit('busy', { tenant: `busy-${i}`, delay: 1000 });
    for (let i = 0; i < 70; i++) busy.cancel(busy.submit('x', { tenant: `gone-${i}` }));
    expect(records(busy)).toBe(270);
  });

  it('a sweep keeps the weights and caps set on tenants that hold no job', () => {
    const { s } = scheduler<string>();
    s.setTenantWeight('gold', 3);
    s.setTenantCapacity('capped', 2);
    for (let i = 0; i < 100; i++) s.cancel(s.submit('x', { tenant: `client-${i}` })); // sets off sweeps
    expect([s.tenantWeight('gold'), s.tenantCapacity('capped')]).toEqual([3, 2]);
  });

  it('a tenant freed by the sweep its own last job set off gets a fresh record on its next submit', () => {
    const { s } = scheduler<string>();
    for (let i = 0; i < 100; i++) {
      const tenant = `client-${i}`;
      s.cancel(s.submit('first', { tenant })); // one of these sets off a sweep that frees `tenant` too
      s.submit('again', { tenant });
      const job = s.take()!;
      expect(job.tenant).toBe(tenant);
      s.ack(job.id);
    }
    expect(s.size).toBe(0);
  });

  it('frees the record of a tenant whose own cap was set and then reset, unless its weight was set', () => {
    const { s } = scheduler<number>();
    for (let t = 0; t < 1000; t++) {
      s.setTenantCapacity(`client-${t}`, 5);
      s.submit(t, { tenant: `client-${t}` });
      s.ack(s.take()!.id);
      s.setTenantCapacity(`client-${t}`, undefined);
    }
    s.setTenantWeight('weighted', 3);
    s.setTenantCapacity('weighted', 2);
    s.setTenantCapacity('weighted', undefined);
    expect(Object.keys(s.stats().tenants)).toEqual(['weighted']);
    expect(s.tenantWeight('weighted')).toBe(3);
  });
});
