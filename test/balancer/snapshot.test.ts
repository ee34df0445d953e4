import { describe, expect, it } from 'vitest';
import { Balancer, seededRandom, type BalancerStrategy } from '../../src/balancer.js';
import { InvalidArgumentError, SnapshotError, StateError } from '../../src/core/errors.js';
import { writeSnapshot, type Codec } from '../../src/core/snapshot.js';
import { expectRejectsDamage } from '../scheduler/corruption.js';

const STRATEGIES: BalancerStrategy[] = ['least-loaded', 'p2c', 'weighted-round-robin', 'round-robin'];

/** A balancer with every kind of worker state: weights, capacity, backup, unhealthy, draining, loads. */
function fleet(strategy: BalancerStrategy, seed = 7) {
  const clock = { now: 0 };
  const b = new Balancer<string>({ strategy, clock: () => clock.now, random: seededRandom(seed) });
  b.add('a', { weight: 2, capacity: 6 });
  b.add('b');
  b.add('c', { weight: 0.5 });
  b.add('d');
  b.add('spare', { backup: true });
  b.add('sick');
  b.add('leaving', { id: 7 });
  b.setHealthy('sick', false);
  b.drain(7);
  const leases = Array.from({ length: 9 }, (_, i) => b.acquire(1 + (i % 3) * 0.5)!);
  b.release(leases[2]!);
  b.setLoad('d', 2.5);
  for (let i = 0; i < 5; i++) b.pick();
  return { b, clock, leases };
}

const view = (b: Balancer<string>) => b.stats().map(({ leases: _, ...rest }) => rest);

