import { describe, expect, it, vi } from 'vitest';
import { Balancer, seededRandom, type Lease, type BalancerStrategy } from '../../src/balancer.js';
import { InvalidArgumentError, StateError } from '../../src/core/errors.js';
import { PriorityQueue } from '../../src/index.js';

const STRATEGIES: BalancerStrategy[] = ['least-loaded', 'p2c', 'weighted-round-robin', 'round-robin'];

describe.each(STRATEGIES)('%s: capacity, draining and health', (strategy) => {
  it('never passes a capacity, and returns undefined when every worker is full', () => {
    const balancer = new Balancer<string>({ strategy });
    balancer.add('a', { capacity: 2 });
    balancer.add('b', { capacity: 3 });
    const leases: Lease<string>[] = [];
    for (let i = 0; i < 5; i++) leases.push(balancer.acquire()!);
    expect(leases.every(Boolean)).toBe(true);
    expect(balancer.acquire()).toBeUndefined();
    expect(balancer.pick()).toBeUndefined();
    expect(balancer.stats().map((s) => s.load)).toEqual([2, 3]);
    balancer.release(leases.find((l) => l.id === 'a')!);
    expect(balancer.acquire()!.id).toBe('a');
  });

  it('places a large cost on a worker with room for it, or nowhere', () => {
    const balancer = new Balancer<string>({ strategy });
    balancer.add('a', { capacity: 4 });
    balancer.add('b', { capacity: 4 });
    balancer.setLoad('a', 1);
    balancer.setLoad('b', 2);
    expect(balancer.acquire(3)!.id).toBe('a');
    expect(balancer.acquire(3)).toBeUndefined();
    expect(balancer.acquire(2)!.id).toBe('b');
    expect(balancer.stats().map((s) => s.load)).toEqual([4, 4]);
  });

  it('gives no new leases to a draining worker, lets its leases finish, and resumes on undrain', () => {
    const balancer = new Balancer<string>({ strategy });
    balancer.add('a');
    balancer.add('b');
    const held = [balancer.acquire()!, balancer.acquire()!];
    balancer.drain('a');
    for (let i = 0; i < 10; i++) expect(balancer.acquire()!.id).toBe('b');
    const onA = held.find((l) => l.id === 'a')!;
    balancer.release(onA);
    expect(balancer.statsOf('a')).toMatchObject({ load: 0, leases: 0, draining: true });
    balancer.undrain('a');
    expect(balancer.acquire()!.id).toBe('a');
  });

  it('finds no worker when every one is draining, in a scanned tier and in a queued one (past 32 workers)', () => {
    for (const size of [10, 40]) {
      const balancer = new Balancer<string>({ strategy, random: seededRandom(1) });
      for (let i = 0; i < size; i++) balancer.add(`w${i}`);
      for (let i = 0; i < size; i++) balancer.drain(`w${i}`);
      expect([balancer.acquire(), balancer.pick()]).toEqual([undefined, undefined]);
      balancer.undrain('w3');
      expect(balancer.pick()).toBe('w3');
    }
  });

  it('skips unhealthy workers and returns undefined when none is healthy', () => {
    const balancer = new Balancer<string>({ strategy });
    balancer.add('a');
    balancer.add('b');
    balancer.setHealthy('a', false);
    for (let i = 0; i < 5; i++) expect(balancer.pick()).toBe('b');
    balancer.setHealthy('b', false);
    expect(balancer.acquire()).toBeUndefined();
    balancer.setHealthy('a', true);
    expect(balancer.pick()).toBe('a');
  });
});

describe.each(STRATEGIES)('%s: a cost that fit no worker, past the scanned tier', (strategy) => {
  it('stays refused only until some worker has more room: a release, a report, a recovery, a new worker', () => {
    const b = new Balancer<number>({ strategy });
    const WORKERS = 40; // past the 32 a tier scans: kept in the core heap
    for (let i = 0; i < WORKERS; i++) b.add(i, { capacity: 8 });
    const leases = Array.from({ length: WORKERS }, () => b.acquire(7)!);
    expect(b.acquire(2)).toBeUndefined();
    expect(b.acquire(3)).toBeUndefined();
    // Two more workers with room, kept out: one draining, one unhealthy.
    b.add(WORKERS, { capacity: 8 });
    b.add(WORKERS + 1, { capacity: 8 });
    b.drain(WORKERS);
    b.setHealthy(WORKERS + 1, false);
    const ways: [string, () => void][] = [
      ['release', () => b.release(leases.pop()!)],
      ['setLoad', () => b.setLoad(3, 0)],
      ['undrain', () => b.undrain(WORKERS)],
      ['setHealthy', () => b.setHealthy(WORKERS + 1, true)],
      ['add', () => b.add(WORKERS + 2, { capacity: 8 })],
    ];
    for (const [name, grow] of ways) {
      expect(b.acquire(2), `before ${name}`).toBeUndefined();
      grow();
      const lease = b.acquire(2);
      expect(lease, `after ${name}`).toBeDefined();
      b.setLoad(lease!.id, 8);
    }
  });
});

