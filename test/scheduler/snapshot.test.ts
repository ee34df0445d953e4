import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Arena, PriorityQueue, Scheduler, SnapshotError, StateError, type Codec, type JobId } from '../../src/index.js';
import { fillAll } from '../helpers/fill-arena.js';
import { crc32, writeSnapshot } from '../../src/core/snapshot.js';
import { expectRejectsDamage } from './corruption.js';
import { FakeClock } from './fake-clock.js';

function pair<T>(options: ConstructorParameters<typeof Scheduler<T>>[0] = {}) {
  const clock = new FakeClock();
  return { s: new Scheduler<T>({ ...options, clock: clock.read }), clock };
}

/** Everything observable about the held jobs, by id. */
function view<T>(s: Scheduler<T>, ids: Iterable<JobId>) {
  const jobs: Record<string, unknown> = {};
  for (const id of ids) jobs[String(id)] = s.get(id);
  return { jobs, dead: s.deadLetters(), stats: s.stats(), due: s.nextDueIn() };
}

describe('Scheduler snapshots', () => {
  it('restores jobs, order, attempts, histories, tenants and options so both run alike', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('submit' as const), priority: fc.integer({ min: 0, max: 3 }), delay: fc.constantFrom(0, 0, 5, 30), tenant: fc.constantFrom('a', 'b', 'default'), attempts: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('take' as const), ok: fc.boolean() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1, 7, 20) }),
      fc.record({ kind: fc.constant('weight' as const), tenant: fc.constantFrom('a', 'b'), weight: fc.constantFrom(0.5, 2, 3) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(fc.boolean(), { maxLength: 80 }), (ops, outcomes) => {
        const { s, clock } = pair<{ n: number }>({ capacity: 100, order: 'max', defaultAttempts: 2, backoff: { type: 'linear', base: 4 }, maxDeadLetters: 50 });
        const ids: JobId[] = [];
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'submit') ids.push(s.submit({ n: n++ }, o));
          else if (o.kind === 'advance') clock.advance(o.ms);
          else if (o.kind === 'weight') s.setTenantWeight(o.tenant, o.weight);
          else {
            const job = s.take();
            if (job && o.ok) s.ack(job.id);
            else if (job) s.fail(job.id, new TypeError(`boom ${job.id}`));
          }
        }
        const restoredClock = new FakeClock();
        restoredClock.now = clock.now + 10_000;
        const restored = Scheduler.restore<{ n: number }>(s.snapshot(), { clock: restoredClock.read });
        // Re-based on the new clock: the same ages, waits and due-ins.
        const relative = (v: ReturnType<typeof view>, now: number) =>
          JSON.parse(JSON.stringify(v, (key, value) => (['submittedAt', 'dueAt', 'startedAt', 'failedAt'].includes(key) && typeof value === 'number' ? value - now : value)));
        expect(relative(view(restored, ids), restoredClock.now)).toEqual(relative(view(s, ids), clock.now));
        // And they go on alike: the same takes, retries and dead letters.
        for (let i = 0; i < 80; i++) {
          const a = s.take();
          const b = restored.take();
          expect(b).toEqual(a);
          if (!a || !b) {
            clock.advance(10);
            restoredClock.advance(10);
            continue;
          }
          if (outcomes[i]) {
            s.ack(a.id);
            restored.ack(b.id);
          } else {
            expect(restored.fail(b.id, 'x')).toBe(s.fail(a.id, 'x'));
          }
        }
        expect(restored.stats().size).toBe(s.stats().size);
        s.dispose();
        restored.dispose();
      }),
      { numRuns: 150 },
    );
  });

  it('re-bases times on the restoring clock', () => {
    const { s, clock } = pair<string>();
    clock.now = 500;
    const late = s.submit('late', { delay: 40 });
    const waiting = s.submit('waiting');
    clock.advance(15);
    const restoredClock = new FakeClock();
    restoredClock.now = 1_000_000;
    const r = Scheduler.restore<string>(s.snapshot(), { clock: restoredClock.read });
    expect(r.get(late)).toMatchObject({ state: 'delayed', dueAt: 1_000_025, submittedAt: 1_000_000 - 15 });
    expect(r.stats().oldestWait).toBe(15);
    expect(r.nextDueIn()).toBe(0);
    r.take();
    expect(r.nextDueIn()).toBe(25);
    expect(r.get(waiting)?.state).toBe('in-flight');
  });

  it('brings in-flight jobs back waiting, ahead of their equals, with the interrupted attempt counted', () => {
    const { s, clock } = pair<string>({ defaultAttempts: 3, backoff: 0 });
    s.submit('first', { priority: 1 });
    s.submit('second', { priority: 1 });
    s.submit('urgent', { priority: 0, tenant: 'b' });
    const first = s.take()!;
    s.fail(first.id, 'flaky');
    s.take(); // b: urgent
    clock.advance(7);
    const again = s.take()!; // second
    expect(again.payload).toBe('second');
    clock.advance(5);
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 100 });
    expect(r.stats()).toMatchObject({ waiting: 3, inFlight: 0 });
    const history = r.get(again.id)!.history;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ attempt: 1, startedAt: 95, failedAt: 100 });
    expect(history[0]!.reason).toBeInstanceOf(StateError);
    expect(String(history[0]!.reason)).toBe('StateError: Scheduler.restore: the attempt in flight was interrupted by a restore');
    const order = [];
    for (let job = r.take(); job; job = r.take()) order.push(`${job.payload}#${job.attempt}`);
    // Tenant b left the rotation (its job in flight) and comes back behind default, which was
    // waiting; within default, the interrupted job leads. Each is on its second attempt now.
    expect(order).toEqual(['second#2', 'urgent#2', 'first#2']);
  });

  it('an interrupted job waits from the restore on: oldestWait does not count its attempt', () => {
    let now = 0;
    const s = new Scheduler<string>({ clock: () => now, defaultAttempts: 2 });
    s.submit('job');
    now = 100;
    s.take();
    now = 10_000;
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => now });
    now = 10_010;
    expect(r.stats().oldestWait).toBe(10);
  });

  it('keeps a weight set to 1 on a tenant with a cap of its own: resetting the cap later keeps the record', () => {
    const s = new Scheduler<string>();
    s.setTenantWeight('b', 1);
    s.setTenantCapacity('b', 1);
    const r = Scheduler.restore<string>(s.snapshot());
    r.setTenantCapacity('b', undefined);
    expect(Object.keys(r.stats().tenants)).toEqual(['b']);
    // A snapshot written before `weightSet` was saved reads as the cap alone pinning it.
    const body = JSON.parse(new TextDecoder().decode(s.snapshot().subarray(44 + 'Scheduler'.length, -4)));
    for (const tenant of body.tenants) delete tenant.weightSet;
    const old = Scheduler.restore<string>(writeSnapshot('Scheduler', body));
    old.setTenantCapacity('b', undefined);
    expect(Object.keys(old.stats().tenants)).toEqual([]);
  });

  it('brings back jobs that started at one clock reading in the order they started, not the order they were made', () => {
    const { s, clock } = pair<string>({ defaultAttempts: 2 });
    s.submit('made first, due later', { delay: 10 });
    clock.advance(5);
    s.submit('made second, due first');
    clock.advance(5);
    const started = [s.take()!.payload, s.take()!.payload]; // both at one reading
    expect(started).toEqual(['made second, due first', 'made first, due later']);
    const r = Scheduler.restore<string>(s.snapshot(), { clock: clock.read });
    expect([r.take()!.payload, r.take()!.payload]).toEqual(started);
  });

  it('dead-letters an in-flight job whose interrupted attempt was its last, saying so, and drops no letter unheard', () => {
    const { s } = pair<string>({ defaultAttempts: 1, maxDeadLetters: 2 });
    const old = s.submit('old');
    s.fail(s.take()!.id, 'boom');
    const lastTry = s.submit('last try', { attempts: 2, backoff: 0 });
    s.fail(s.take()!.id, 'flaky');
    s.take();
    const once = s.submit('once');
    s.take();
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    // Two new dead letters join 'old', past maxDeadLetters (2): a restore drops nothing unheard.
    expect(r.deadLetters().map((d) => d.id)).toEqual([old, lastTry, once]);
    const evicted: unknown[] = [];
    r.on('evicted', ({ job }) => evicted.push(job.id));
    // The next death evicts down to the limit, with events.
    const next = r.submit('next');
    r.fail(r.take()!.id, 'boom');
    expect(evicted).toEqual([old, lastTry]);
    expect(r.deadLetters().map((d) => d.id)).toEqual([once, next]);
    // A snapshot of a scheduler past its limit restores too.
    expect(Scheduler.restore<string>(Scheduler.restore<string>(s.snapshot()).snapshot()).deadLetters()).toHaveLength(3);
    const [, a, b] = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 }).deadLetters();
    expect(a!.history.map((h) => h.attempt)).toEqual([1, 2]);
    expect(String(a!.history[1]!.reason)).toContain('interrupted by a restore');
    expect(b).toMatchObject({ state: 'dead', attempt: 1, attempts: 1 });
    expect(r.stats()).toMatchObject({ waiting: 0, inFlight: 0, dead: 2, size: 0 });
    // Requeued, it starts afresh.
    r.requeue(once);
    expect(r.take()).toMatchObject({ id: once, attempt: 1 });
  });

  it('loses and duplicates no job across a restore with jobs in flight', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('submit', 'take', 'ack', 'fail', 'tick'), { maxLength: 120 }), fc.integer({ min: 1, max: 3 }), (ops, attempts) => {
        const { s, clock } = pair<number>({ defaultAttempts: attempts, backoff: { type: 'fixed', base: 3 } });
        const inFlight: number[] = [];
        const done = new Set<number>();
        let next = 0;
        for (const op of ops) {
          if (op === 'submit') s.submit(next++, { tenant: next % 2 ? 'a' : 'b', priority: next % 3 });
          else if (op === 'tick') clock.advance(2);
          else if (op === 'take') {
            const job = s.take();
            if (job) inFlight.push(job.id as number);
          } else if (inFlight.length > 0) {
            const id = inFlight.shift()!;
            if (op === 'ack') {
              done.add(s.get(id)!.payload);
              s.ack(id);
            } else s.fail(id, 'x');
          }
        }
        const r = Scheduler.restore<number>(s.snapshot(), { clock: () => clock.now });
        const seen = new Set<number>(done);
        for (const letter of r.deadLetters()) {
          expect(seen.has(letter.payload)).toBe(false);
          seen.add(letter.payload);
          expect(letter.history).toHaveLength(letter.attempt);
        }
        for (let i = 0; i < 10_000 && r.size > 0; i++) {
          const job = r.take(clock.now + i * 10);
          if (!job) continue;
          expect(job.attempt).toBeLessThanOrEqual(job.attempts);
          expect(seen.has(job.payload)).toBe(false);
          seen.add(job.payload);
          r.ack(job.id);
        }
        expect(r.size).toBe(0);
        expect(seen.size).toBe(next);
        s.dispose();
        r.dispose();
      }),
      { numRuns: 200 },
    );
  });

  it('a restored scheduler holding jobs is not idle: onIdle resolves and idle fires once they are gone', async () => {
    const s = new Scheduler<string>({ clock: () => 0 });
    const id = s.submit('a');
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    let idleEvents = 0;
    r.on('idle', () => idleEvents++);
    const idle = r.onIdle();
    r.cancel(id);
    await expect(idle).resolves.toBeUndefined();
    expect(idleEvents).toBe(1);
  });

  it('keeps 32 errors of a reason, each with its cause, the 32nd included', () => {
    const { s } = pair<string>();
    s.submit('j', { id: 'j' });
    s.take();
    s.fail('j', new AggregateError(Array.from({ length: 40 }, (_, i) => new Error(`e${i}`, { cause: `c${i}` })), 'many'));
    const reason = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 }).get('j')!.history[0]!.reason as AggregateError;
    // The AggregateError is the first of the 32; 31 of its errors are kept as errors, with their causes.
    expect(reason.errors.filter((e) => e instanceof Error && 'cause' in e)).toHaveLength(31);
  });

  it('a delayed job kept past its due time by a full arena restores due at once, having waited nothing', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new Scheduler<string>({ arena, clock: () => now });
    s.submit('stuck', { delay: 100, tenant: 'b' });
    const free = fillAll(arena);
    now = 1000; // due since 100, with no room to move it to its line
    const bytes = s.snapshot();
    free();
    const r = Scheduler.restore<string>(bytes, { clock: () => 5000 });
    expect(r.stats().oldestWait).toBe(0);
    expect(r.take()?.payload).toBe('stuck');
    s.dispose();
  });

  it('a tenant that left a turn ahead of virtual time keeps its place across a restore and a later move of virtual time', () => {
    const go = (x: Scheduler<string>) => {
      const order: string[] = [];
      const first = x.take()!; // L's turn: virtual time moves back
      order.push(first.payload);
      x.ack(first.id);
      for (let i = 1; i < 4; i++) x.submit(`g${i}`, { tenant: 'g' });
      for (let job = x.take(); job; job = x.take()) {
        order.push(job.payload);
        x.ack(job.id);
      }
      return order;
    };
    const s = new Scheduler<string>({ clock: () => 0 });
    s.setTenantWeight('z', 1e9); // the heaviest weight ever set: virtual time moves back at 2^42 / 1e9
    s.setTenantWeight('z', 1);
    s.setTenantWeight('L', 0.001); // each of its turns moves virtual time by 1000
    for (let i = 0; i < 20; i++) s.submit(`L${i}`, { tenant: 'L' });
    for (let i = 0; i < 4; i++) s.ack(s.take()!.id);
    s.submit('g0', { tenant: 'g' });
    for (let i = 0; i < 2; i++) s.ack(s.take()!.id); // g leaves a turn ahead of virtual time
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    expect(go(r)).toEqual(go(s));
  });

  it('keeps the limits: maxDelayed, tenantCapacity and tenants’ own caps', () => {
    const { s } = pair<string>({ maxDelayed: 2, tenantCapacity: 3 });
    s.setTenantCapacity('vip', Infinity);
    s.setTenantCapacity('small', 1);
    s.submit('a', { tenant: 'small' });
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    expect([r.maxDelayed, r.tenantCapacity('anyone'), r.tenantCapacity('vip'), r.tenantCapacity('small')]).toEqual([2, 3, Infinity, 1]);
    expect(r.trySubmit('b', { tenant: 'small' })).toBe(false);
    expect(r.canAccept(3, { tenant: 'other' })).toBe(true);
    expect(r.canAccept(4, { tenant: 'other' })).toBe(false);
    expect(r.canAccept(3, { delay: 5 })).toBe(false);
    expect(r.canAccept(10, { tenant: 'vip' })).toBe(true);
  });

  it('keeps the fair-share rotation: the next turns are the same', () => {
    const { s } = pair<number>();
    s.setTenantWeight('heavy', 3);
    for (let i = 0; i < 200; i++) for (const tenant of ['heavy', 'light', 'other']) s.submit(i, { tenant });
    for (let i = 0; i < 37; i++) s.ack(s.take()!.id);
    const r = Scheduler.restore<number>(s.snapshot(), { clock: () => 0 });
    expect(r.tenantWeight('heavy')).toBe(3);
    for (let i = 0; i < 300; i++) {
      const a = s.take()!;
      expect(r.take()).toEqual(a);
      s.ack(a.id);
      r.ack(a.id);
    }
  });

  it('keeps when fair-share virtual time moves back, and how far it has: the turns stay the same after a heavy weight was set and reset', () => {
    for (const [slow, fast] of [[0.001, 0.3], [0.1, 0.3]]) {
      const { s } = pair<number>();
      s.setTenantWeight('z', 1e9); // the heaviest weight ever set decides when virtual time moves back
      s.setTenantWeight('z', 1);
      s.setTenantWeight('slow', slow!);
      s.setTenantWeight('fast', fast!);
      for (let i = 0; i < 3000; i++) {
        s.submit(i, { tenant: 'slow' });
        s.submit(3000 + i, { tenant: 'fast' });
      }
      // Restored twice along the way: the second copy starts from an origin moved back many times.
      let r = Scheduler.restore<number>(s.snapshot(), { clock: () => 0 });
      for (let i = 0; i < 2500; i++) {
        if (i === 700) r = Scheduler.restore<number>(r.snapshot(), { clock: () => 0 });
        const a = s.take()!;
        expect(r.take()).toEqual(a);
        s.ack(a.id);
        r.ack(a.id);
      }
    }
  });

  it('reads the fair-share fields of the builds that counted passes from an origin (a `fairShare` box, `passOrigin`)', () => {
    const { s } = pair<string>();
    s.setTenantWeight('heavy', 4);
    s.submit('gone 0', { tenant: 'gone' });
    for (let i = 0; i < 30; i++) for (const tenant of ['heavy', 'light']) s.submit(`${tenant} ${i}`, { tenant });
    // 'gone' is served and leaves the rotation a turn ahead of virtual time.
    for (let i = 0; i < 3; i++) s.ack(s.take()!.id);
    const bytes = s.snapshot();
    const body = JSON.parse(new TextDecoder().decode(bytes.subarray(44 + 'Scheduler'.length, bytes.length - 4)));
    // The same state as those builds wrote it: an origin 2^20 back, the rotation's passes counted
    // from it, and the pass of 'gone' (out of the rotation) from before it.
    body.fairShare = { origin: 2 ** 20, heaviest: body.heaviest };
    delete body.heaviest;
    for (const tenant of body.tenants) {
      if (tenant.name === 'gone') {
        tenant.pass += 2 ** 20;
        tenant.passOrigin = 0;
      } else tenant.passOrigin = 2 ** 20;
    }
    const legacy = Scheduler.restore<string>(writeSnapshot('Scheduler', body), { clock: () => 0 });
    const current = Scheduler.restore<string>(bytes, { clock: () => 0 });
    for (const r of [legacy, current]) for (let i = 1; i < 6; i++) r.submit(`gone ${i}`, { tenant: 'gone', id: `g${i}` });
    const order = (r: Scheduler<string>) =>
      Array.from({ length: 30 }, () => {
        const job = r.take()!;
        r.ack(job.id);
        return job.payload;
      });
    const expected = order(current);
    expect(expected.slice(0, 8)).toContain('gone 1');
    expect(order(legacy)).toEqual(expected);
  });

  it('a tenant cap set and then removed leaves no limit behind, in the original as in a restored copy', () => {
    let now = 0;
    const s = new Scheduler<string>({ clock: () => now });
    s.setTenantCapacity('t', 5);
    s.setTenantCapacity('t', undefined);
    s.submit('d', { id: 'd', delay: 10 });
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => now });
    now = 20;
    // With no limit, canAccept has no delayed jobs to count, so it reads no clock: neither moves time.
    expect([s.canAccept(), r.canAccept()]).toEqual([true, true]);
    expect([s.take(5), r.take(5)]).toEqual([undefined, undefined]);
  });

  it('keeps options, ids, pause and failure reasons', () => {
    const { s } = pair<string>({ capacity: 3, order: 'max', defaultAttempts: 1, maxDeadLetters: 2 });
    s.submit('a', { id: 10 });
    s.fail(s.take()!.id, Object.assign(new RangeError('disk full'), { code: 'ENOSPC' }));
    s.submit('b');
    s.fail(s.take()!.id, { status: 503 });
    s.pause();
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    expect(r.capacity).toBe(3);
    expect(r.paused).toBe(true);
    const [first, second] = r.deadLetters();
    expect(first!.history[0]!.reason).toBeInstanceOf(Error);
    expect(first!.history[0]!.reason).toMatchObject({ name: 'RangeError', message: 'disk full' });
    expect(second!.history[0]!.reason).toEqual({ status: 503 });
    // 10 was the caller's, 1 was issued to the dead letter 'b': both still held.
    expect(r.submit('c')).toBe(2);
    expect(r.submit('d')).toBe(3);
    expect(r.submit('e')).toBe(4);
    expect(r.trySubmit('f')).toBe(false);
    r.resume();
    expect(r.take()?.payload).toBe('c');
    expect(r.get(10)?.state).toBe('dead');
  });

  it('keeps an error’s own fields (code, status), its cause and an AggregateError’s errors, each as far as JSON can hold them', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED', port: 443, socket: { close() {} }, big: 1n });
    const wrapped = new TypeError('upstream failed', { cause: refused });
    const both = new AggregateError([refused, 'plain text', { status: 503 }], 'every replica failed', { cause: wrapped });
    const looped = new Error('its own cause');
    looped.cause = looped;
    const throwing = Object.defineProperty(new Error('unreadable cause'), 'cause', { get() { throw new Error('no'); } });
    const odd = Object.defineProperty(Object.assign(new Error('odd field'), { status: 500 }), '__proto__', { value: { not: 'a prototype' }, enumerable: true });
    const { s } = pair<string>({ maxDeadLetters: 5 });
    for (const reason of [wrapped, both, looped, throwing, odd]) {
      s.submit('job');
      s.fail(s.take()!.id, reason);
    }
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    const [a, b, c, d, e] = r.deadLetters().map((letter) => letter.history[0]!.reason as Error);
    expect(a).toBeInstanceOf(TypeError);
    expect(a!.cause).toBeInstanceOf(Error);
    // Functions and bigints have no JSON: those fields are left out, the rest kept.
    expect({ ...(a!.cause as object) }).toEqual({ code: 'ECONNREFUSED', port: 443, socket: {} });
    expect((a!.cause as Error).message).toBe(refused.message);
    expect(b).toBeInstanceOf(AggregateError);
    expect(b!.message).toBe('every replica failed');
    expect((b as AggregateError).errors).toEqual([a!.cause, 'plain text', { status: 503 }]);
    expect((b as AggregateError).errors[0]).toMatchObject({ code: 'ECONNREFUSED' });
    expect((b!.cause as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    // An error that is its own cause comes back as one.
    expect(c!.cause).toBe(c);
    // An error met twice in one reason comes back as one object.
    expect((b!.cause as Error).cause).toBe((b as AggregateError).errors[0]);
    expect(d!.message).toBe('unreadable cause');
    expect('cause' in d!).toBe(false);
    expect(Object.getPrototypeOf(e)).toBe(Error.prototype);
    expect(Object.getOwnPropertyDescriptor(e, '__proto__')?.value).toEqual({ not: 'a prototype' });
    expect((e as unknown as { status: number }).status).toBe(500);
    // Restored again, the same.
    const again = Scheduler.restore<string>(r.snapshot(), { clock: () => 0 });
    expect(again.deadLetters().map((letter) => letter.history[0]!.reason)).toEqual([a, b, c, d, e]);
  });

  it('a reason whose errors are shared or list themselves keeps each error once, and comes back as the same graph: the snapshot stays small', () => {
    const looped = new AggregateError([], 'lists itself');
    (looped as { errors: unknown[] }).errors = Array.from({ length: 10 }, () => looped);
    let shared: Error = Object.assign(new Error('root'), { code: 'E_ROOT' });
    for (let level = 0; level < 8; level++) shared = new AggregateError(Array.from({ length: 6 }, () => shared), `level ${level}`);
    const revoked = Proxy.revocable(new Error('gone'), {});
    revoked.revoke();
    const { s } = pair<string>({ maxDeadLetters: 3 });
    for (const reason of [looped, shared, revoked.proxy]) {
      s.submit('job');
      s.fail(s.take()!.id, reason);
    }
    const bytes = s.snapshot();
    expect(bytes.length).toBeLessThan(20_000);
    const [a, b, c] = Scheduler.restore<string>(bytes, { clock: () => 0 }).deadLetters().map((letter) => letter.history[0]!.reason);
    expect(a).toBeInstanceOf(AggregateError);
    expect((a as AggregateError).errors).toHaveLength(10);
    expect((a as AggregateError).errors.every((inner) => inner === a)).toBe(true);
    // Each level once, down to the root with its fields; the graph as it was.
    let at = b as AggregateError;
    for (let level = 7; level >= 0; level--) {
      expect(at.message).toBe(`level ${level}`);
      expect(at.errors).toHaveLength(6);
      expect(new Set(at.errors).size).toBe(1);
      at = at.errors[0] as AggregateError;
    }
    expect(at).toMatchObject({ message: 'root', code: 'E_ROOT' });
    expect(c).toBe('[unprintable]');
  });

  it('an errors list that cannot be read through, or an AggregateError without one, restores and snapshots again the same', () => {
    const e1 = new Error('e1');
    const unreadable: unknown[] = [e1, 0];
    Object.defineProperty(unreadable, 1, { get: () => { throw new Error('unreadable entry'); } });
    const partial = new AggregateError([], 'partial', { cause: e1 });
    (partial as { errors: unknown }).errors = unreadable;
    const stops: unknown[] = [e1];
    (stops as unknown as { [Symbol.iterator]: () => Iterator<unknown> })[Symbol.iterator] = function* () {
      yield e1;
      throw new Error('the iterator gave up');
    };
    const stopping = new AggregateError([], 'stopping', { cause: new Error('c', { cause: e1 }) });
    (stopping as { errors: unknown }).errors = stops;
    const renamed = Object.assign(new Error('renamed'), { name: 'AggregateError' });
    const { s } = pair<string>({ maxDeadLetters: 3 });
    for (const reason of [partial, stopping, renamed]) {
      s.submit('job');
      s.fail(s.take()!.id, reason);
    }
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    const [a, b, c] = r.deadLetters().map((letter) => letter.history[0]!.reason as AggregateError);
    expect(a!.cause).toMatchObject({ message: 'e1' });
    expect('errors' in a!).toBe(false);
    expect((b!.cause as Error).cause).toMatchObject({ message: 'e1' });
    expect((b!.cause as Error).cause).not.toBe(b!.cause);
    expect(c).toBeInstanceOf(AggregateError);
    expect('errors' in c!).toBe(false);
    const again = Scheduler.restore<string>(r.snapshot(), { clock: () => 0 });
    expect(again.snapshot()).toEqual(r.snapshot());
  });

  it('refuses a failure reason whose causes nest past the limit, or whose fields are malformed', () => {
    const { s } = pair<string>();
    s.submit('job');
    s.fail(s.take()!.id, new Error('top'));
    const bytes = s.snapshot();
    const body = JSON.parse(new TextDecoder().decode(bytes.subarray(44 + 'Scheduler'.length, bytes.length - 4)));
    const withReason = (reason: unknown) => {
      const copy = structuredClone(body);
      copy.dead[0].history[0].reason = reason;
      return writeSnapshot('Scheduler', copy);
    };
    let deep: unknown = { error: { name: 'Error', message: 'bottom' } };
    for (let i = 0; i < 100; i++) deep = { error: { name: 'Error', message: `level ${i}`, cause: deep } };
    expect(() => Scheduler.restore(withReason(deep))).toThrow(/causes nest deeper than/);
    // A reference to an error not decoded yet (here: the only one, itself) is refused.
    expect(() => Scheduler.restore(withReason({ error: { name: 'Error', message: 'm', cause: { error: { ref: 1 } } } }))).toThrow(SnapshotError);
    expect(() => Scheduler.restore(withReason({ error: { name: 'Error', message: 'm', errors: 'x' } }))).toThrow(SnapshotError);
    expect(() => Scheduler.restore(withReason({ error: { name: 'Error', message: 'm', fields: 5 } }))).toThrow(SnapshotError);
    expect(() => Scheduler.restore(withReason({ error: { name: 'Error', message: 'm', fields: { stack: 'forged' } } }))).toThrow(SnapshotError);
    expect(() => Scheduler.restore(withReason({ text: { toString: 1 } }))).toThrow(/malformed failure reason/);
    // A field that would hide a method every error has: String(reason) would throw.
    for (const name of ['toString', 'valueOf', 'toLocaleString', 'constructor', 'hasOwnProperty']) {
      expect(() => Scheduler.restore(withReason({ error: { name: 'Error', message: 'm', fields: { [name]: 'forged' } } }))).toThrow(/would hide the error's method/);
    }
    expect(Scheduler.restore(withReason({ error: { name: 'Error', message: 'm', fields: { code: 'E1' } } })).deadLetters()[0]!.history[0]!.reason).toMatchObject({ code: 'E1' });
  });

  it('leaves out an error\'s own field named after a method every error has, so the restored reason still prints', () => {
    const { s } = pair<string>();
    s.submit('job');
    const reason = Object.assign(new Error('shadowed'), { code: 'E_SHADOW' });
    Object.defineProperty(reason, 'toString', { value: 'not a function', enumerable: true });
    Object.defineProperty(reason, 'valueOf', { value: 42, enumerable: true });
    s.fail(s.take()!.id, reason);
    const restored = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 }).deadLetters()[0]!.history[0]!.reason as Error;
    expect(String(restored)).toBe('Error: shadowed');
    expect(Object.keys(restored)).toEqual(['code']);
    expect(restored).toMatchObject({ code: 'E_SHADOW' });
  });

  it('keeps an error whose name is also a member of every object (toString, __proto__, constructor)', () => {
    const names = ['toString', 'valueOf', 'hasOwnProperty', '__proto__', 'constructor', 'TypeError'];
    const { s } = pair<string>({ maxDeadLetters: names.length });
    for (const name of names) {
      s.submit(name);
      s.fail(s.take()!.id, Object.assign(new Error(`failed as ${name}`), { name }));
    }
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    const reasons = r.deadLetters().map((letter) => letter.history[0]!.reason as Error);
    for (const [k, name] of names.entries()) {
      expect(reasons[k]).toBeInstanceOf(Error);
      expect(reasons[k]!.name).toBe(name);
      expect(reasons[k]!.message).toBe(`failed as ${name}`);
    }
    expect(reasons[5]).toBeInstanceOf(TypeError);
  });

  it('keeps a reason that cannot print itself, or an error whose name or message is not text, and restores it', () => {
    const cyclic = Object.create(null) as Record<string, unknown>;
    cyclic.self = cyclic;
    const unprintable = { toJSON: () => { throw new Error('no json'); }, toString: () => { throw new Error('no text'); } };
    const numbered = Object.assign(new Error('x'), { message: 503 as unknown as string, name: 7 as unknown as string });
    const { s } = pair<string>({ maxDeadLetters: 3 });
    for (const reason of [cyclic, unprintable, numbered]) {
      s.submit('job');
      s.fail(s.take()!.id, reason);
    }
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    const reasons = r.deadLetters().map((letter) => letter.history[0]!.reason);
    expect(reasons.slice(0, 2).map(String)).toEqual(['[object Object]', '[object Object]']);
    expect(reasons[2]).toMatchObject({ name: '7', message: '503' });
  });

  it('a priority of -0 is 0, live and restored alike', () => {
    const { s } = pair<string>();
    const a = s.submit('a', { priority: -0 });
    const b = s.submit('b', { priority: 1 });
    s.reprioritize(b, -0);
    expect([Object.is(s.get(a)!.priority, 0), Object.is(s.get(b)!.priority, 0)]).toEqual([true, true]);
    const r = Scheduler.restore<string>(s.snapshot(), { clock: () => 0 });
    expect(r.get(a)).toEqual(s.get(a));
    expect(r.get(b)).toEqual(s.get(b));
  });

  it('payloads go through a codec', () => {
    const codec: Codec<Date> = { encode: (d) => d.toISOString(), decode: (t) => new Date(t) };
    const { s } = pair<Date>();
    const id = s.submit(new Date('2026-11-25T00:00:00Z'), { delay: 5 });
    const r = Scheduler.restore(s.snapshot({ codec }), { codec, clock: () => 0 });
    expect(r.get(id)?.payload).toEqual(new Date('2026-11-25T00:00:00Z'));
    expect(() => s.snapshot({ codec: { encode: () => { throw new Error('no'); }, decode: (t) => new Date(t) } })).toThrow(`Scheduler.snapshot: the payload of job ${id} could not be encoded`);
  });

  it('rejects damaged, foreign and inconsistent snapshots with SnapshotError', () => {
    const { s } = pair<string>();
    s.submit('a');
    const bytes = s.snapshot();
    const flipped = bytes.slice();
    flipped[60]! ^= 1;
    expect(() => Scheduler.restore(flipped)).toThrow(SnapshotError);
    expect(() => Scheduler.restore(bytes.subarray(0, bytes.length - 1))).toThrow(SnapshotError);
    expect(() => Scheduler.restore(new PriorityQueue().snapshot())).toThrow('this is a PriorityQueue snapshot, not a Scheduler one');
    const future = bytes.slice();
    new DataView(future.buffer).setUint16(4, 2, true);
    new DataView(future.buffer).setUint32(future.length - 4, crc32(future.subarray(0, future.length - 4)), true);
    expect(() => Scheduler.restore(future)).toThrow('Scheduler.restore: format version 2 is not supported');
    expect(() => Scheduler.restore(bytes, { maxBytes: 64 })).toThrow(`the snapshot is ${bytes.length} bytes, more than maxBytes (64)`);
    const body = JSON.parse(new TextDecoder().decode(bytes.subarray(44 + 'Scheduler'.length, bytes.length - 4)));
    const forge = (change: (b: typeof body) => void) => {
      const copy = structuredClone(body);
      change(copy);
      return writeSnapshot('Scheduler', copy);
    };
    expect(() => Scheduler.restore(forge((b) => b.dead.push({ ...b.lines[0].jobs[0], attempt: 1 })))).toThrow('appears twice');
    expect(() => Scheduler.restore(forge((b) => (b.lines[0].jobs[0].attempt = 7)))).toThrow(SnapshotError);
    expect(() => Scheduler.restore(forge((b) => (b.lines[0].jobs[0].attempt = b.lines[0].jobs[0].attempts)))).toThrow('is waiting with no attempt left');
    // A dead letter past its attempts, and a tenant's line that holds no job, are refused too.
    expect(() => Scheduler.restore(forge((b) => b.dead.push({ ...b.lines[0].jobs[0], id: 'z', attempt: b.lines[0].jobs[0].attempts + 1 })))).toThrow(SnapshotError);
    expect(() => Scheduler.restore(forge((b) => b.lines.push({ tenant: 'ghost', jobs: [] })))).toThrow(SnapshotError);
    // A job in flight or dead has made an attempt.
    for (const place of ['inFlight', 'dead']) {
      const madeNone = forge((b) => b[place].push({ ...b.lines[0].jobs[0], id: 'z', attempt: 0 }));
      expect(() => Scheduler.restore(madeNone)).toThrow(`job "z" is ${place} but has made no attempt`);
      expect(Scheduler.restore(forge((b) => b[place].push({ ...b.lines[0].jobs[0], id: 'z', attempt: 1 }))).get('z')?.attempt).toBe(1);
    }
    expect(() => Scheduler.restore(forge((b) => (b.lines[0].jobs[0].backoff.type = 'cubic')))).toThrow(SnapshotError);
    expect(() => Scheduler.restore(forge((b) => (b.capacity = 0)))).toThrow(SnapshotError);
    // Numbers no live scheduler holds: limits and attempts past 2^53 - 1, an id counter past 2^52
    // (ids issued twice, or a hang looking for a free one), a pass that waits out every other line.
    for (const field of ['capacity', 'maxDelayed', 'tenantCapacity', 'defaultAttempts', 'maxDeadLetters']) {
      expect(() => Scheduler.restore(forge((b) => (b[field] = 2 ** 53)))).toThrow(`malformed field \`${field}\``);
    }
    expect(() => Scheduler.restore(forge((b) => (b.lines[0].jobs[0].attempts = 2 ** 53 + 2)))).toThrow('malformed field `attempts`');
    expect(() => Scheduler.restore(forge((b) => (b.nextId = Number.MAX_SAFE_INTEGER)))).toThrow('malformed field `nextId`');
    expect(() => Scheduler.restore(forge((b) => (b.tenants[0].pass = b.virtualTime + 1e300)))).toThrow(/has its next turn further ahead/);
    expect(() => Scheduler.restore(forge((b) => (b.tenants[0].pass = b.virtualTime + 1e9)), { clock: () => 0 }).dispose()).not.toThrow();
    expect(() => Scheduler.restore(forge((b) => (b.lines[0].tenant = 'other')))).toThrow('belongs to another tenant');
    expect(() => Scheduler.restore(forge((b) => (b.heaviest = 0.5)))).toThrow('malformed field `heaviest`');
    expect(() => Scheduler.restore(forge((b) => (b.tenants[0].pass = 'x')))).toThrow('malformed field `pass`');
    // An older snapshot (no heaviest weight, a number for every pass) restores as before.
    expect(() => Scheduler.restore(forge((b) => (delete b.heaviest, b.tenants.forEach((t: { pass: number | null }) => (t.pass ??= 0)))), { clock: () => 0 }).dispose()).not.toThrow();
    expect(() => Scheduler.restore(forge((b) => (b.capacity = 1)), { clock: () => 0 })).not.toThrow();
    expect(() => Scheduler.restore(forge((b) => b.delayed.push({ ...b.lines[0].jobs[0], id: 'x' }) && (b.capacity = 1)))).toThrow('exceed the snapshot');
    expect(() => Scheduler.restore(forge((b) => (b.lines[0].jobs[0].payload = '{')))).toThrow(SnapshotError);
    // An id counter behind a held issued id would give that id to the next job.
    expect(() => Scheduler.restore(forge((b) => (b.nextId = 1)))).toThrow('job 1 is past the id counter (nextId 1)');
    expect(() => Scheduler.restore(forge((b) => ((b.nextId = 1), (b.highestCallerNumber = 1))), { clock: () => 0 })).not.toThrow();
  });

  it('rejects flipped bits, truncation, trailing bytes, another version or kind, too many bytes', () => {
    const { s } = pair<string>({ defaultAttempts: 2 });
    s.submit('a', { tenant: 't' });
    s.submit('b', { delay: 5 });
    s.fail(s.take()!.id, new Error('x'));
    s.take();
    expectRejectsDamage('Scheduler.restore', s.snapshot(), (bytes, maxBytes) => Scheduler.restore(bytes, { maxBytes, clock: () => 0 }).dispose());
  });

  it('a disposed scheduler refuses to snapshot', () => {
    const { s } = pair<string>();
    s.dispose();
    expect(() => s.snapshot()).toThrow('Scheduler.snapshot: the scheduler was disposed');
  });

  it('checks the clock, random source and arena it is given under its own name, before reading', () => {
    const bytes = new Scheduler<string>().snapshot();
    expect(() => Scheduler.restore(bytes, { clock: 5 as never })).toThrow('Scheduler.restore: expected `clock` to be a function, got 5');
    expect(() => Scheduler.restore(bytes, { random: 'x' as never })).toThrow('Scheduler.restore: expected `random` to be a function, got "x"');
    expect(() => Scheduler.restore(bytes, { arena: {} as never })).toThrow(/^Scheduler\.restore: expected `arena`/);
    // the options come first: a bad clock with damaged bytes names the clock
    expect(() => Scheduler.restore(new Uint8Array(3), { clock: 5 as never })).toThrow(/`clock`/);
  });
});
