import { describe, expect, it } from 'vitest';
import { CapacityError, InvalidArgumentError, NotFoundError, StateError, type Backoff, type Scheduler, type SchedulerEvents } from '../../src/index.js';
import { backoffWait, backoffPolicy } from '../../src/scheduler/backoff.js';
import { FakeClock, scheduler } from './fake-clock.js';

/** Takes the job, fails it, and returns the wait before its retry (undefined once dead). */
function failOnce<T>(s: Scheduler<T>, clock: FakeClock): number | undefined {
  const nextDue = s.nextDueIn();
  if (nextDue === undefined) return undefined;
  clock.advance(nextDue);
  const job = s.take()!;
  if (s.fail(job.id, new Error(`attempt ${job.attempt}`)) === 'dead') return undefined;
  return s.get(job.id)!.dueAt === undefined ? 0 : s.get(job.id)!.dueAt! - clock.now;
}

function waits(backoff: Backoff | number | undefined, attempts: number): (number | undefined)[] {
  const { s, clock } = scheduler({ backoff, defaultAttempts: attempts });
  s.submit('deploy');
  const out: (number | undefined)[] = [];
  for (let i = 0; i < attempts; i++) out.push(failOnce(s, clock));
  return out;
}

describe('Scheduler retries', () => {
  it('fixed backoff waits base before every retry', () => {
    expect(waits({ type: 'fixed', base: 250 }, 4)).toEqual([250, 250, 250, undefined]);
  });

  it('linear backoff waits base·n before retry n', () => {
    expect(waits({ type: 'linear', base: 100 }, 5)).toEqual([100, 200, 300, 400, undefined]);
  });

  it('exponential backoff waits base·2^(n−1) before retry n', () => {
    expect(waits({ type: 'exponential', base: 100 }, 6)).toEqual([100, 200, 400, 800, 1600, undefined]);
  });

  it('caps every formula at max', () => {
    expect(waits({ type: 'exponential', base: 100, max: 500 }, 6)).toEqual([100, 200, 400, 500, 500, undefined]);
    expect(waits({ type: 'linear', base: 100, max: 250 }, 4)).toEqual([100, 200, 250, undefined]);
    expect(waits({ type: 'fixed', base: 100, max: 50 }, 2)).toEqual([50, undefined]);
  });

  it('a number backoff means a fixed wait', () => {
    expect(waits(40, 3)).toEqual([40, 40, undefined]);
  });

  it('a zero wait makes the retry due at once, behind jobs of its priority that are already due', () => {
    const { s } = scheduler({ defaultAttempts: 2, backoff: 0 });
    const a = s.submit('a');
    s.submit('b');
    const job = s.take()!;
    expect(s.fail(job.id, 'boom')).toBe('waiting');
    expect(s.get(a)).toMatchObject({ state: 'waiting', attempt: 1 });
    expect(s.take()!.payload).toBe('b');
    expect(s.take()).toMatchObject({ payload: 'a', attempt: 2 });
  });

  it('a zero-wait retry queues behind a delayed job that fell due at the same reading', () => {
    const { s, clock } = scheduler({ backoff: 0 });
    s.submit('retried', { attempts: 2 });
    s.submit('delayed', { delay: 10 });
    const job = s.take()!;
    clock.advance(10);
    s.fail(job.id, 'flaky');
    const order: string[] = [];
    for (let next = s.take(); next; next = s.take()) {
      order.push(next.payload);
      s.ack(next.id);
    }
    expect(order).toEqual(['delayed', 'retried']);
  });

  it('uses the scheduler default (exponential, base 100, max 30 s) when nothing is said', () => {
    const policy = backoffPolicy('test', { type: 'exponential', base: 100, max: 30_000 });
    expect(waits(undefined, 1)).toEqual([undefined]);
    const { s, clock } = scheduler({ defaultAttempts: 12 });
    s.submit('x');
    const seen: number[] = [];
    for (let i = 0; i < 11; i++) seen.push(failOnce(s, clock)!);
    expect(seen).toEqual([...Array(11).keys()].map((k) => backoffWait(policy, k + 1)));
    expect(seen.at(-1)).toBe(30_000);
  });

  it('a job’s own backoff and attempts override the defaults', () => {
    const { s, clock } = scheduler({ defaultAttempts: 1 });
    s.submit('x', { attempts: 3, backoff: { type: 'linear', base: 7 } });
    expect([failOnce(s, clock), failOnce(s, clock), failOnce(s, clock)]).toEqual([7, 14, undefined]);
  });

  it('backoffWait never overflows to a non-finite wait', () => {
    const policy = backoffPolicy('test', { type: 'exponential', base: 1 });
    expect(backoffWait(policy, 5000)).toBe(Number.MAX_SAFE_INTEGER);
    expect(backoffWait(backoffPolicy('test', { type: 'exponential', base: 0 }), 5000)).toBe(0);
  });

  describe('jitter', () => {
    it('is off unless asked for', () => {
      let draws = 0;
      const { s, clock } = scheduler({ defaultAttempts: 3, random: () => (draws++, 0.5), backoff: { type: 'fixed', base: 100 } });
      s.submit('x');
      expect([failOnce(s, clock), failOnce(s, clock)]).toEqual([100, 100]);
      expect(draws).toBe(0);
    });

    it('draws the wait uniformly from [0, wait) with the injected random source', () => {
      const draws = [0, 0.25, 0.999999, 0.5];
      const { s, clock } = scheduler({ defaultAttempts: 5, random: () => draws.shift()!, backoff: { type: 'exponential', base: 100, jitter: true } });
      s.submit('x');
      expect([failOnce(s, clock), failOnce(s, clock), failOnce(s, clock), failOnce(s, clock)]).toEqual([0, 50, 0.999999 * 400, 400]);
    });

    it('stays within [0, capped wait) for any draw', () => {
      const { s, clock } = scheduler({ defaultAttempts: 400, backoff: { type: 'exponential', base: 10, max: 1000, jitter: true } });
      s.submit('x');
      for (let n = 1; n < 400; n++) {
        const wait = failOnce(s, clock)!;
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(Math.min(10 * 2 ** (n - 1), 1000));
      }
    });

    it('rejects a random source that leaves [0, 1), with the job still in flight', () => {
      for (const bad of [1, -0.1, Number.NaN, '0.5']) {
        const { s } = scheduler({ defaultAttempts: 2, random: () => bad as number, backoff: { type: 'fixed', base: 10, jitter: true } });
        const id = s.submit('x');
        s.take();
        expect(() => s.fail(id, 'boom')).toThrow(InvalidArgumentError);
        expect(s.get(id)).toMatchObject({ state: 'in-flight', attempt: 1, history: [] });
      }
    });
  });

  describe('dead letters', () => {
    it('dead-letters a job after its last attempt, with its attempt history', () => {
      const { s, clock } = scheduler({ backoff: { type: 'fixed', base: 10 } });
      const id = s.submit({ service: 'api', version: '1.4.2' } as never, { attempts: 3, priority: 2, tenant: 'team-a' });
      const reasons = [new Error('timeout'), new Error('502'), new Error('disk full')];
      const started: number[] = [];
      for (const reason of reasons) {
        clock.advance(s.nextDueIn()!);
        started.push(clock.now);
        expect(s.take()!.id).toBe(id);
        clock.advance(3);
        s.fail(id, reason);
      }
      expect(s.get(id)?.state).toBe('dead');
      const [dead] = s.deadLetters();
      expect(dead).toMatchObject({ id, state: 'dead', attempt: 3, attempts: 3, priority: 2, tenant: 'team-a', payload: { service: 'api' } });
      expect(dead!.history).toEqual(reasons.map((reason, i) => ({ attempt: i + 1, startedAt: started[i], failedAt: started[i]! + 3, reason })));
      expect(s.stats()).toMatchObject({ waiting: 0, delayed: 0, inFlight: 0, dead: 1, size: 0 });
      // A record is the caller's: editing its history changes nothing the scheduler keeps.
      (dead!.history as unknown[]).pop();
      expect(() => ((s.get(id)!.history[0] as { attempt: number }).attempt = 99)).toThrow(TypeError);
      expect(s.deadLetters()[0]!.history.map((failure) => failure.attempt)).toEqual([1, 2, 3]);
    });

    it('a job with one attempt is dead at its first failure', () => {
      const { s } = scheduler();
      const id = s.submit('x');
      s.take();
      expect(s.fail(id, 'nope')).toBe('dead');
      expect(s.deadLetters().map((d) => d.id)).toEqual([id]);
    });

    it('lists dead letters oldest first', () => {
      const { s } = scheduler();
      const ids = ['a', 'b', 'c'].map((p) => s.submit(p));
      for (let i = 0; i < ids.length; i++) s.take();
      for (const id of [ids[1]!, ids[0]!, ids[2]!]) s.fail(id, 'x');
      expect(s.deadLetters().map((d) => d.payload)).toEqual(['b', 'a', 'c']);
    });

    it('dead letters and long delays held while thousands of jobs pass are still found, requeued and acked', () => {
      // Held far longer than the rest, they leave the job table's array (src/scheduler/job-table.ts).
      const { s, clock } = scheduler();
      const dead = [s.submit('dead-1'), s.submit('dead-2')];
      for (const id of dead) {
        expect(s.take()!.id).toBe(id);
        expect(s.fail(id, 'x')).toBe('dead');
      }
      const late = s.submit('late', { delay: 60_000 });
      for (let i = 0; i < 20_000; i++) {
        const id = s.submit(`job-${i}`);
        expect(s.take()!.id).toBe(id);
        s.ack(id);
      }
      expect(s.get(dead[0]!)?.state).toBe('dead');
      expect(s.get(late)?.state).toBe('delayed');
      expect(s.cancel(dead[1]!)).toBe(true);
      expect(s.get(dead[1]!)).toBeUndefined();
      s.requeue(dead[0]!);
      expect(s.take()!.id).toBe(dead[0]);
      s.ack(dead[0]!);
      clock.advance(60_000);
      expect(s.take()!.id).toBe(late);
      s.ack(late);
      expect(s.stats()).toMatchObject({ waiting: 0, delayed: 0, inFlight: 0, dead: 0, size: 0 });
      expect(s.get(dead[0]!)).toBeUndefined();
    });

    it('requeue gives a dead letter fresh attempts and a fresh history', () => {
      const { s, clock } = scheduler({ backoff: 5 });
      const id = s.submit('deploy', { attempts: 2 });
      failOnce(s, clock);
      failOnce(s, clock);
      expect(s.get(id)?.state).toBe('dead');
      s.requeue(id);
      expect(s.get(id)).toMatchObject({ state: 'waiting', attempt: 0, history: [] });
      expect(s.deadLetters()).toEqual([]);
      expect(s.take()).toMatchObject({ id, attempt: 1, attempts: 2 });
      expect(s.fail(id, 'again')).toBe('delayed');
    });

    it('requeue takes a delay and a new priority', () => {
      const { s, clock } = scheduler();
      const id = s.submit('x', { priority: 5 });
      s.take();
      s.fail(id, 'x');
      s.submit('y', { priority: 1 });
      s.requeue(id, { delay: 30, priority: 0 });
      expect(s.get(id)).toMatchObject({ state: 'delayed', dueAt: 30, priority: 0 });
      clock.advance(30);
      expect(s.take()?.payload).toBe('x');
    });

    it('requeue refuses a job that is not dead, an unknown id, and a full scheduler', () => {
      const { s } = scheduler({ capacity: 1 });
      const dead = s.submit('dead');
      s.take();
      s.fail(dead, 'x');
      const live = s.submit('live');
      expect(() => s.requeue(live)).toThrow(StateError);
      expect(() => s.requeue(live)).toThrow(`Scheduler.requeue: job ${live} is waiting, not dead`);
      expect(() => s.requeue('nope')).toThrow(NotFoundError);
      expect(() => s.requeue(dead)).toThrow(CapacityError);
      expect(() => s.requeue(dead, { delay: -1 })).toThrow(InvalidArgumentError);
      expect(s.get(dead)?.state).toBe('dead');
      expect(s.deadLetters()).toHaveLength(1);
    });

    it('dead letters do not count against capacity', () => {
      const { s } = scheduler({ capacity: 1 });
      for (let i = 0; i < 5; i++) {
        const id = s.submit(`job ${i}`);
        s.take();
        s.fail(id, 'x');
      }
      expect(s.stats()).toMatchObject({ dead: 5, size: 0 });
    });

    it('purge drops every dead letter and forgets their ids, with a purged event for each, oldest first', () => {
      const { s } = scheduler();
      for (const id of ['a', 'b']) {
        s.submit(id, { id });
        s.take();
        s.fail(id, 'x');
      }
      s.submit('c', { id: 'c' });
      const purged: string[] = [];
      s.on('purged', ({ job }) => purged.push(`${job.id} ${job.state} held=${s.get(job.id) !== undefined}`));
      expect(s.purge()).toBe(2);
      expect(purged).toEqual(['a dead held=false', 'b dead held=false']);
      expect(s.deadLetters()).toEqual([]);
      expect(s.get('a')).toBeUndefined();
      expect(s.submit('a again', { id: 'a' })).toBe('a');
      expect(s.stats()).toMatchObject({ dead: 0, waiting: 2 });
      expect(s.purge()).toBe(0);
    });

    it('maxDeadLetters evicts the oldest with an evicted event', () => {
      const { s } = scheduler({ maxDeadLetters: 2 });
      const evicted: unknown[] = [];
      s.on('evicted', ({ job }) => evicted.push(job.payload));
      for (const p of ['a', 'b', 'c', 'd']) {
        const id = s.submit(p);
        s.take();
        s.fail(id, 'x');
      }
      expect(evicted).toEqual(['a', 'b']);
      expect(s.deadLetters().map((d) => d.payload)).toEqual(['c', 'd']);
      expect(s.get(1)).toBeUndefined();
    });

    it('keeps its line short when letters leave from the middle', () => {
      const { s } = scheduler<number>();
      for (let round = 0; round < 5; round++) {
        const ids = [];
        for (let i = 0; i < 100; i++) ids.push(s.submit(i));
        for (let i = 0; i < 100; i++) s.fail(s.take()!.id, 'x');
        for (const id of ids) if (Number(id) % 2 === 0) s.requeue(id);
        for (let i = 0; i < 50; i++) s.ack(s.take()!.id);
      }
      expect(s.deadLetters()).toHaveLength(250);
      expect(s.deadLetters().every((d) => Number(d.id) % 2 === 1)).toBe(true);
    });
  });

  describe('ack and fail', () => {
    it('refuse a job that is not in flight and an unknown id, changing nothing', () => {
      const { s } = scheduler({ defaultAttempts: 2 });
      const id = s.submit('x');
      expect(() => s.ack(id)).toThrow(StateError);
      expect(() => s.fail(id, 'x')).toThrow(`Scheduler.fail: job ${id} is waiting, not in flight`);
      expect(() => s.ack(42)).toThrow(NotFoundError);
      expect(() => s.ack({} as never)).toThrow(InvalidArgumentError);
      expect(s.get(id)).toMatchObject({ state: 'waiting', attempt: 0 });
      s.take();
      s.ack(id);
      expect(() => s.ack(id)).toThrow(NotFoundError);
    });
  });

  describe('fail with a delay', () => {
    it('waits the given delay instead of the backoff, without jitter, and the retry event says so', () => {
      let draws = 0;
      const { s, clock } = scheduler({ defaultAttempts: 3, random: () => (draws++, 0.5), backoff: { type: 'exponential', base: 100, jitter: true } });
      const retries: [number, number][] = [];
      s.on('retry', ({ delay, dueAt }) => retries.push([delay, dueAt]));
      const id = s.submit('call upstream');
      s.take();
      clock.advance(5);
      expect(s.fail(id, new Error('429'), { delay: 2500 })).toBe('delayed');
      expect(s.get(id)).toMatchObject({ state: 'delayed', attempt: 1, dueAt: clock.now + 2500 });
      expect(retries).toEqual([[2500, clock.now + 2500]]);
      expect(draws).toBe(0);
      clock.advance(2499);
      expect(s.take()).toBeUndefined();
      clock.advance(1);
      expect(s.take()).toMatchObject({ id, attempt: 2 });
      // The next failure without a delay goes back to the job's backoff (retry 2: 200, jittered).
      expect(s.fail(id, new Error('500'))).toBe('delayed');
      expect(s.get(id)!.dueAt).toBe(clock.now + 100);
      expect(draws).toBe(1);
    });

    it('a delay of 0 makes the retry due at once, behind the due jobs of its priority', () => {
      const { s } = scheduler({ defaultAttempts: 2, backoff: 1000 });
      const a = s.submit('a');
      s.submit('b');
      s.take();
      expect(s.fail(a, 'busy', { delay: 0 })).toBe('waiting');
      expect(s.take()!.payload).toBe('b');
      expect(s.take()).toMatchObject({ payload: 'a', attempt: 2 });
    });

    it('a delay too small to move the clock (subnormal) is none: the retry is waiting at once, as the event says', () => {
      const { s, clock } = scheduler({ defaultAttempts: 2 });
      clock.advance(1000);
      const retries: [number, number][] = [];
      s.on('retry', ({ delay, dueAt }) => retries.push([delay, dueAt]));
      const id = s.submit('x');
      s.take();
      expect(s.fail(id, 'boom', { delay: 5e-324 })).toBe('waiting');
      expect(s.get(id)!.state).toBe('waiting');
      expect(retries).toEqual([[0, 1000]]);
    });

    it('is ignored on the last attempt: the job becomes a dead letter', () => {
      const { s } = scheduler({ defaultAttempts: 1 });
      const id = s.submit('x');
      s.take();
      expect(s.fail(id, 'gone', { delay: 50 })).toBe('dead');
      expect(s.deadLetters().map((d) => d.id)).toEqual([id]);
    });

    it('refuses a bad delay or an unknown option with the job still in flight', () => {
      const { s } = scheduler({ defaultAttempts: 2 });
      const id = s.submit('x');
      s.take();
      for (const bad of [-1, Infinity, Number.NaN, '10', null]) {
        expect(() => s.fail(id, 'boom', { delay: bad as number })).toThrow('Scheduler.fail: expected `delay` to be a number of milliseconds >= 0');
      }
      expect(() => s.fail(id, 'boom', { wait: 10 } as never)).toThrow('Scheduler.fail: unknown option "wait"; it takes `delay`');
      expect(() => s.fail(id, 'boom', 10 as never)).toThrow(InvalidArgumentError);
      expect(s.get(id)).toMatchObject({ state: 'in-flight', attempt: 1, history: [] });
      expect(s.fail(id, 'boom', { delay: 10 })).toBe('delayed');
    });
  });

  describe('events', () => {
    it("emits 'failed' on every failed attempt, then 'retry' or 'dead', then 'idle'", () => {
      const { s, clock } = scheduler({ defaultAttempts: 2, backoff: 10 });
      const log: string[] = [];
      const names: (keyof SchedulerEvents<string>)[] = ['completed', 'failed', 'retry', 'dead', 'idle'];
      for (const name of names) {
        s.on(name, (event: unknown) => {
          const e = event as { job?: { state: string; attempt: number }; delay?: number } | undefined;
          log.push(e?.job ? `${name}:${e.job.state}:${e.job.attempt}${e.delay === undefined ? '' : `:${e.delay}`}` : name);
        });
      }
      const id = s.submit('x');
      s.take();
      s.fail(id, 'first');
      clock.advance(10);
      s.take();
      s.fail(id, 'second');
      const other = s.submit('y');
      s.take();
      s.ack(other, 'ok');
      expect(log).toEqual(['failed:delayed:1', 'retry:delayed:1:10', 'failed:dead:2', 'dead:dead:2', 'idle', 'completed:in-flight:1', 'idle']);
    });

    it("passes the reason, the result and the retry's due time", () => {
      const { s, clock } = scheduler({ defaultAttempts: 2, backoff: 25 });
      clock.now = 1000;
      const seen: unknown[] = [];
      s.on('failed', (e) => seen.push(['failed', e.reason, e.attempt]));
      s.on('retry', (e) => seen.push(['retry', e.reason, e.delay, e.dueAt]));
      s.on('completed', (e) => seen.push(['completed', e.result, e.job.id]));
      const id = s.submit('x');
      s.take();
      const reason = new Error('503');
      s.fail(id, reason);
      clock.advance(25);
      s.take();
      s.ack(id, { deployed: true });
      expect(seen).toEqual([
        ['failed', reason, 1],
        ['retry', reason, 25, 1025],
        ['completed', { deployed: true }, id],
      ]);
    });
  });
});