describe.each(STRATEGIES)('%s: polling with a cost that fits no worker while small leases come and go', (strategy) => {
  const skippedOf = (b: Balancer<number>) => {
    const bytes = b.snapshot();
    const body = JSON.parse(new TextDecoder().decode(bytes.subarray(44 + 'Balancer'.length, bytes.length - 4)));
    return new Map<number, boolean>(body.workers.map((w: { id: number; skipped?: boolean }) => [w.id, w.skipped === true]));
  };

  for (const workers of [8, 40]) {
    it(`${workers} workers: a release that gives no worker room for it keeps the poll from walking the fleet, and the poll still passes over every available worker`, () => {
      const b = new Balancer<number>({ strategy, clock: () => 0, random: seededRandom(7) });
      for (let i = 0; i < workers; i++) {
        b.add(i, { capacity: 4 });
        b.setLoad(i, 2);
      }
      const update = vi.spyOn(PriorityQueue.prototype, 'update');
      try {
        expect(b.acquire(3.5)).toBeUndefined();
        for (let round = 0; round < 5; round++) {
          const small = b.acquire(1)!; // its mark goes: picked
          b.release(small);
          b.setLoad(round, 1); // 1 of 4: still no room for 3.5
          update.mockClear();
          expect(b.acquire(3.5)).toBeUndefined();
          expect(update).not.toHaveBeenCalled();
          if (strategy !== 'p2c') expect([...skippedOf(b).values()].every(Boolean)).toBe(true);
          // A pick with no change after it: the next refusal passes over that worker too.
          const extra = b.acquire(1)!;
          expect(b.acquire(3.5)).toBeUndefined();
          if (strategy !== 'p2c') expect([...skippedOf(b).values()].every(Boolean)).toBe(true);
          b.release(extra);
        }
      } finally {
        update.mockRestore();
      }
      // Room enough at last: served.
      b.setLoad(3, 0);
      expect(b.acquire(3.5)?.id).toBe(3);
    });
  }
});

