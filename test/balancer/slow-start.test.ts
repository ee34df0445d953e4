import { describe, expect, it } from 'vitest';
import { Balancer } from '../../src/balancer.js';

function setup(strategy: 'least-loaded' | 'weighted-round-robin' | 'p2c' = 'least-loaded') {
  const clock = { now: 0 };
  const balancer = new Balancer<string>({ strategy, clock: () => clock.now, slowStart: { window: 10_000, floor: 0.1, steps: 10 } });
  return { clock, balancer };
}

describe('slow start', () => {
  it('ramps a new worker from the floor to its weight in steps over the window', () => {
    const { clock, balancer } = setup();
    balancer.add('warm', { weight: 2, slowStart: false });
    balancer.add('cold', { weight: 2 });
    const weight = () => balancer.statsOf('cold').effectiveWeight;
    expect(balancer.statsOf('warm').effectiveWeight).toBe(2);
    expect(weight()).toBeCloseTo(0.2, 12);
    clock.now = 999;
    expect(weight()).toBeCloseTo(0.2, 12);
    clock.now = 1000;
    expect(weight()).toBeCloseTo(0.2, 12); // step 1 of 10 is still the floor of 10%
    clock.now = 2500;
    expect(weight()).toBeCloseTo(0.4, 12);
    clock.now = 7000;
    expect(weight()).toBeCloseTo(1.4, 12);
    clock.now = 10_000;
    expect(weight()).toBe(2);
    expect(balancer.statsOf('cold').weight).toBe(2);
  });

  it('keeps a cold worker from being flooded by least-loaded when it joins a busy pool', () => {
    const takenByNewcomer = (slowStart: boolean) => {
      const clock = { now: 0 };
      const balancer = new Balancer<string>({ clock: () => clock.now, ...(slowStart ? { slowStart: { window: 10_000 } } : {}) });
      for (const id of ['a', 'b', 'c']) balancer.add(id, { slowStart: false }); // warm already
      for (let i = 0; i < 30; i++) balancer.acquire(); // 10 each
      balancer.add('new');
      for (let i = 0; i < 12; i++) balancer.acquire();
      return balancer.statsOf('new').load;
    };
    expect(takenByNewcomer(false)).toBe(10); // every lease until it caught up with the others
    expect(takenByNewcomer(true)).toBeLessThanOrEqual(2);
  });

  it('raises the share of weighted round-robin step by step', () => {
    const { clock, balancer } = setup('weighted-round-robin');
    balancer.add('warm', { slowStart: false });
    balancer.add('cold');
    const share = () => {
      let cold = 0;
      for (let i = 0; i < 1100; i++) if (balancer.pick() === 'cold') cold++;
      return cold / 1100;
    };
    const early = share();
    clock.now = 5000;
    const middle = share();
    clock.now = 10_000;
    const full = share();
    expect(early).toBeCloseTo(0.1 / 1.1, 2);
    expect(middle).toBeCloseTo(0.5 / 1.5, 2);
    expect(full).toBeCloseTo(0.5, 2);
  });

  it('starts again when a worker recovers, but not when it only changes weight', () => {
    const { clock, balancer } = setup('p2c');
    balancer.add('a');
    clock.now = 20_000;
    expect(balancer.statsOf('a').effectiveWeight).toBe(1);
    balancer.setHealthy('a', false);
    clock.now = 30_000;
    balancer.setHealthy('a', true);
    expect(balancer.statsOf('a').effectiveWeight).toBeCloseTo(0.1, 12);
    clock.now = 35_000;
    balancer.setWeight('a', 4);
    expect(balancer.statsOf('a').effectiveWeight).toBeCloseTo(2, 12);
    clock.now = 40_000;
    expect(balancer.statsOf('a').effectiveWeight).toBe(4);
    balancer.setWeight('a', 3);
    expect(balancer.statsOf('a').effectiveWeight).toBe(3);
  });
  it('a recovered worker takes turns of weighted round-robin at its ramped weight at once, before its first step', () => {
    const balancer = new Balancer<string>({ strategy: 'weighted-round-robin', slowStart: { window: 1000, floor: 0.1, steps: 10 }, clock: () => 0 });
    balancer.add('a', { slowStart: false });
    balancer.add('b', { slowStart: false });
    balancer.setHealthy('a', false);
    balancer.setHealthy('a', true);
    const picks = { a: 0, b: 0 };
    for (let i = 0; i < 22; i++) picks[balancer.pick() as 'a' | 'b']++;
    expect(balancer.statsOf('a').effectiveWeight).toBeCloseTo(0.1, 12);
    expect(picks).toEqual({ a: 2, b: 20 });
  });

  it('keeps turns finite and snapshots readable at the ends of the ranges: the smallest weight under a tiny floor, a window near 1e308', () => {
    let now = 0;
    const tiny = new Balancer<string>({ strategy: 'weighted-round-robin', clock: () => now, slowStart: { window: 100, floor: 1e-300, steps: 10 } });
    tiny.add('light', { id: 'light', weight: 1e-9 });
    tiny.add('heavy', { id: 'heavy', weight: 1 });
    for (let i = 0; i < 5; i++) tiny.pick();
    // the ramp never takes a weight below the smallest one, so its turns stay a finite time apart
    expect(tiny.stats().find((w) => w.id === 'light')!.effectiveWeight).toBe(1e-9);
    const back = Balancer.restore<string>(tiny.snapshot(), { clock: () => now });
    expect(back.pick()).toBe(tiny.pick());
    const wide = new Balancer<string>({ clock: () => now, slowStart: { window: 1e308, steps: 10 } });
    wide.add('w', { id: 'w' });
    now = 3e307; // past the steps at 1e307 and 2e307, whose times overflowed when computed as k · window / steps
    expect(wide.pick()).toBe('w');
    expect(wide.stats()[0]!.effectiveWeight).toBeCloseTo(0.3);
    expect(() => Balancer.restore(wide.snapshot(), { clock: () => now }).dispose()).not.toThrow();
  });

  it('finds a ramp\'s step at once at a window near 1e308 with a great many steps (it walked down from the last one)', () => {
    let now = 0;
    const steps = 2 ** 40;
    const wide = new Balancer<string>({ clock: () => now, slowStart: { window: 1e308, steps, floor: 1e-9 } });
    wide.add('w', { id: 'w' });
    now = 1e306; // 1 % into the ramp
    expect(wide.pick()).toBe('w');
    expect(wide.stats()[0]!.effectiveWeight).toBe(Math.floor(0.01 * steps) / steps);
  });
  it('a balancer restored mid-ramp, on a step boundary, snapshots again into bytes that restore', () => {
    let now = 9774.055504385193;
    const start = now;
    const first = new Balancer<string>({ strategy: 'weighted-round-robin', clock: () => now, slowStart: { window: 1000, steps: 7 } });
    first.add('w', { weight: 3 });
    now = start + 1000 * (6 / 7); // the ramp's sixth step, exactly
    first.pick();
    const bytes = first.snapshot();
    now = 30603.172513866906; // re-based here, the ramp's start lands a rounding away from where it was
    const second = Balancer.restore<string>(bytes, { clock: () => now });
    const again = Balancer.restore<string>(second.snapshot(), { clock: () => now });
    expect(again.stats()[0]!.effectiveWeight).toBe(second.stats()[0]!.effectiveWeight);
  });
  it('reaches no step before its time, where dividing by the step length rounds up by an ulp', () => {
    let now = 30.553;
    const balancer = new Balancer<string>({ slowStart: { window: 1000, steps: 6 }, clock: () => now });
    balancer.add('a');
    now = 863.8863333333333; // step 5 is due at 863.8863333333334
    expect(balancer.statsOf('a').effectiveWeight).toBe(4 / 6);
    now = 863.8863333333334;
    expect(balancer.statsOf('a').effectiveWeight).toBe(5 / 6);
  });

  it('a window too small for the clock (1e-3 ms at Date.now magnitudes) ramps instead of hanging', () => {
    let now = 1.7e12;
    const balancer = new Balancer<string>({ clock: () => now, slowStart: { window: 0.001, steps: 10 } });
    balancer.add('w', { id: 'w', weight: 2 });
    expect(balancer.pick()).toBe('w'); // looped forever: the first step's time rounded to the ramp's start
    now += 0.01;
    expect(balancer.pick()).toBe('w');
    expect(balancer.stats()[0]!.effectiveWeight).toBe(2);
  });
});
