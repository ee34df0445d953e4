import { describe, expect, it } from 'vitest';
import {
  Arena,
  CapacityError,
  FlatschedError,
  InvalidArgumentError,
  InvalidPriorityError,
  NotFoundError,
  Scheduler,
  StateError,
  type JobRecord,
} from '../../src/index.js';
import { drain, scheduler } from './fake-clock.js';

/** Everything a caller can observe, to show a rejected call changed nothing. */
function observe(s: Scheduler<string>) {
  return { stats: s.stats(), dead: s.deadLetters(), due: s.nextDueIn() };
}

describe('Scheduler lifecycle', () => {
  describe('ids', () => {
    it('an id of -0 is the id 0, handed back as 0', () => {
      const { s } = scheduler();
      expect(Object.is(s.submit('a', { id: -0 }), 0)).toBe(true);
      expect(Object.is(s.take()!.id, 0)).toBe(true);
      expect(() => s.submit('b', { id: 0 })).toThrow(StateError);
    });

    it('issues numbers from 1 up', () => {
      const { s } = scheduler();
      expect([s.submit('a'), s.submit('b'), s.submit('c')]).toEqual([1, 2, 3]);
    });

    it("takes the caller's string or number id and skips issued numbers the caller took", () => {
      const { s } = scheduler();
      expect(s.submit('a', { id: 'deploy-42' })).toBe('deploy-42');
      expect(s.submit('b', { id: 2 })).toBe(2);
      expect(s.submit('c')).toBe(1);
      expect(s.submit('d')).toBe(3);
      expect(s.take()).toMatchObject({ id: 'deploy-42', payload: 'a' });
    });

    it('rejects a duplicate of a held job in every state, dead letters included', () => {
      const { s } = scheduler();
      s.submit('w', { id: 'w' });
      s.submit('d', { id: 'd', delay: 10 });
      s.submit('f', { id: 'f' });
      s.submit('x', { id: 'x' });
      s.take();
      s.take();
      s.take();
      s.fail('x', 'boom');
      s.submit('w2', { id: 'w2' });
      for (const id of ['w2', 'd', 'x', 'w']) {
        const before = observe(s);
        expect(() => s.submit('dup', { id })).toThrow(StateError);
        expect(observe(s)).toEqual(before);
      }
      expect(() => s.submit('dup', { id: 'd' })).toThrow('Scheduler.submit: job "d" is already held (delayed)');
    });

    it('forgets acked and cancelled ids, so they can be submitted again', () => {
      const { s } = scheduler();
      s.submit('a', { id: 'a' });
      s.ack(s.take()!.id);
      expect(s.get('a')).toBeUndefined();
      expect(s.submit('a again', { id: 'a' })).toBe('a');
      s.cancel('a');
      expect(s.submit('a third time', { id: 'a' })).toBe('a');
    });

    it('never reissues an issued number, even after it was acked', () => {
      const { s } = scheduler();
      const first = s.submit('a');
      s.ack(s.take()!.id);
      expect(s.submit('b')).not.toBe(first);
    });

    it('rejects ids that are neither strings nor finite numbers', () => {
      const { s } = scheduler();
      for (const id of [Number.NaN, Infinity, {}, null, 1n, true]) {
        expect(() => s.submit('x', { id: id as never })).toThrow(InvalidArgumentError);
      }
      expect(s.size).toBe(0);
    });
  });

  describe('get and states', () => {
    it('reports waiting, delayed, in-flight and dead, and undefined once gone', () => {
      const { s, clock } = scheduler();
      clock.now = 5;
      const w = s.submit('w', { priority: 1 });
      const d = s.submit('d', { delay: 10 });
      const f = s.submit('f', { priority: 0 });
      const x = s.submit('x', { priority: 0 });
      s.take();
      s.take();
      s.fail(x, 'boom');
      const base = { tenant: 'default', attempts: 1, submittedAt: 5, history: [] };
      expect(s.get(w)).toEqual<JobRecord<string>>({ ...base, id: w, payload: 'w', priority: 1, state: 'waiting', attempt: 0, dueAt: undefined });
      expect(s.get(d)).toEqual<JobRecord<string>>({ ...base, id: d, payload: 'd', priority: 0, state: 'delayed', attempt: 0, dueAt: 15 });
      expect(s.get(f)).toMatchObject({ state: 'in-flight', attempt: 1 });
      expect(s.get(x)).toMatchObject({ state: 'dead', attempt: 1, history: [{ attempt: 1, reason: 'boom', startedAt: 5, failedAt: 5 }] });
      s.ack(f);
      expect(s.get(f)).toBeUndefined();
      expect(s.get('never')).toBeUndefined();
    });

    it('hands out copies: changing a record changes nothing inside', () => {
      const { s } = scheduler({ defaultAttempts: 1 });
      const id = s.submit('x');
      s.take();
      s.fail(id, 'boom');
      const record = s.get(id)!;
      (record.history as unknown[]).push('forged');
      expect(s.get(id)!.history).toHaveLength(1);
    });
  });

  describe('cancel', () => {
    it('removes a job in each state and returns true; false for an id not held', () => {
      const { s, clock } = scheduler();
      const w = s.submit('w');
      const d = s.submit('d', { delay: 10 });
      const f = s.submit('f');
      const x = s.submit('x');
      s.submit('keep');
      s.take(); // w
      s.cancel(w); // in-flight
      s.take(); // f
      s.fail(f, 'boom'); // dead
      expect(s.get(x)?.state).toBe('waiting');
      expect([s.cancel(x), s.cancel(d), s.cancel(f)]).toEqual([true, true, true]);
      expect([s.cancel(w), s.cancel(x), s.cancel('never')]).toEqual([false, false, false]);
      expect(s.stats()).toMatchObject({ waiting: 1, delayed: 0, inFlight: 0, dead: 0, size: 1 });
      expect(s.deadLetters()).toEqual([]);
      clock.advance(100);
      expect(drain(s)).toEqual(['keep']);
    });

    it("emits 'cancelled' with the job as it was, in each state, after the change and before 'idle'; nothing for an id not held", () => {
      const { s } = scheduler({ defaultAttempts: 1 });
      const heard: string[] = [];
      s.on('cancelled', ({ job }) => heard.push(`${job.payload} ${job.state} attempt ${job.attempt} held=${s.get(job.id) !== undefined}`));
      s.on('idle', () => heard.push('idle'));
      const inFlight = s.submit('in-flight');
      const dead = s.submit('dead');
      const delayed = s.submit('delayed', { delay: 10 });
      const waiting = s.submit('waiting');
      s.take();
      s.fail(s.take()!.id, 'boom');
      for (const id of [inFlight, dead, delayed, 'never', waiting]) s.cancel(id);
      expect(heard).toEqual([
        'in-flight in-flight attempt 1 held=false',
        'dead dead attempt 1 held=false',
        'delayed delayed attempt 0 held=false',
        'waiting waiting attempt 0 held=false',
        'idle',
      ]);
    });

    it('of an in-flight job makes its later ack or fail a NotFoundError', () => {
      const { s } = scheduler();
      const id = s.submit('x');
      s.take();
      s.cancel(id);
      expect(() => s.ack(id)).toThrow(NotFoundError);
      expect(() => s.fail(id, 'x')).toThrow(NotFoundError);
    });

    it('of the only waiting job of a tenant leaves the other tenants served', () => {
      const { s } = scheduler();
      const a = s.submit('a', { tenant: 'A' });
      s.submit('b', { tenant: 'B' });
      s.cancel(a);
      expect(drain(s)).toEqual(['b']);
      s.submit('a2', { tenant: 'A' });
      expect(drain(s)).toEqual(['a2']);
    });
  });

  describe('capacity', () => {
    it('counts waiting, delayed and in-flight jobs and throws CapacityError past it, losing nothing', () => {
      const { s } = scheduler({ capacity: 3 });
      s.submit('a');
      s.submit('b', { delay: 10 });
      s.submit('c');
      s.take();
      const before = observe(s);
      expect(() => s.submit('d')).toThrow(CapacityError);
      expect(() => s.submit('d')).toThrow('Scheduler.submit: capacity (3) exceeded: 3 jobs held, 1 more asked for');
      expect(s.trySubmit('d')).toBe(false);
      expect(observe(s)).toEqual(before);
      expect(s.size).toBe(3);
    });

    it('makes room when a job is acked or cancelled, and a retry never needs new room', () => {
      const { s, clock } = scheduler({ capacity: 2, defaultAttempts: 3, backoff: 5 });
      const a = s.submit('a');
      s.submit('b');
      s.take();
      expect(s.fail(a, 'x')).toBe('delayed');
      expect(s.trySubmit('c')).toBe(false);
      clock.advance(5);
      s.take();
      s.take();
      s.ack(a);
      expect(s.trySubmit('c')).toBe(3);
    });

    it('submitMany is all or nothing', () => {
      const { s } = scheduler({ capacity: 3 });
      s.submit('a', { id: 'a' });
      const before = observe(s);
      expect(() => s.submitMany([{ payload: 'b' }, { payload: 'c' }, { payload: 'd' }])).toThrow(CapacityError);
      expect(() => s.submitMany([{ payload: 'b' }, { payload: 'c', priority: Number.NaN }])).toThrow(InvalidPriorityError);
      expect(() => s.submitMany([{ payload: 'b' }, { payload: 'c', id: 'a' }])).toThrow(StateError);
      expect(() => s.submitMany([{ payload: 'b', id: 'z' }, { payload: 'c', id: 'z' }])).toThrow('entries[1]: id "z" appears twice');
      expect(() => s.submitMany([{ payload: 'b' }, null as never])).toThrow(InvalidArgumentError);
      expect(() => s.submitMany(5 as never)).toThrow(InvalidArgumentError);
      expect(observe(s)).toEqual(before);
    });

    it('a full arena is a CapacityError with nothing lost', () => {
      const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
      const s = new Scheduler<number>({ arena, clock: () => 0 });
      let accepted = 0;
      while (s.trySubmit(accepted, { delay: accepted % 2 }) !== false) accepted++;
      expect(accepted).toBeGreaterThan(1000);
      expect(s.size).toBe(accepted);
      expect(() => s.submit(-1, { delay: accepted % 2 })).toThrow(CapacityError);
      const big = Array.from({ length: 100_000 }, (_, i) => ({ payload: -i }));
      expect(() => s.submitMany(big)).toThrow(CapacityError);
      expect(s.size).toBe(accepted);
      // Every accepted job is still there, once each.
      const seen = new Set<number>();
      for (let job = s.take(1); job; job = s.take(1)) {
        seen.add(job.payload);
        s.ack(job.id);
      }
      expect(seen.size).toBe(accepted);
      expect(Math.min(...seen)).toBe(0);
      s.dispose();
    });
  });

  describe('submitMany', () => {
    it('behaves like submits in a row: ids, order, tenants, delays', () => {
      const { s, clock } = scheduler();
      s.submit('before', { id: 2 });
      const ids = s.submitMany([
        { payload: 'a', priority: 1 },
        { payload: 'b', tenant: 'B' },
        { payload: 'c', id: 'mine', priority: 0 },
        { payload: 'd', delay: 5 },
        { payload: 'e', priority: 1 },
        { payload: 'f', delay: 5 },
      ]);
      expect(ids).toEqual([1, 3, 'mine', 4, 5, 6]);
      expect(s.submit('after')).toBe(7);
      clock.advance(5);
      // 'after' (priority 0) was due before d and f, which outrank a and e once due.
      expect(drain(s)).toEqual(['before', 'b', 'c', 'after', 'd', 'f', 'a', 'e']);
    });

    it('issues ids that skip the batch’s own given ids, notes its caller numbers, and never issues a number twice', () => {
      const { s } = scheduler();
      // A given id ahead of the entry that gets an issued one.
      expect(s.submitMany([{ payload: 'given', id: 1 }, { payload: 'issued' }])).toEqual([1, 2]);
      expect([s.get(1)?.payload, s.get(2)?.payload, s.size]).toEqual(['given', 'issued', 2]);
      // A caller's number in a batch counts as taken by the caller, as a submit's would.
      const t = scheduler().s;
      t.submitMany([{ payload: 'caller', id: 2 }]);
      expect([t.submit('first issued'), t.submit('second issued')]).toEqual([1, 3]);
      // The counter moves past a batch: its ids are not issued again once their jobs leave.
      const u = scheduler().s;
      const [a] = u.submitMany([{ payload: 'a' }]);
      u.ack(u.take()!.id);
      expect([a, u.submit('b')]).toEqual([1, 2]);
    });

    it('accepts any iterable and an empty batch', () => {
      const { s } = scheduler();
      expect(s.submitMany(new Set([{ payload: 'x' }]))).toEqual([1]);
      expect(s.submitMany([])).toEqual([]);
    });
  });

  describe('bad input', () => {
    it('throws typed errors naming the call and the value, changing nothing', () => {
      const { s } = scheduler();
      s.submit('keep', { delay: 3 });
      const before = observe(s);
      const cases: [() => unknown, new (...args: never[]) => Error, string][] = [
        [() => s.submit('x', { priority: Number.NaN }), InvalidPriorityError, 'Scheduler.submit: expected a finite number priority, got NaN'],
        [() => s.submit('x', { delay: -1 }), InvalidArgumentError, 'Scheduler.submit: expected `delay` to be a number of milliseconds >= 0, got -1'],
        [() => s.submit('x', { delay: Infinity }), InvalidArgumentError, 'got Infinity'],
        [() => s.submit('x', { attempts: 0 }), InvalidArgumentError, 'Scheduler.submit: expected `attempts` to be an integer >= 1, got 0'],
        [() => s.submit('x', { attempts: 1.5 }), InvalidArgumentError, 'got 1.5'],
        [() => s.submit('x', { tenant: '' }), InvalidArgumentError, 'expected `tenant` to be a non-empty string, got ""'],
        [() => s.submit('x', { tenant: 7 as never }), InvalidArgumentError, 'got 7'],
        [() => s.submit('x', { backoff: { type: 'cubic' as never, base: 1 } }), InvalidArgumentError, "expected `backoff.type` to be 'fixed' or 'linear' or 'exponential', got \"cubic\""],
        [() => s.submit('x', { backoff: { type: 'fixed', base: -5 } }), InvalidArgumentError, 'expected `backoff.base` to be a number of milliseconds >= 0, got -5'],
        [() => s.submit('x', { backoff: { type: 'fixed', base: 5, max: Number.NaN } }), InvalidArgumentError, 'backoff.max'],
        [() => s.submit('x', { backoff: { type: 'fixed', base: 5, jitter: 'yes' as never } }), InvalidArgumentError, 'backoff.jitter'],
        [() => s.submit('x', 5 as never), InvalidArgumentError, 'Scheduler.submit: expected an options object, got 5'],
        [() => s.take('soon' as never), InvalidArgumentError, 'Scheduler.take: expected `now` to be a finite number'],
        [() => s.cancel({} as never), InvalidArgumentError, 'Scheduler.cancel: expected a job id'],
        [() => s.setTenantWeight('a', 0), InvalidArgumentError, 'Scheduler.setTenantWeight: expected `weight` to be a number from 1e-9 to 1e9, got 0'],
        [() => s.setTenantWeight('a', Infinity), InvalidArgumentError, 'got Infinity'],
        [() => s.setTenantWeight('a', 1e-308), InvalidArgumentError, 'got 1e-308'],
        [() => s.setTenantWeight('a', 2e9), InvalidArgumentError, 'got 2000000000'],
        [() => s.on('done' as never, () => {}), InvalidArgumentError, "Scheduler.on: expected `name` to be 'completed' or"],
        [() => s.on('idle', 'fn' as never), InvalidArgumentError, 'expected `listener` to be a function'],
      ];
      for (const [call, type, message] of cases) {
        expect(call).toThrow(type);
        expect(call).toThrow(message);
        try {
          call();
        } catch (error) {
          expect(error).toBeInstanceOf(FlatschedError);
        }
      }
      expect(observe(s)).toEqual(before);
    });

    it('rejects bad constructor options', () => {
      const bad: [object, string][] = [
        [{ capacity: 0 }, 'Scheduler: expected `capacity` to be an integer >= 1, got 0'],
        [{ defaultAttempts: -1 }, 'Scheduler: expected `defaultAttempts` to be an integer >= 1, got -1'],
        [{ maxDeadLetters: 0.5 }, 'maxDeadLetters'],
        [{ order: 'desc' }, "Scheduler: expected `order` to be 'min' or 'max', got \"desc\""],
        [{ clock: 5 }, 'Scheduler: expected `clock` to be a function, got 5'],
        [{ random: 'seeded' }, 'expected `random` to be a function'],
        [{ backoff: 'fast' }, 'expected `backoff` to be an object or a number of milliseconds'],
        [{ arena: {} }, 'Scheduler'],
      ];
      for (const [options, message] of bad) expect(() => new Scheduler(options as never)).toThrow(message);
      expect(() => new Scheduler(3 as never)).toThrow(InvalidArgumentError);
    });

    it('rejects a clock that returns a non-finite number', () => {
      const s = new Scheduler<string>({ clock: () => Number.NaN });
      expect(() => s.submit('x')).toThrow('Scheduler.submit: the clock returned NaN');
      expect(s.size).toBe(0);
    });
  });

  describe('stats', () => {
    it('counts per state and per tenant, with weights, and the oldest wait', () => {
      const { s, clock } = scheduler();
      s.setTenantWeight('idle-team', 3);
      s.submit('a1', { tenant: 'A' });
      clock.advance(10);
      s.submit('a2', { tenant: 'A', delay: 50 });
      s.submit('b1', { tenant: 'B' });
      const b2 = s.submit('b2', { tenant: 'B' });
      s.take(); // a1
      const b = s.take()!; // b1
      s.fail(b.id, 'x');
      clock.advance(5);
      const stats = s.stats();
      expect(stats).toMatchObject({ waiting: 1, delayed: 1, inFlight: 1, dead: 1, size: 3, capacity: Infinity, paused: false, oldestWait: 5 });
      expect({ ...stats.tenants }).toEqual({
        'idle-team': { waiting: 0, delayed: 0, inFlight: 0, dead: 0, weight: 3 },
        A: { waiting: 0, delayed: 1, inFlight: 1, dead: 0, weight: 1 },
        B: { waiting: 1, delayed: 0, inFlight: 0, dead: 1, weight: 1 },
      });
      clock.advance(100);
      expect(s.stats()).toMatchObject({ waiting: 2, delayed: 0, oldestWait: 105 });
      s.cancel(b2);
      // a2 has waited since it became due at 60, not since it was noticed at 115.
      expect(s.stats()).toMatchObject({ waiting: 1, oldestWait: 55 });
    });

    it('oldestWait is 0 when nothing waits', () => {
      const { s, clock } = scheduler();
      s.submit('x', { delay: 10 });
      clock.advance(5);
      expect(s.stats().oldestWait).toBe(0);
    });
  });

  describe('pause and resume', () => {
    it('take returns undefined while paused; submits are still accepted', () => {
      const { s } = scheduler();
      s.submit('a');
      s.pause();
      expect(s.paused).toBe(true);
      expect(s.take()).toBeUndefined();
      s.submit('b');
      expect(s.stats()).toMatchObject({ waiting: 2, paused: true });
      s.resume();
      expect(drain(s)).toEqual(['a', 'b']);
    });

    it('a take while paused neither reads the clock nor moves the scheduler\'s time, with or without `now`', () => {
      let reads = 0;
      const s = new Scheduler<string>({ clock: () => (reads++, 0) });
      s.submit('later', { delay: 50 });
      reads = 0;
      s.pause();
      expect(s.take(100)).toBeUndefined();
      expect(s.take()).toBeUndefined();
      expect(reads).toBe(0);
      expect(() => s.take(Number.NaN)).toThrow(InvalidArgumentError); // a bad argument is still refused
      s.resume();
      expect(s.take(10)).toBeUndefined(); // at 10 the job is not due: time did not move to 100
      expect(s.stats()).toMatchObject({ delayed: 1, waiting: 0 });
      expect(s.take(50)?.payload).toBe('later');
    });
  });

  describe('onIdle and onEmpty', () => {
    it('resolve at once when already true', async () => {
      const { s } = scheduler();
      await expect(s.onIdle()).resolves.toBeUndefined();
      await expect(s.onEmpty()).resolves.toBeUndefined();
      s.submit('x');
      s.take();
      await expect(s.onEmpty()).resolves.toBeUndefined();
    });

    it('onEmpty resolves when nothing is waiting or delayed, onIdle when nothing is in flight either', async () => {
      const { s, clock } = scheduler();
      const order: string[] = [];
      s.submit('a');
      s.submit('b', { delay: 10 });
      const empty = s.onEmpty().then(() => order.push('empty'));
      const idle = s.onIdle().then(() => order.push('idle'));
      const a = s.take()!;
      await Promise.resolve();
      expect(order).toEqual([]);
      clock.advance(10);
      const b = s.take()!;
      await empty;
      expect(order).toEqual(['empty']);
      s.ack(a.id);
      await Promise.resolve();
      expect(order).toEqual(['empty']);
      s.fail(b.id, 'x'); // dead letters do not keep the scheduler busy
      await idle;
      expect(order).toEqual(['empty', 'idle']);
    });
  });

  describe('reentrancy', () => {
    it('a listener may call back into the scheduler; events keep their order', () => {
      const { s } = scheduler();
      const log: string[] = [];
      let requeued = false;
      s.on('dead', ({ job }) => {
        log.push(`dead ${job.payload}`);
        // Still dead when the listener runs: the change is complete.
        expect(s.get(job.id)?.state).toBe('dead');
        if (!requeued) {
          requeued = true;
          s.requeue(job.id);
          const again = s.take()!;
          s.fail(again.id, 'still failing');
          log.push('requeued and failed again');
        }
      });
      s.on('completed', ({ job }) => log.push(`completed ${job.payload}`));
      s.on('idle', () => log.push('idle'));
      s.on('completed', ({ job }) => {
        if (job.payload === 'parent') s.submit('child');
      });
      s.submit('first');
      s.fail(s.take()!.id, 'x');
      // 'idle' once, after the listeners of the change ran (the requeue made it busy again meanwhile).
      expect(log).toEqual(['dead first', 'requeued and failed again', 'dead first', 'idle']);
      s.submit('parent');
      s.ack(s.take()!.id);
      expect(s.stats().waiting).toBe(1);
      expect(s.take()?.payload).toBe('child');
    });

    it('a follow-up job a listener submits keeps the scheduler from being idle: onIdle waits for it, no idle event before it', async () => {
      const { s } = scheduler();
      const log: string[] = [];
      s.on('completed', ({ job }) => {
        log.push(`completed ${job.payload}`);
        if (job.payload === 'build') s.submit('deploy');
      });
      s.on('idle', () => log.push(`idle (size ${s.size})`));
      let idle = false;
      s.submit('build');
      void s.onIdle().then(() => (idle = true));
      s.ack(s.take()!.id);
      await Promise.resolve();
      expect(idle).toBe(false);
      expect(log).toEqual(['completed build']);
      s.ack(s.take()!.id);
      await Promise.resolve();
      expect(idle).toBe(true);
      expect(log).toEqual(['completed build', 'completed deploy', 'idle (size 0)']);
    });

    it('onIdle called from an idle listener that submits a job and finishes it at once resolves, and idle is said again', async () => {
      const { s } = scheduler();
      const log: string[] = [];
      let resolved = false;
      s.on('idle', () => {
        log.push(`idle (size ${s.size})`);
        if (log.length > 1) return;
        s.submit('follow-up');
        void s.onIdle().then(() => (resolved = true));
        s.ack(s.take()!.id);
      });
      s.submit('first');
      s.ack(s.take()!.id);
      await Promise.resolve();
      expect(resolved).toBe(true);
      expect(log).toEqual(['idle (size 0)', 'idle (size 0)']);
    });

    it('a throwing listener does not stop the others; its error surfaces after the change', () => {
      const { s } = scheduler();
      const heard: string[] = [];
      s.on('completed', () => {
        throw new Error('listener bug');
      });
      s.on('completed', ({ job }) => heard.push(String(job.payload)));
      const id = s.submit('x');
      s.take();
      expect(() => s.ack(id)).toThrow('listener bug');
      expect(heard).toEqual(['x']);
      expect(s.get(id)).toBeUndefined();
    });

    it('with several listeners throwing, the first error is the one rethrown; a once listener that throws is still gone', () => {
      const { s } = scheduler();
      let onceCalls = 0;
      s.once('completed', () => {
        onceCalls++;
        throw new Error('once');
      });
      s.on('completed', () => {
        throw new Error('second');
      });
      for (const [payload, first] of [['a', 'once'], ['b', 'second'], ['c', 'second']] as const) {
        const id = s.submit(payload);
        s.take();
        expect(() => s.ack(id)).toThrow(first);
        expect(s.get(id)).toBeUndefined();
      }
      expect(onceCalls).toBe(1);
    });

    it('with listeners of two events throwing in one call, the first event’s error is the one rethrown', () => {
      const { s } = scheduler();
      s.on('completed', () => {
        throw new Error('from completed');
      });
      s.on('idle', () => {
        throw new Error('from idle');
      });
      const id = s.submit('a');
      s.take();
      expect(() => s.ack(id)).toThrow('from completed');
    });

    it('off and once remove listeners', () => {
      const { s } = scheduler();
      const heard: string[] = [];
      const listener = () => heard.push('on');
      s.on('idle', listener);
      s.once('idle', () => heard.push('once'));
      for (let round = 0; round < 2; round++) {
        s.submit('a');
        s.ack(s.take()!.id);
      }
      s.off('idle', listener);
      s.submit('b');
      s.ack(s.take()!.id);
      expect(heard).toEqual(['on', 'once', 'on']);
      // off removes a once listener before it is heard, as EventEmitter's does.
      const never = () => heard.push('never');
      s.once('idle', never);
      s.off('idle', never);
      s.submit('c');
      s.ack(s.take()!.id);
      expect(heard).toEqual(['on', 'once', 'on']);
    });
  });

  describe('dispose', () => {
    it('frees the queues, rejects waiters and refuses later calls', async () => {
      const { s } = scheduler();
      s.submit('a', { tenant: 'A' });
      s.submit('b', { delay: 10 });
      const idle = s.onIdle();
      const empty = s.onEmpty();
      s.dispose();
      await expect(idle).rejects.toBeInstanceOf(StateError);
      await expect(empty).rejects.toBeInstanceOf(StateError);
      expect(() => s.submit('c')).toThrow('Scheduler.submit: the scheduler was disposed');
      expect(() => s.take()).toThrow(StateError);
      for (const call of [() => s.tenantWeight('A'), () => s.tenantCapacity('A'), () => s.on('idle', () => {}), () => s.once('idle', () => {}), () => s.get('a')]) {
        expect(call).toThrow(StateError);
      }
      // Logs may still print it: its counts are 0.
      expect(JSON.parse(JSON.stringify(s))).toMatchObject({ waiting: 0, delayed: 0, inFlight: 0, dead: 0, size: 0, tenants: {} });
      // Teardown in any order stays quiet: off, stop and a second dispose.
      s.off('idle', () => {});
      await s.stop();
      s.dispose();
    });

    it('gives the memory back to its arena', () => {
      const arena = new Arena();
      // A clock that stands still: with the real one, a slow fill sees some delayed jobs fall
      // due and moves them into ready lines, so the two fills would not ask for the same memory.
      const clock = () => 0;
      const s = new Scheduler<number>({ arena, clock });
      for (let i = 0; i < 10_000; i++) s.submit(i, { tenant: `t${i % 100}`, delay: i % 2 });
      const s2 = new Scheduler<number>({ arena, clock });
      s.dispose();
      // The freed blocks are reused: filling a second scheduler the same way needs no new memory.
      const pages = (arena as unknown as { core: { memory: WebAssembly.Memory } }).core.memory?.buffer.byteLength;
      for (let i = 0; i < 10_000; i++) s2.submit(i, { tenant: `t${i % 100}`, delay: i % 2 });
      if (pages !== undefined) expect((arena as unknown as { core: { memory: WebAssembly.Memory } }).core.memory.buffer.byteLength).toBe(pages);
      s2.dispose();
    });
  });
});