describe('leases', () => {
  it('carries the worker, its id and the cost, and adds the cost to the load until released', () => {
    const server = { host: 'build-1' };
    const balancer = new Balancer<typeof server>();
    const id = balancer.add(server, { id: 'build-1' });
    const lease = balancer.acquire(2.5)!;
    expect(lease).toMatchObject({ worker: server, id, cost: 2.5, released: false });
    expect(balancer.statsOf(id)).toMatchObject({ load: 2.5, leases: 1, picks: 1 });
    balancer.release(lease);
    expect(lease.released).toBe(true);
    expect(balancer.statsOf(id)).toMatchObject({ load: 0, leases: 0, picks: 1 });
  });

  it('throws StateError on a second release and leaves the load alone', () => {
    const balancer = new Balancer<string>();
    balancer.add('a');
    const first = balancer.acquire()!;
    balancer.acquire();
    balancer.release(first);
    expect(() => balancer.release(first)).toThrow(StateError);
    expect(() => balancer.release(first)).toThrow(/Balancer\.release: the lease on worker "a" was already released/);
    expect(balancer.statsOf('a').load).toBe(1);
  });

  it('rejects a lease of another balancer, or anything that is no lease', () => {
    const one = new Balancer<string>();
    const other = new Balancer<string>();
    one.add('a');
    other.add('a');
    const lease = other.acquire()!;
    expect(() => one.release(lease)).toThrow(InvalidArgumentError);
    expect(() => one.release({ worker: 'a', id: 'a', cost: 1 } as unknown as Lease<string>)).toThrow(InvalidArgumentError);
    expect(() => one.release(undefined as unknown as Lease<string>)).toThrow(InvalidArgumentError);
    expect(other.statsOf('a').load).toBe(1);
    other.release(lease);
  });

  it('ends leases of a removed worker quietly, and never touches a new worker of the same id', () => {
    const balancer = new Balancer<string>();
    balancer.add('a');
    balancer.add('b');
    const onA = [balancer.acquire()!, balancer.acquire()!, balancer.acquire()!].filter((l) => l.id === 'a');
    expect(onA.length).toBeGreaterThan(0);
    balancer.remove('a');
    expect(balancer.has('a')).toBe(false);
    balancer.add('a', { id: 'a' });
    balancer.setLoad('a', 5);
    for (const lease of onA) balancer.release(lease);
    expect(balancer.statsOf('a')).toMatchObject({ load: 5, leases: 0 });
    expect(() => balancer.release(onA[0]!)).toThrow(StateError);
  });

  it('after a report of 0, the last release still leaves exactly 0 beside costs of very different sizes', () => {
    const balancer = new Balancer<string>();
    balancer.add('a');
    balancer.setLoad('a', 0);
    const leases = [7e-17, 0.0068, 9.2e9, 0.12, 920_000].map((cost) => balancer.acquire(cost)!);
    for (const lease of leases) balancer.release(lease);
    expect(balancer.statsOf('a')).toMatchObject({ load: 0, leases: 0 });
  });

  it('takes a reported load up to 2^53 - 1', () => {
    const balancer = new Balancer<string>();
    balancer.add('a');
    balancer.setLoad('a', Number.MAX_SAFE_INTEGER);
    expect(balancer.statsOf('a').load).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('never lets the load go below zero after an outside report', () => {
    const balancer = new Balancer<string>();
    balancer.add('a');
    const lease = balancer.acquire(3)!;
    balancer.setLoad('a', 1);
    balancer.release(lease);
    expect(balancer.statsOf('a').load).toBe(0);
  });

  it('leaves no residue of fractional costs: a worker whose leases all ended is idle again, exactly', () => {
    const balancer = new Balancer<string>();
    balancer.add('p');
    balancer.add('q');
    balancer.drain('q');
    const leases = [balancer.acquire(0.1)!, balancer.acquire(0.2)!]; // both on p: 0.1 + 0.2 - 0.1 - 0.2 is 2.8e-17
    balancer.undrain('q');
    for (const lease of leases) balancer.release(lease);
    expect(balancer.statsOf('p').load).toBe(0);
    // Costs far apart in size leave a residue even in a compensated sum: the last lease out clears it.
    balancer.drain('q');
    const apart = [0.1, 0.2, 2 ** 52].map((cost) => balancer.acquire(cost)!);
    balancer.undrain('q');
    for (const lease of apart) balancer.release(lease);
    expect(balancer.statsOf('p').load).toBe(0);
    // Two idle workers take turns.
    expect(Array.from({ length: 4 }, () => balancer.pick())).toEqual(['q', 'p', 'q', 'p']);
    // A reported load is kept: only the costs leave it.
    const lease = balancer.acquire(0.1)!;
    balancer.setLoad(lease.id, 5.5);
    balancer.release(lease);
    expect(balancer.statsOf(lease.id).load).toBe(5.4);
  });

  it('keeps the load exact beside a long-held lease while fractional leases come and go', () => {
    const random = seededRandom(7);
    const balancer = new Balancer<string>();
    balancer.add('a', { capacity: 2 });
    balancer.acquire(1);
    const open: Lease<string>[] = [];
    let idleChecks = 0;
    for (let op = 0; op < 20_000; op++) {
      if (open.length < 3 && (open.length === 0 || random() < 0.5)) open.push(balancer.acquire(Math.round(random() * 300) / 1000 + 0.001)!);
      else balancer.release(open.splice(Math.floor(random() * open.length), 1)[0]!);
      if (open.length === 0) {
        idleChecks++;
        // Only the lease of cost 1 is out: a plain running sum drifts off 1 by an ulp at a time.
        expect(balancer.statsOf('a').load).toBe(1);
      }
    }
    expect(idleChecks).toBeGreaterThan(1000);
    expect(balancer.acquire(1)?.id).toBe('a');
  });

  it('never lets a compensated load pass the capacity, and a restored balancer carries what the sum shed', () => {
    const balancer = new Balancer<string>();
    balancer.add('a', { capacity: 2 });
    balancer.acquire(0.9);
    balancer.acquire(0.3);
    // The plain sum 1.2 + 0.8000000000000003 rounds to 2; the compensated one is above it.
    expect(balancer.acquire(0.8000000000000003)).toBeUndefined();
    expect(balancer.statsOf('a').load).toBeLessThanOrEqual(2);
    const b = new Balancer<string>();
    b.add('a', { capacity: 2 });
    b.acquire(0.3);
    b.acquire(0.7);
    const restored = Balancer.restore<string>(b.snapshot());
    b.acquire(0.1);
    restored.acquire(0.1);
    expect(restored.statsOf('a').load).toBe(b.statsOf('a').load);
    expect(restored.acquire(0.9000000000000002)?.id).toBe(b.acquire(0.9000000000000002)?.id);
  });

  it('takes -0 as 0, for ids and reported loads', () => {
    const balancer = new Balancer<string>();
    expect(Object.is(balancer.add('x', { id: -0 }), 0)).toBe(true);
    balancer.setLoad(0, -0);
    expect(Object.is(balancer.statsOf(0).load, 0)).toBe(true);
    expect(Object.is(balancer.acquire()!.id, 0)).toBe(true);
  });

  it('refuses a cost or a reported load that could add up past the largest double', () => {
    const balancer = new Balancer<string>();
    balancer.add('a');
    expect(() => balancer.acquire(1e308)).toThrow('expected `cost` to be a number > 0 and at most 2^53 - 1, got 1e+308');
    expect(() => balancer.setLoad('a', 2 ** 53)).toThrow('Balancer.setLoad: expected a number from 0 to 2^53 - 1');
    const leases = [balancer.acquire(2 ** 53 - 1)!, balancer.acquire(2 ** 53 - 1)!];
    expect(balancer.statsOf('a').load).toBe(2 * (2 ** 53 - 1));
    for (const lease of leases) balancer.release(lease);
    expect(balancer.statsOf('a').load).toBe(0);
    expect(Balancer.restore<string>(balancer.snapshot()).statsOf('a').load).toBe(0);
  });
});

describe('backup tier', () => {
  it.each(STRATEGIES)('%s: uses backups only when no primary can take the lease', (strategy) => {
    const balancer = new Balancer<string>({ strategy });
    balancer.add('primary-1', { capacity: 1 });
    balancer.add('primary-2', { capacity: 2 });
    balancer.add('backup', { backup: true });
    const primaries = [balancer.acquire()!, balancer.acquire()!, balancer.acquire()!];
    expect(primaries.map((l) => l.id).sort()).toEqual(['primary-1', 'primary-2', 'primary-2']);
    expect(balancer.acquire()!.id).toBe('backup');
    expect(balancer.acquire(2)!.id).toBe('backup');
    balancer.release(primaries[0]!);
    expect(balancer.acquire()!.id).toBe(primaries[0]!.id);
    balancer.drain('primary-1');
    balancer.setHealthy('primary-2', false);
    balancer.release(primaries[1]!);
    balancer.release(primaries[2]!);
    expect(balancer.acquire()!.id).toBe('backup');
  });

  it('serves a lease that fits no primary from a backup while primaries still have room', () => {
    const balancer = new Balancer<string>();
    balancer.add('small', { capacity: 2 });
    balancer.add('large', { backup: true, capacity: 10 });
    expect(balancer.acquire(5)!.id).toBe('large');
    expect(balancer.acquire(1)!.id).toBe('small');
  });
});

describe('ids', () => {
  it('uses a string or number worker as its own id, and issues numbers for other workers', () => {
    const balancer = new Balancer<unknown>();
    expect(balancer.add('a')).toBe('a');
    expect(balancer.add(7)).toBe(7);
    expect(balancer.add({ name: 'x' })).toBe(1);
    expect(balancer.add({ name: 'y' })).toBe(2);
    balancer.add('three', { id: 3 });
    expect(balancer.add({ name: 'z' })).toBe(4);
    expect(balancer.get(2)).toEqual({ name: 'y' });
    expect([...balancer]).toEqual(['a', 7, { name: 'x' }, { name: 'y' }, 'three', { name: 'z' }]);
    expect(balancer.size).toBe(6);
  });

  it('issues numbers from 1 up, skipping every number in use, and never the number a caller took first', () => {
    const taken = new Balancer<object>();
    taken.add({}, { id: 2 });
    taken.add({}, { id: 3 });
    expect([taken.add({}), taken.add({})]).toEqual([1, 4]);
    // A caller's id (or a number worker) equal to the next number moves the count on, even once removed.
    const given = new Balancer<object>();
    given.add({ name: 'a' }, { id: 1 });
    given.remove(1);
    expect(given.add({ name: 'b' })).toBe(2);
    const own = new Balancer<unknown>();
    own.add(1);
    own.remove(1);
    expect(own.add({})).toBe(2);
  });
});

describe('setWeight', () => {
  it('re-ranks least-loaded at once and changes the weighted round-robin share', () => {
    const ll = new Balancer<string>();
    ll.add('a');
    ll.add('b');
    ll.setLoad('a', 2);
    ll.setLoad('b', 1);
    expect(ll.pick()).toBe('b');
    ll.setWeight('a', 4);
    expect(ll.pick()).toBe('a');

    const wrr = new Balancer<string>({ strategy: 'weighted-round-robin' });
    wrr.add('a');
    wrr.add('b');
    wrr.setWeight('a', 3);
    let sequence = '';
    for (let i = 0; i < 400; i++) sequence += wrr.pick();
    const a = sequence.slice(8).split('').filter((c) => c === 'a').length;
    expect(Math.abs(a / (sequence.length - 8) - 0.75)).toBeLessThan(0.01);
  });
});
