import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, Scheduler, StateError, type JobContext } from '../../src/index.js';

/** Resolves after `ms` of (fake) time. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Lets every queued microtask and promise callback run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler.run', () => {
  it('never runs more handlers than concurrency, and keeps every slot busy while work is due', async () => {
    const s = new Scheduler<number>();
    let running = 0;
    let most = 0;
    const done: number[] = [];
    for (let i = 0; i < 60; i++) s.submit(i, { priority: i % 3 });
    const run = s.run(
      async (n) => {
        running++;
        most = Math.max(most, running);
        await sleep(1 + ((n * 7) % 13));
        running--;
        done.push(n);
      },
      { concurrency: 4 },
    );
    const idle = s.onIdle();
    await vi.advanceTimersByTimeAsync(60 * 13);
    await idle;
    expect(most).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(60).keys()]);
    await s.stop();
    await expect(run).resolves.toBeUndefined();
  });

  it('acks with the handler’s result and fails on a throw or rejection, then retries after backoff', async () => {
    const s = new Scheduler<string>({ defaultAttempts: 3, backoff: { type: 'exponential', base: 100 } });
    const log: string[] = [];
    s.on('completed', ({ job, result }) => log.push(`completed ${job.payload} ${String(result)} at ${performance.now()}`));
    s.on('failed', ({ job, reason }) => log.push(`failed ${job.payload}#${job.attempt}: ${(reason as Error).message}`));
    s.on('retry', ({ delay }) => log.push(`retry in ${delay}`));
    s.on('dead', ({ job }) => log.push(`dead ${job.payload}`));
    const start = performance.now();
    s.submit('flaky');
    s.submit('broken');
    const run = s.run((payload, ctx) => {
      if (payload === 'broken') throw new Error('sync throw');
      if (ctx.attempt < 3) return Promise.reject(new Error(`attempt ${ctx.attempt}`));
      return 'ok';
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual([
      'failed flaky#1: attempt 1',
      'retry in 100',
      'failed broken#1: sync throw',
      'retry in 100',
      'failed flaky#2: attempt 2',
      'retry in 200',
      'failed broken#2: sync throw',
      'retry in 200',
      `completed flaky ok at ${start + 300}`,
      'failed broken#3: sync throw',
      'dead broken',
    ]);
    expect(s.deadLetters().map((d) => d.history.map((h) => (h.reason as Error).message))).toEqual([['sync throw', 'sync throw', 'sync throw']]);
    await s.stop();
    await run;
  });

  it('sleeps on one timer until the next delayed job is due, not one timer per job', async () => {
    const s = new Scheduler<number>();
    const started: number[] = [];
    for (let i = 1; i <= 200; i++) s.submit(i, { delay: i * 10 });
    const t0 = performance.now();
    const run = s.run((n) => {
      started.push(performance.now() - t0);
      expect(n * 10).toBe(performance.now() - t0);
    });
    await settle();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(100);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(200);
    expect(vi.getTimerCount()).toBe(0);
    await s.stop();
    await run;
  });

  it('wakes for work submitted while it sleeps, including an earlier delayed job', async () => {
    const s = new Scheduler<string>();
    const started: string[] = [];
    const run = s.run((payload) => void started.push(`${payload}@${performance.now()}`));
    const t0 = performance.now();
    s.submit('late', { delay: 500 });
    await settle();
    s.submit('early', { delay: 100 });
    s.submit('now');
    // Handlers never start inside the call that made work available.
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(600);
    expect(started).toEqual([`now@${t0}`, `early@${t0 + 100}`, `late@${t0 + 500}`]);
    await s.stop();
    await run;
  });

  it('does not end when idle; resolves after stop() once running handlers settle', async () => {
    const s = new Scheduler<string>();
    let finished = false;
    s.submit('slow');
    const run = s.run(async () => {
      await sleep(1000);
      finished = true;
    });
    let resolved = false;
    void run.then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(10);
    const stopped = s.stop();
    s.submit('not started after stop');
    await vi.advanceTimersByTimeAsync(500);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    await stopped;
    expect(resolved).toBe(true);
    expect(finished).toBe(true);
    expect(s.stats()).toMatchObject({ waiting: 1, inFlight: 0 });
  });

  it('stops when its signal aborts, letting running handlers finish and acking them', async () => {
    const s = new Scheduler<number>();
    const controller = new AbortController();
    const completed: number[] = [];
    s.on('completed', ({ job }) => completed.push(job.payload));
    for (let i = 0; i < 10; i++) s.submit(i);
    const run = s.run(() => sleep(100), { concurrency: 2, signal: controller.signal });
    await vi.advanceTimersByTimeAsync(150);
    controller.abort();
    await vi.advanceTimersByTimeAsync(100);
    await run;
    expect(completed).toEqual([0, 1, 2, 3]);
    expect(s.stats()).toMatchObject({ waiting: 6, inFlight: 0 });
  });

  it('an attempt past its timeout fails with a TimeoutError and aborts ctx.signal; its slot stays taken until it settles', async () => {
    const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 0 });
    const events: string[] = [];
    s.on('failed', ({ job, reason }) => events.push(`failed ${job.payload}#${job.attempt} ${(reason as DOMException).name}`));
    s.on('completed', ({ job }) => events.push(`completed ${job.payload}#${job.attempt}`));
    const signals: AbortSignal[] = [];
    let running = 0;
    let most = 0;
    s.submit('hangs');
    s.submit('quick');
    const run = s.run(
      async (payload, ctx: JobContext<string>) => {
        signals.push(ctx.signal);
        running++;
        most = Math.max(most, running);
        await sleep(payload === 'hangs' && ctx.attempt === 1 ? 5000 : 10);
        running--;
        return 'done';
      },
      { concurrency: 1, timeout: 1000 },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(signals[0]!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toEqual(['failed hangs#1 TimeoutError']);
    expect(signals[0]!.aborted).toBe(true);
    expect((signals[0]!.reason as DOMException).name).toBe('TimeoutError');
    // The timed-out handler still runs, so nothing else starts.
    await vi.advanceTimersByTimeAsync(3000);
    expect(signals).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    // It settled: its late result is ignored, and the queue moves on.
    await vi.advanceTimersByTimeAsync(100);
    expect(events).toEqual(['failed hangs#1 TimeoutError', 'completed quick#1', 'completed hangs#2']);
    expect(most).toBe(1);
    await s.stop();
    await run;
  });

  it('an attempt that settles before its timeout leaves no timer behind: the next job in its slot gets its own full timeout', async () => {
    const s = new Scheduler<number>({ defaultAttempts: 1 });
    const events: string[] = [];
    s.on('failed', ({ job, reason }) => events.push(`${job.payload} failed: ${(reason as DOMException).name}`));
    s.on('completed', ({ job }) => events.push(`${job.payload} completed`));
    s.submit(100);
    s.submit(250); // starts at 100 in the same slot: its own timeout is at 400, past its end at 350
    const run = s.run((ms) => sleep(ms), { concurrency: 1, timeout: 300 });
    await vi.advanceTimersByTimeAsync(360);
    expect(events).toEqual(['100 completed', '250 completed']);
    await s.stop();
    await run;
  });

  it('ctx.signal read only after the timeout is already aborted, with the TimeoutError', async () => {
    const s = new Scheduler<string>();
    let late: AbortSignal | undefined;
    s.submit('x');
    const run = s.run(
      async (_, ctx) => {
        await sleep(50);
        late = ctx.signal;
      },
      { timeout: 10 },
    );
    await vi.advanceTimersByTimeAsync(60);
    expect(late?.aborted).toBe(true);
    expect((late?.reason as DOMException).name).toBe('TimeoutError');
    expect(s.deadLetters()).toHaveLength(1);
    await s.stop();
    await run;
  });

  it('cancel of a running job aborts its ctx.signal and ignores its outcome', async () => {
    const s = new Scheduler<string>();
    const completed: string[] = [];
    s.on('completed', ({ job }) => completed.push(job.payload));
    let signal: AbortSignal | undefined;
    const id = s.submit('deploy');
    const run = s.run(async (_, ctx) => {
      signal = ctx.signal;
      await sleep(100);
      return 'finished anyway';
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(s.cancel(id)).toBe(true);
    expect(signal!.aborted).toBe(true);
    expect((signal!.reason as DOMException).name).toBe('AbortError');
    await vi.advanceTimersByTimeAsync(100);
    expect(completed).toEqual([]);
    expect(s.get(id)).toBeUndefined();
    await s.stop();
    await run;
  });

  it('a handler whose job was acked or cancelled elsewhere does not settle the job that reuses its id and place', async () => {
    const s = new Scheduler<string>();
    const completed: string[] = [];
    const failed: string[] = [];
    s.on('completed', ({ job }) => completed.push(job.payload));
    s.on('failed', ({ job }) => failed.push(job.payload));
    const started: JobContext<string>[] = [];
    const run = s.run(async (payload, ctx) => {
      started.push(ctx);
      await sleep(payload === 'first' || payload === 'second' ? 100 : 200);
      if (payload === 'second') throw new Error('second fails late');
      return payload;
    }, { concurrency: 4 });
    s.submit('first', { id: 'job' });
    await vi.advanceTimersByTimeAsync(10);
    // Acked behind the pool's back: the same id is free again, and the new job takes its place.
    s.ack('job', 'by hand');
    s.submit('reused', { id: 'job' });
    await vi.advanceTimersByTimeAsync(10);
    expect(started.map((ctx) => [ctx.payload, ctx.id, ctx.attempt])).toEqual([['first', 'job', 1], ['reused', 'job', 1]]);
    s.submit('second');
    await vi.advanceTimersByTimeAsync(10);
    const second = started[2]!;
    expect(s.cancel(second.id)).toBe(true);
    s.submit('after cancel');
    await vi.advanceTimersByTimeAsync(10);
    // 'first' and 'second' settle now, on the places 'reused' and 'after cancel' hold: ignored.
    await vi.advanceTimersByTimeAsync(100);
    expect(s.get('job')?.state).toBe('in-flight');
    expect(completed).toEqual(['first']);
    expect(failed).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(completed).toEqual(['first', 'reused', 'after cancel']);
    expect(s.size).toBe(0);
    await s.stop();
    await run;
  });

  it('cancel aborts a retry that started while the attempt that failed its own job still runs', async () => {
    const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 0 });
    const contexts: JobContext<string>[] = [];
    const id = s.submit('x');
    const run = s.run(async (_, ctx) => {
      contexts.push(ctx);
      if (ctx.attempt === 1) s.fail(ctx.id, new Error('gave up on itself'));
      await sleep(ctx.attempt === 1 ? 50 : 1000);
    }, { concurrency: 2 });
    await vi.advanceTimersByTimeAsync(10);
    expect(contexts.map((ctx) => ctx.attempt)).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(50); // the first attempt's handler settles now
    expect(s.cancel(id)).toBe(true);
    expect(contexts[1]!.signal.aborted).toBe(true);
    expect(contexts[0]!.signal.aborted).toBe(false);
    const stopped = s.stop();
    await vi.advanceTimersByTimeAsync(1000);
    await stopped;
    await run;
    expect(s.size).toBe(0);
  });

  it('a handler whose job was failed and requeued while it ran settles nothing: the requeued attempt (again attempt 1) keeps its own outcome', async () => {
    const s = new Scheduler<string>({ defaultAttempts: 1 });
    const contexts: JobContext<string>[] = [];
    const run = s.run(async (_, ctx) => {
      contexts.push(ctx);
      if (contexts.length === 1) {
        s.fail(ctx.id, 'gave up on itself'); // its last attempt: dead
        s.requeue(ctx.id); // attempts start again; the pool's other slot takes it
        await sleep(10);
        return 'stale';
      }
      await sleep(30);
      throw new Error('the real attempt failed');
    }, { concurrency: 2 });
    const completed: unknown[] = [];
    s.on('completed', ({ result }) => completed.push(result));
    s.submit('x', { id: 'job' });
    await vi.advanceTimersByTimeAsync(60);
    expect(contexts.map((ctx) => ctx.attempt)).toEqual([1, 1]);
    expect(completed).toEqual([]);
    expect(s.get('job')?.state).toBe('dead');
    expect(s.deadLetters()[0]!.history.map((h) => h.reason instanceof Error ? h.reason.message : h.reason)).toEqual(['the real attempt failed']);
    await s.stop();
    await run;
  });

  it('the timeout of an attempt whose job was failed and requeued does not time out the requeued attempt', async () => {
    const s = new Scheduler<string>({ defaultAttempts: 1 });
    s.on('dead', ({ job }) => {
      if (job.history[0]!.reason === 'watchdog') s.requeue(job.id);
    });
    const failures: unknown[] = [];
    s.on('failed', ({ reason }) => failures.push(reason instanceof DOMException ? reason.name : reason));
    let calls = 0;
    const run = s.run(async (_, ctx) => {
      if (++calls === 1) {
        await sleep(20);
        s.fail(ctx.id, 'watchdog');
        return new Promise(() => {}); // hangs: its timeout fires at 40 ms
      }
      await sleep(25); // started at 20 ms, well inside its own 40 ms
      return 'done';
    }, { concurrency: 2, timeout: 40 });
    const completed: unknown[] = [];
    s.on('completed', ({ result }) => completed.push(result));
    s.submit('y');
    await vi.advanceTimersByTimeAsync(100);
    expect(failures).toEqual(['watchdog']);
    expect(completed).toEqual(['done']);
    void s.stop(); // (it stays pending: the first handler never settles)
    void run;
  });

  it('a timeout longer than setTimeout allows (2^31 - 1 ms) fails the attempt when it is reached, not at once', async () => {
    const longest = 2 ** 31 - 1;
    const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 0 });
    const failed: string[] = [];
    s.on('failed', ({ reason }) => failed.push((reason as DOMException).name));
    s.submit('long');
    let release!: () => void;
    const hangs = new Promise<void>((resolve) => (release = resolve)); // (a sleep that long would be clamped too)
    const run = s.run((_, ctx) => (ctx.attempt === 1 ? hangs : sleep(10)), { timeout: longest + 1000, concurrency: 2 });
    await vi.advanceTimersByTimeAsync(longest + 999);
    expect(failed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(failed).toEqual(['TimeoutError']);
    const stopped = s.stop();
    release();
    await vi.advanceTimersByTimeAsync(10);
    await stopped;
    await run;
    expect(s.size).toBe(0); // the retry completed
  });

  it('a timeout function sets each attempt’s limit as it starts (from the payload, longer for a retry); undefined means none', async () => {
    type Work = { name: string; ms: number; limit?: number };
    const s = new Scheduler<Work>({ defaultAttempts: 2, backoff: 0 });
    const events: string[] = [];
    s.on('failed', ({ job, reason }) => events.push(`failed ${job.payload.name}#${job.attempt}: ${(reason as DOMException).message}`));
    s.on('completed', ({ job }) => events.push(`completed ${job.payload.name}#${job.attempt}`));
    s.submit({ name: 'quick', ms: 50, limit: 100 });
    s.submit({ name: 'slow', ms: 150, limit: 100 }); // times out at 100 on its first try; the retry gets 200
    s.submit({ name: 'free', ms: 5000 });
    const asked: string[] = [];
    const run = s.run((work) => sleep(work.ms), {
      concurrency: 3,
      timeout: (job) => {
        asked.push(`${job.payload.name}#${job.attempt}`);
        return job.payload.limit === undefined ? undefined : job.payload.limit * job.attempt;
      },
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(asked).toEqual(['quick#1', 'slow#1', 'free#1', 'slow#2']);
    expect(events).toEqual([
      'completed quick#1',
      'failed slow#1: Scheduler.run: the handler ran past its timeout (100 ms)',
      'completed slow#2',
      'completed free#1',
    ]);
    await s.stop();
    await run;
  });

  it('a timeout function that throws or answers nonsense fails that attempt with its error (the job retries), and run rejects with it', async () => {
    const cases: [string, () => unknown, string][] = [
      ['throws', () => { throw new Error('hook broke'); }, 'hook broke'],
      ['zero', () => 0, 'Scheduler.run: expected `timeout` to return a number of milliseconds >= 1 or undefined, got 0'],
      ['text', () => '100', 'Scheduler.run: expected `timeout` to return a number of milliseconds >= 1 or undefined, got "100"'],
    ];
    for (const [name, hook, message] of cases) {
      const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 300 });
      const id = s.submit('x');
      let ran = 0;
      const run = s.run(() => void ran++, { timeout: hook as () => number });
      const outcome = run.then(() => 'resolved', (error: Error) => error.message);
      await settle();
      expect(await outcome, name).toBe(message);
      expect(ran, name).toBe(0);
      expect(s.get(id), name).toMatchObject({ state: 'delayed', attempt: 1, dueAt: performance.now() + 300 });
      expect(s.get(id)!.history.map((h) => (h.reason as Error).message), name).toEqual([message]);
    }
  });

  it('a timeout function that cancels its job is obeyed: its handler never starts, no timer is left, the pool goes on', async () => {
    const s = new Scheduler<string>();
    s.submit('drop', { id: 'drop' });
    s.submit('keep', { id: 'keep' });
    const ran: string[] = [];
    const run = s.run((payload) => void ran.push(payload), {
      timeout: (job) => {
        if (job.id === 'drop') s.cancel('drop');
        return 1000;
      },
    });
    await settle();
    expect(ran).toEqual(['keep']);
    expect([s.get('drop'), s.size]).toEqual([undefined, 0]);
    await s.stop();
    await run;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a timeout function that acks or fails its own job, or disposes the scheduler, settles that attempt: its handler never starts, no timer is left', async () => {
    for (const settleBy of ['ack', 'fail', 'dispose'] as const) {
      const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 0 });
      const events: string[] = [];
      s.on('completed', ({ job }) => events.push(`completed #${job.attempt}`));
      s.on('failed', ({ job }) => events.push(`failed #${job.attempt}`));
      s.submit('a', { id: 'a' });
      const ran: number[] = [];
      const run = s.run(
        async (_, ctx) => {
          ran.push(ctx.attempt);
          await sleep(50);
        },
        {
          concurrency: 2,
          timeout: (job) => {
            if (job.attempt === 1) {
              if (settleBy === 'ack') s.ack(job.id);
              else if (settleBy === 'fail') s.fail(job.id, 'from the hook');
              else s.dispose();
            }
            return 20;
          },
        },
      );
      await vi.advanceTimersByTimeAsync(200);
      // A failed first attempt is retried once, alone: never two attempts of one job at a time.
      expect([ran, events], settleBy).toEqual({ ack: [[], ['completed #1']], fail: [[2], ['failed #1', 'failed #2']], dispose: [[], []] }[settleBy]);
      await s.stop();
      await run;
      expect(vi.getTimerCount(), settleBy).toBe(0);
    }
  });

  it('a timeout function that stops the pool: the attempt it was asked about still runs, and run resolves', async () => {
    const s = new Scheduler<string>();
    s.submit('a');
    s.submit('b');
    const ran: string[] = [];
    const run = s.run(
      async (payload) => {
        ran.push(payload);
        await sleep(10);
      },
      { timeout: () => (void s.stop(), 100) },
    );
    await vi.advanceTimersByTimeAsync(200);
    await expect(run).resolves.toBeUndefined();
    expect(ran).toEqual(['a']);
    expect(s.stats()).toMatchObject({ waiting: 1, inFlight: 0 }); // a was acked, b waits
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a clock that throws on any one of its readings: run rejects with that error or carries on, and no job is lost', async () => {
    for (let failing = 1; failing <= 10; failing++) {
      let now = 0;
      let readings = 0;
      const s = new Scheduler<string>({
        clock: () => {
          if (++readings === failing) throw new Error(`clock failed on reading ${failing}`);
          return now;
        },
      });
      let submitted = 0;
      for (const [payload, delay] of [['a', 0], ['b', 50], ['c', 0]] as const) {
        try {
          s.submit(payload, { delay });
          submitted++;
        } catch (error) {
          expect((error as Error).message).toBe(`clock failed on reading ${failing}`);
        }
      }
      const handled: string[] = [];
      const outcome = s.run(async (payload) => {
        handled.push(payload);
      }).then(() => 'resolved', (error: Error) => error.message);
      await vi.advanceTimersByTimeAsync(20);
      now = 100; // b falls due
      await vi.advanceTimersByTimeAsync(100);
      const { waiting, delayed, inFlight } = s.stats();
      expect(handled.length + waiting + delayed + inFlight).toBe(submitted);
      await s.stop();
      await vi.advanceTimersByTimeAsync(0);
      expect(['resolved', `clock failed on reading ${failing}`]).toContain(await outcome);
      s.dispose();
    }
  });

  it('takes nothing while paused and resumes where it left off', async () => {
    const s = new Scheduler<number>();
    const started: number[] = [];
    for (let i = 0; i < 4; i++) s.submit(i);
    s.pause();
    const run = s.run((n) => void started.push(n), { concurrency: 2 });
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual([]);
    s.resume();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    await s.stop();
    await run;
  });

  it('pause holds delayed jobs too: no timer fires work until resume', async () => {
    const s = new Scheduler<string>();
    const started: string[] = [];
    const run = s.run((p) => void started.push(p));
    s.submit('later', { delay: 50 });
    s.pause();
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual([]);
    s.resume();
    await settle();
    expect(started).toEqual(['later']);
    await s.stop();
    await run;
  });

  it('retryDelay names the wait before a retry from the failure (a Retry-After), undefined keeping the backoff', async () => {
    class RateLimited extends Error {
      constructor(readonly retryAfterMs: number) {
        super('429');
      }
    }
    const s = new Scheduler<string>({ defaultAttempts: 3, backoff: { type: 'fixed', base: 100 } });
    const asked: string[] = [];
    const retries: number[] = [];
    s.on('retry', ({ delay }) => retries.push(delay));
    const start = performance.now();
    const starts: number[] = [];
    s.submit('upstream');
    const run = s.run(
      (payload, ctx) => {
        starts.push(performance.now() - start);
        if (ctx.attempt === 1) throw new RateLimited(2000);
        if (ctx.attempt === 2) throw new Error('500');
        throw new RateLimited(5000);
      },
      {
        retryDelay: (reason, job) => {
          asked.push(`${job.payload}#${job.attempt}/${job.attempts}: ${(reason as Error).message}`);
          return reason instanceof RateLimited ? reason.retryAfterMs : undefined;
        },
      },
    );
    await vi.advanceTimersByTimeAsync(10_000);
    // Asked only while attempts are left: the third failure makes a dead letter without asking.
    expect(asked).toEqual(['upstream#1/3: 429', 'upstream#2/3: 500']);
    expect(retries).toEqual([2000, 100]);
    expect(starts).toEqual([0, 2000, 2100]);
    expect(s.deadLetters().map((d) => d.payload)).toEqual(['upstream']);
    await s.stop();
    await run;
  });

  it('a retryDelay that throws or answers nonsense leaves the job retried after its backoff, and run rejects with the error', async () => {
    const cases: [string, () => unknown, string][] = [
      ['throws', () => { throw new Error('hook broke'); }, 'hook broke'],
      ['negative', () => -5, 'Scheduler.run: expected `retryDelay` to return a number of milliseconds >= 0 or undefined, got -5'],
      ['text', () => '100', 'Scheduler.run: expected `retryDelay` to return a number of milliseconds >= 0 or undefined, got "100"'],
    ];
    for (const [, hook, message] of cases) {
      const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 300 });
      const id = s.submit('x');
      const run = s.run(() => Promise.reject(new Error('boom')), { retryDelay: hook as () => number });
      const outcome = run.then(() => 'resolved', (error: Error) => error.message);
      await settle();
      expect(await outcome).toBe(message);
      expect(s.get(id)).toMatchObject({ state: 'delayed', attempt: 1, dueAt: performance.now() + 300 });
      expect(s.get(id)!.history.map((h) => (h.reason as Error).message)).toEqual(['boom']);
    }
    const s = new Scheduler<string>();
    await expect(s.run(() => {}, { retryDelay: 100 as never })).rejects.toThrow('Scheduler.run: expected `retryDelay` to be a function, got 100');
  });

  it('a retryDelay that stops or disposes and then throws or answers nonsense still makes run reject with its error', async () => {
    const cases: [string, (s: Scheduler<string>) => unknown, string][] = [
      ['stop, throw', (s) => (void s.stop(), (() => { throw new Error('after stop'); })()), 'after stop'],
      ['stop, bad answer', (s) => (void s.stop(), -1), 'expected `retryDelay` to return a number of milliseconds >= 0 or undefined, got -1'],
      ['dispose, throw', (s) => (s.dispose(), (() => { throw new Error('after dispose'); })()), 'after dispose'],
      ['cancel, bad answer', (s) => (s.cancel('x'), 'soon'), 'got "soon"'],
    ];
    for (const [, hook, message] of cases) {
      const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 300 });
      s.submit('x', { id: 'x' });
      const run = s.run(() => Promise.reject(new Error('boom')), { retryDelay: () => hook(s) as number });
      const outcome = run.then(() => 'resolved', (error: Error) => error.message);
      await settle();
      await s.stop().catch(() => {});
      expect(await outcome).toContain(message);
    }
  });

  it('a listener that stops the pool and throws makes run reject with its error', async () => {
    const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 300 });
    s.on('failed', () => {
      void s.stop();
      throw new Error('from the listener');
    });
    s.submit('x');
    const run = s.run(() => Promise.reject(new Error('boom')));
    await expect(run).rejects.toThrow('from the listener');
    expect(s.stats()).toMatchObject({ delayed: 1, inFlight: 0 });
  });

  it('the hook’s error wins over a listener error of the retry it falls back to', async () => {
    const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 300 });
    s.on('retry', () => {
      throw new Error('from the listener');
    });
    s.submit('x');
    const run = s.run(() => Promise.reject(new Error('boom')), {
      retryDelay: () => {
        throw new Error('from the hook');
      },
    });
    await expect(run).rejects.toThrow('from the hook');
    expect(s.stats()).toMatchObject({ delayed: 1, inFlight: 0 });
  });

  it('a retryDelay that settles the attempt itself (cancel) is obeyed: nothing is failed twice', async () => {
    const s = new Scheduler<string>({ defaultAttempts: 3 });
    const id = s.submit('x');
    const failed: number[] = [];
    s.on('failed', ({ attempt }) => failed.push(attempt));
    const run = s.run(() => Promise.reject(new Error('boom')), {
      retryDelay: (_reason, job) => {
        s.cancel(job.id);
        return 10;
      },
    });
    await settle();
    expect(s.get(id)).toBeUndefined();
    expect(failed).toEqual([]);
    await s.stop();
    await expect(run).resolves.toBeUndefined();
  });

  it('sleeps on a capped timer for a job due past the longest setTimeout, instead of polling', async () => {
    let reads = 0;
    const s = new Scheduler<string>({ clock: () => (reads++, performance.now()) });
    s.submit('far', { delay: 2 ** 32 }); // due in ~50 days
    const run = s.run(() => {});
    await vi.advanceTimersByTimeAsync(200);
    expect(reads).toBeLessThan(20);
    await s.stop();
    await run;
  });

  it('a cancelled job’s signal keeps its AbortError when its timeout passes later', async () => {
    const s = new Scheduler<string>();
    const id = s.submit('a');
    let finish!: () => void;
    let seen = '';
    const run = s.run(
      async (_payload, ctx) => {
        await new Promise<void>((resolve) => (finish = resolve));
        seen = `${ctx.signal.aborted} ${(ctx.signal.reason as DOMException).name}`; // read only now
      },
      { timeout: 50 },
    );
    await vi.advanceTimersByTimeAsync(10);
    s.cancel(id);
    await vi.advanceTimersByTimeAsync(100); // past the timeout
    finish();
    await settle();
    expect(seen).toBe('true AbortError');
    await s.stop();
    await run;
  });

  it('rejects with the first listener error when several calls it made threw', async () => {
    const s = new Scheduler<string>();
    s.on('completed', ({ job }) => {
      throw new Error(`listener for ${job.payload}`);
    });
    s.submit('first');
    s.submit('second');
    const gates: (() => void)[] = [];
    const run = s.run(() => new Promise<void>((resolve) => gates.push(resolve)), { concurrency: 2 });
    const outcome = run.then(() => 'resolved', (error: Error) => error.message);
    await settle();
    gates[0]!();
    await settle();
    gates[1]!();
    await settle();
    expect(await outcome).toBe('listener for first');
  });

  it('runs one handler at a time when no concurrency is given', async () => {
    const s = new Scheduler<string>();
    for (const payload of ['a', 'b', 'c']) s.submit(payload);
    let running = 0;
    let most = 0;
    const run = s.run(async () => {
      running++;
      most = Math.max(most, running);
      await sleep(20);
      running--;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(most).toBe(1);
    await s.stop();
    await run;
  });

  it('runs one pool at a time and checks its options, rejecting (never throwing) when it cannot run', async () => {
    const s = new Scheduler<string>();
    await expect(s.run('handler' as never)).rejects.toThrow(InvalidArgumentError);
    await expect(s.run(() => {}, { concurrency: 0 })).rejects.toThrow('Scheduler.run: expected `concurrency` to be an integer >= 1, got 0');
    await expect(s.run(() => {}, { timeout: 0 })).rejects.toThrow('Scheduler.run: expected `timeout` to be a number of milliseconds >= 1 or a function, got 0');
    await expect(s.run(() => {}, { timeout: Infinity })).rejects.toThrow('got Infinity');
    await expect(s.run(() => {}, { signal: {} as never })).rejects.toThrow('expected `signal` to be an AbortSignal');
    const run = s.run(() => {});
    await expect(s.run(() => {})).rejects.toThrow(StateError);
    await s.stop();
    await run;
    // Stopped pools can be followed by a new one.
    const again = s.run(() => {});
    await s.stop();
    await again;
    await expect(s.run(() => {}, { signal: AbortSignal.abort() })).resolves.toBeUndefined();
    s.dispose();
    for (const call of [() => s.run(() => {}), () => s.onIdle(), () => s.onEmpty()]) await expect(call()).rejects.toThrow(StateError);
    await expect(s.stop()).resolves.toBeUndefined();
  });

  it('rejects when an event listener throws inside a call the pool made, after running handlers settle', async () => {
    const s = new Scheduler<string>();
    s.on('completed', () => {
      throw new Error('listener bug');
    });
    s.submit('a');
    const run = s.run(() => 'ok');
    const outcome = run.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await settle();
    expect(await outcome).toBe('listener bug');
  });

  it('lets a listener submit follow-up work that the pool then runs', async () => {
    const s = new Scheduler<string>();
    const started: string[] = [];
    s.on('completed', ({ job }) => {
      if (job.payload === 'build') s.submit('deploy');
    });
    s.submit('build');
    const run = s.run((p) => void started.push(p));
    await settle();
    expect(started).toEqual(['build', 'deploy']);
    await s.onIdle();
    await s.stop();
    await run;
  });

  it('emits idle when the last running job completes', async () => {
    const s = new Scheduler<number>();
    const log: string[] = [];
    s.on('completed', ({ job }) => log.push(`completed ${job.payload}`));
    s.on('idle', () => log.push('idle'));
    s.submit(1);
    s.submit(2);
    const run = s.run(() => sleep(5), { concurrency: 2 });
    await vi.advanceTimersByTimeAsync(10);
    expect(log).toEqual(['completed 1', 'completed 2', 'idle']);
    await s.stop();
    await run;
  });

  it('dispose stops the pool; running handlers settle without touching the disposed scheduler', async () => {
    const s = new Scheduler<string>();
    s.submit('x');
    const run = s.run(() => sleep(10));
    await settle();
    s.dispose();
    await vi.advanceTimersByTimeAsync(10);
    await expect(run).resolves.toBeUndefined();
  });
});