describe('Balancer snapshots', () => {
  it('weighted-round-robin: a restored balancer moves its virtual time back when the original would, so it makes the same choices after a fast worker left', () => {
    for (const weights of [[0.3, 0.7], [0.003, 0.007], [1.1, 2.3, 0.7]]) {
      for (const fast of [1e3, 1e9]) {
        const b = new Balancer<string>({ strategy: 'weighted-round-robin' });
        weights.forEach((weight, i) => b.add(`w${i}`, { weight }));
        b.add('fast', { weight: fast });
        b.remove('fast');
        const restored = Balancer.restore<string>(b.snapshot());
        const original = Array.from({ length: 5000 }, () => b.pick()).join();
        expect(Array.from({ length: 5000 }, () => restored.pick()).join()).toBe(original);
      }
    }
  });

  for (const strategy of STRATEGIES) {
    it(`${strategy}: restores workers, ids, weights, capacities, health, draining, backups and loads, and makes the same choices`, () => {
      const { b } = fleet(strategy);
      const restored = Balancer.restore<string>(b.snapshot(), { clock: () => 0, random: seededRandom(99) });
      expect(restored.strategy).toBe(strategy);
      expect(view(restored)).toEqual(view(b));
      expect(restored.statsOf(7)).toMatchObject({ worker: 'leaving', draining: true });
      expect(restored.statsOf('sick').healthy).toBe(false);
      expect(restored.statsOf('spare').backup).toBe(true);
      if (strategy !== 'p2c') {
        // The same random draws are not replayed for p2c (the source is given anew); the rest is exact.
        for (let i = 0; i < 60; i++) {
          const x = b.acquire(i % 2 ? 1 : 0.5);
          const y = restored.acquire(i % 2 ? 1 : 0.5);
          expect(y?.id).toBe(x?.id);
          if (i % 3 === 0 && x && y) {
            b.release(x);
            restored.release(y);
          }
        }
        expect(view(restored)).toEqual(view(b));
      }
      b.dispose();
      restored.dispose();
    });
  }

  it('p2c with the same random source from the same point makes the same choices', () => {
    const random = seededRandom(5);
    const b = new Balancer<number>({ strategy: 'p2c', random });
    for (let i = 0; i < 20; i++) b.add(i, { weight: 1 + (i % 3) });
    for (let i = 0; i < 300; i++) b.acquire();
    const bytes = b.snapshot();
    const twin = seededRandom(5);
    for (let i = 0; i < 300 * 2; i++) twin(); // the draws the original made
    const restored = Balancer.restore<number>(bytes, { random: twin });
    for (let i = 0; i < 300; i++) expect(restored.acquire()?.id).toBe(b.acquire()?.id);
  });

  it('outstanding leases become load the restored balancer holds, as a setLoad report would', () => {
    const b = new Balancer<string>();
    b.add('a', { capacity: 3 });
    b.add('b', { capacity: 3 });
    const held = [b.acquire(2)!, b.acquire(2)!, b.acquire()!];
    const restored = Balancer.restore<string>(b.snapshot());
    expect(restored.stats().map((s) => [s.id, s.load, s.leases])).toEqual([
      ['a', 3, 0],
      ['b', 2, 0],
    ]);
    // The old leases belong to the old balancer; the capacity they use is still counted.
    expect(() => restored.release(held[0]!)).toThrow(InvalidArgumentError);
    expect(restored.acquire(2)).toBeUndefined();
    expect(restored.acquire()?.id).toBe('b');
    // The caller reports the load as those tasks end.
    restored.setLoad('a', 0);
    expect(restored.acquire(2)?.id).toBe('a');
    // The original is untouched.
    b.release(held[0]!);
    expect(b.statsOf(held[0]!.id).leases).toBe(1);
  });

  it('slow-start ramps continue on the restoring clock', () => {
    let now = 1_000;
    const b = new Balancer<string>({ strategy: 'weighted-round-robin', clock: () => now, slowStart: { window: 1000, floor: 0.2, steps: 4 } });
    b.add('warm', { slowStart: false });
    b.add('new', { weight: 2 });
    now = 1_600; // 2 of 4 steps
    expect(b.statsOf('new').effectiveWeight).toBe(1);
    let later = 50_000;
    const restored = Balancer.restore<string>(b.snapshot(), { clock: () => later });
    expect(restored.statsOf('new')).toMatchObject({ weight: 2, effectiveWeight: 1 });
    later += 149;
    expect(restored.statsOf('new').effectiveWeight).toBe(1);
    later += 1; // step 3 at 750 ms after the start
    expect(restored.statsOf('new').effectiveWeight).toBe(1.5);
    later += 250;
    expect(restored.statsOf('new').effectiveWeight).toBe(2);
  });

  it('workers go through a codec; one it cannot encode or decode is a SnapshotError', () => {
    class Server {
      constructor(readonly host: string) {}
    }
    const codec: Codec<Server> = { encode: (s) => s.host, decode: (host) => new Server(host) };
    const b = new Balancer<Server>();
    b.add(new Server('10.0.0.1'), { id: 'one' });
    b.add(new Server('10.0.0.2'), { id: 'two' });
    const restored = Balancer.restore(b.snapshot({ codec }), { codec });
    expect(restored.get('two')).toBeInstanceOf(Server);
    expect(restored.get('two')?.host).toBe('10.0.0.2');
    const fns = new Balancer<() => void>();
    fns.add(() => {}, { id: 'f' });
    expect(() => fns.snapshot()).toThrow('Balancer.snapshot: worker "f": the JSON codec cannot encode a function');
    const failing: Codec<Server> = { encode: codec.encode, decode: () => { throw new Error('bad'); } };
    expect(() => Balancer.restore(b.snapshot({ codec }), { codec: failing })).toThrow('Balancer.restore: payload 0 could not be decoded');
    // `pick` answers undefined for "no worker can take it": a worker that decodes to undefined is refused, as `add` refuses one.
    const losing: Codec<Server> = { encode: codec.encode, decode: (host) => (host === '10.0.0.2' ? (undefined as never) : new Server(host)) };
    expect(() => Balancer.restore(b.snapshot({ codec }), { codec: losing })).toThrow('Balancer.restore: worker "two" decoded to undefined');
  });

  it('rejects flipped bits, truncation, trailing bytes, another version or kind, too many bytes', () => {
    const { b } = fleet('least-loaded');
    expectRejectsDamage('Balancer.restore', b.snapshot(), (bytes, maxBytes) => Balancer.restore(bytes, { maxBytes }).dispose());
  });

  it('rejects inconsistent contents before building anything', () => {
    const slow = new Balancer<string>({ slowStart: { window: 100 }, clock: () => 0 });
    slow.add('a');
    slow.add('b', { slowStart: false });
    const bytes = slow.snapshot();
    const body = JSON.parse(new TextDecoder().decode(bytes.subarray(44 + 'Balancer'.length, bytes.length - 4)));
    const forge = (change: (b: typeof body) => void) => {
      const copy = structuredClone(body);
      change(copy);
      return writeSnapshot('Balancer', copy);
    };
    const cases: [(b: typeof body) => void, RegExp][] = [
      [(b) => (b.workers[1].id = 'a'), /worker "a" appears twice/],
      [(b) => (b.workers[1].stamp = b.workers[0].stamp), /two workers have stamp/],
      [(b) => (b.workers[0].stamp = b.tick + 1), /malformed field `stamp`/],
      [(b) => (b.slowStart = null), /ramps up but the balancer has no slowStart/],
      [(b) => (b.workers[0].effectiveWeight = 5), /malformed field `effectiveWeight`/],
      [(b) => (b.workers[1].load = -1), /malformed field `load`/],
      [(b) => (b.workers[1].capacity = 0), /malformed field `capacity`/],
      [(b) => (b.workers[0].ramp.step = 10), /malformed field `step`/],
      [(b) => (b.strategy = 'fastest'), /malformed field `strategy`/],
      [(b) => b.payloads.pop(), /1 payloads for 2 workers/],
      [(b) => (b.workers[1].healthy = 'yes'), /malformed field `healthy`/],
      // counters past 2^52 (counting on from them would leave the exact integers), and states no
      // balancer reaches: a weight held below its own without a ramp, a subnormal turn rate
      [(b) => (b.nextId = Number.MAX_SAFE_INTEGER), /malformed field `nextId`/],
      [(b) => (b.tick = Number.MAX_SAFE_INTEGER), /malformed field `tick`/],
      [(b) => (b.workers[1].picks = Number.MAX_SAFE_INTEGER), /malformed field `picks`/],
      [(b) => (b.workers[1].effectiveWeight = b.workers[1].weight / 2), /malformed field `effectiveWeight`/],
      [(b) => (b.workers[1].turnRate = 5e-324), /malformed field `turnRate`/],
      [(b) => (b.fastestRate.primary = 0.5), /malformed field `primary`/],
      [(b) => (b.workers[1].loadError = 1), /malformed field `loadError`/],
      [(b) => (b.workers[1].skipped = 'yes'), /malformed field `skipped`/],
      [(b) => (b.noFit.backup = -1), /malformed field `backup`/],
      [(b) => (b.fastestRate = 7), /malformed body/],
      // values past the documented ranges: a rate above the heaviest weight's, a floor above 1, no
      // steps, a ramping weight below its floor, an issued id of 0
      [(b) => (b.fastestRate.primary = 1e300), /malformed field `primary`/],
      [(b) => (b.slowStart.floor = 5), /malformed field `floor`/],
      [(b) => (b.slowStart.steps = 0), /malformed field `steps`/],
      [(b) => (b.workers[0].effectiveWeight = 0.01), /malformed field `effectiveWeight`/],
      [(b) => (b.nextId = 0), /malformed field `nextId`/],
    ];
    for (const [change, message] of cases) {
      expect(() => Balancer.restore(forge(change))).toThrow(SnapshotError);
      expect(() => Balancer.restore(forge(change))).toThrow(message);
    }
    expect(() => Balancer.restore(forge(() => {}), { clock: () => 0 }).dispose()).not.toThrow();
  });

  it('a disposed balancer refuses to snapshot', () => {
    const b = new Balancer<string>();
    b.dispose();
    expect(() => b.snapshot()).toThrow(StateError);
    expect(() => b.snapshot()).toThrow('Balancer.snapshot: this balancer was disposed');
  });

  it('a restored balancer keeps the memo of a cost that fit no worker: it snapshots into the same bytes', () => {
    const b = new Balancer<string>({ strategy: 'weighted-round-robin' });
    b.add('a', { capacity: 2 });
    b.add('b', { capacity: 2 });
    expect(b.acquire(3)).toBeUndefined();
    const bytes = b.snapshot();
    expect(Buffer.compare(Balancer.restore<string>(bytes).snapshot(), bytes)).toBe(0);
  });

  it('reads the restoring clock only when a worker ramps', () => {
    const b = new Balancer<string>();
    b.add('a');
    let reads = 0;
    const restored = Balancer.restore<string>(b.snapshot(), { clock: () => (reads++, Number.NaN) });
    expect([restored.size, reads]).toEqual([1, 0]);
  });

  it('checks the clock, random source and arena it is given under its own name, before reading', () => {
    const bytes = new Balancer<string>().snapshot();
    expect(() => Balancer.restore(bytes, { clock: 5 as never })).toThrow('Balancer.restore: expected `clock` to be a function, got 5');
    expect(() => Balancer.restore(bytes, { random: null as never })).toThrow('Balancer.restore: expected `random` to be a function, got null');
    expect(() => Balancer.restore(bytes, { arena: 1 as never })).toThrow(InvalidArgumentError);
    expect(() => Balancer.restore(bytes, { arena: 1 as never })).toThrow(/^Balancer\.restore: expected `arena`/);
    expect(() => Balancer.restore(new Uint8Array(3), { clock: 5 as never })).toThrow(/`clock`/);
  });
});
