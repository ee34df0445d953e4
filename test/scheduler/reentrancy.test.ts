import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, StateError, type JobId, type SchedulerEventName } from '../../src/index.js';
import { FakeClock, scheduler } from './fake-clock.js';

const EVENTS: SchedulerEventName[] = ['completed', 'failed', 'retry', 'dead', 'evicted', 'cancelled', 'purged', 'idle'];
const OPS = ['submit', 'submitDelayed', 'take', 'ack', 'fail', 'cancel', 'pause', 'resume', 'requeue', 'purge', 'reprioritize', 'snapshot', 'tick'] as const;
type Op = (typeof OPS)[number];

/**
 * A scheduler, the ids it ever issued and what became of them, and the calls that may be made on
 * it from the outside or from a listener.
 */
class Harness {
  readonly clock = new FakeClock();
  readonly s = new Scheduler<number>({ clock: this.clock.read, defaultAttempts: 2, backoff: 3, maxDeadLetters: 3, capacity: 40 });
  readonly ids: JobId[] = [];
  /** Ids that left by a call the harness made or an event it heard: ack, cancel, purge, eviction. */
  readonly gone = new Set<JobId>();
  next = 0;
  /** Set by `finish`: listeners stop calling back in while everything left is run out. */
  finishing = false;

  constructor() {
    this.s.on('evicted', ({ job }) => this.gone.add(job.id));
  }

  held(state: string): JobId[] {
    return this.ids.filter((id) => this.s.get(id)?.state === state);
  }

  /** The scheduler's counts agree with the states of the jobs it holds: no change is half done. */
  consistent(): void {
    const stats = this.s.stats();
    const count = (state: string) => this.ids.filter((id) => this.s.get(id)?.state === state).length;
    expect({ waiting: stats.waiting, delayed: stats.delayed, inFlight: stats.inFlight, dead: stats.dead }).toEqual({
      waiting: count('waiting'),
      delayed: count('delayed'),
      inFlight: count('in-flight'),
      dead: count('dead'),
    });
    expect(this.s.size).toBe(stats.waiting + stats.delayed + stats.inFlight);
    expect(this.s.deadLetters().map((d) => d.id).sort()).toEqual(this.held('dead').sort());
  }

  apply(op: Op, pick: number): void {
    const { s } = this;
    const one = (list: JobId[]) => list[pick % list.length];
    switch (op) {
      case 'submit':
      case 'submitDelayed': {
        const id = s.trySubmit(this.next++, { delay: op === 'submit' ? 0 : 2, priority: pick % 3 });
        if (id !== false) this.ids.push(id);
        break;
      }
      case 'take':
        s.take();
        break;
      case 'ack':
      case 'fail': {
        const id = one(this.held('in-flight'));
        if (id === undefined) break;
        if (op === 'ack') {
          s.ack(id);
          this.gone.add(id);
        } else s.fail(id, `failed from a ${op}`);
        break;
      }
      case 'cancel': {
        const id = one(this.ids.filter((x) => s.get(x) !== undefined));
        if (id !== undefined && s.cancel(id)) this.gone.add(id);
        break;
      }
      case 'pause':
        s.pause();
        break;
      case 'resume':
        s.resume();
        break;
      case 'requeue': {
        const id = one(this.held('dead'));
        if (id !== undefined && s.canAccept()) s.requeue(id);
        break;
      }
      case 'purge': {
        const dead = this.held('dead');
        expect(s.purge()).toBe(dead.length);
        for (const id of dead) this.gone.add(id);
        break;
      }
      case 'reprioritize': {
        const id = one(this.ids.filter((x) => s.get(x) !== undefined));
        if (id !== undefined) s.reprioritize(id, pick % 4);
        break;
      }
      case 'snapshot': {
        const copy = Scheduler.restore<number>(s.snapshot(), { clock: this.clock.read });
        // In-flight jobs come back waiting, or dead on their last attempt.
        const retried = this.held('in-flight').filter((id) => s.get(id)!.attempt < s.get(id)!.attempts).length;
        expect(copy.stats()).toMatchObject({ delayed: s.stats().delayed, waiting: s.stats().waiting + retried, inFlight: 0 });
        copy.dispose();
        break;
      }
      case 'tick':
        this.clock.advance(1);
        break;
    }
  }

  /** Runs everything left to its end; every job issued comes out exactly once, or was gone. */
  finish(): void {
    const { s } = this;
    this.finishing = true;
    s.resume();
    for (const id of this.held('dead')) {
      s.cancel(id);
      this.gone.add(id);
    }
    for (const id of this.held('in-flight')) {
      s.ack(id);
      this.gone.add(id);
    }
    for (let i = 0; i < 1000 && s.size > 0; i++) {
      this.clock.advance(5);
      for (let job = s.take(); job; job = s.take()) {
        expect(this.gone.has(job.id)).toBe(false);
        s.ack(job.id);
        this.gone.add(job.id);
      }
      for (const id of this.held('dead')) {
        s.cancel(id);
        this.gone.add(id);
      }
    }
    expect(s.size).toBe(0);
    expect(this.ids.filter((id) => !this.gone.has(id))).toEqual([]);
  }
}

const script = fc.array(fc.tuple(fc.constantFrom(...OPS), fc.nat(20)), { maxLength: 60 });

describe('Scheduler reentrancy: listeners that call back in', () => {
  for (const name of EVENTS) {
    it(`a '${name}' listener may call any method; the scheduler stays consistent and loses nothing`, () => {
      fc.assert(
        fc.property(script, script, (outer, inner) => {
          const h = new Harness();
          let calls = 0;
          const reentrant = inner.slice();
          h.s.on(name, () => {
            calls++;
            // Every listener sees a complete change, whichever call caused it.
            h.consistent();
            const next = h.finishing ? undefined : reentrant.shift();
            if (next) h.apply(next[0], next[1]);
            h.consistent();
          });
          for (const [op, pick] of outer) {
            h.apply(op, pick);
            h.consistent();
          }
          // Then rounds that raise every event, so the listener runs its whole script.
          for (let round = 0; round < 30 && reentrant.length > 0; round++) {
            h.s.resume();
            h.apply('submit', round);
            h.apply('submit', round + 1);
            for (let job = h.s.take(); job && calls < 500; job = h.s.take()) {
              if (job.payload % 2 === 0) h.s.fail(job.id, 'even');
              else {
                h.gone.add(job.id);
                h.s.ack(job.id);
              }
              h.consistent();
            }
            h.clock.advance(3);
            // Every few rounds, run out what is left so that the scheduler goes idle.
            if (round % 3 === 2) for (let job = h.s.take(); job; job = h.s.take()) h.s.cancel(job.id) && h.gone.add(job.id);
          }
          h.finish();
        }),
        { numRuns: 100 },
      );
    });
  }

  it('every event is heard by its listener in these runs', () => {
    const h = new Harness();
    const heard = new Set<string>();
    for (const name of EVENTS) h.s.on(name, () => heard.add(name));
    for (let i = 0; i < 8; i++) h.apply('submit', i);
    for (let job = h.s.take(); job; job = h.s.take()) h.s.fail(job.id, 'x');
    h.clock.advance(3);
    for (let job = h.s.take(); job; job = h.s.take()) h.s.fail(job.id, 'x');
    h.s.submit(99);
    h.s.ack(h.s.take()!.id);
    h.s.cancel(h.s.submit(100));
    h.s.purge();
    expect([...heard].sort()).toEqual([...EVENTS].sort());
  });

  it('a listener that disposes the scheduler ends it cleanly: later calls get StateError', () => {
    const { s } = scheduler();
    const seen: string[] = [];
    s.on('completed', () => {
      seen.push('first');
      s.dispose();
    });
    s.on('completed', () => {
      seen.push('second');
      expect(() => s.submit('x')).toThrow('Scheduler.submit: the scheduler was disposed');
    });
    s.submit('a');
    s.ack(s.take()!.id);
    expect(seen).toEqual(['first', 'second']);
    expect(() => s.take()).toThrow(StateError);
  });
});

describe('Scheduler reentrancy: the clock and the random source', () => {
  it('a clock that calls back into the scheduler gets StateError; nothing changes', () => {
    let callBack: (() => unknown) | undefined;
    let now = 0;
    const s = new Scheduler<string>({
      clock: () => {
        const call = callBack;
        callBack = undefined;
        call?.();
        return now;
      },
    });
    s.submit('held', { id: 'held' });
    const before = s.stats();
    for (const call of [() => s.submit('sneaky'), () => s.cancel('held'), () => s.take(), () => s.get('held'), () => s.dispose()]) {
      callBack = call;
      expect(() => s.submit('x')).toThrow(/called from the clock or random source while the scheduler is mid-change/);
      expect(s.stats()).toEqual(before);
    }
    now = 5;
    expect(s.take()?.id).toBe('held');
  });

  it('a random source that calls back in fails the call with StateError, the job still in flight', () => {
    let s: Scheduler<string> | undefined;
    s = new Scheduler<string>({
      clock: () => 0,
      defaultAttempts: 2,
      backoff: { type: 'fixed', base: 10, jitter: true },
      random: () => {
        s!.cancel('job');
        return 0.5;
      },
    });
    s.submit('x', { id: 'job' });
    s.take();
    expect(() => s.fail('job', 'boom')).toThrow('Scheduler.cancel: called from the clock or random source');
    expect(s.get('job')).toMatchObject({ state: 'in-flight', attempt: 1, history: [] });
    expect(s.stats()).toMatchObject({ inFlight: 1, delayed: 0 });
  });

  it('a clock or random source that throws anything leaves the scheduler as it was', () => {
    for (const thrown of [new Error('clock broke'), 'a string', undefined, { code: 42 }]) {
      let broken = false;
      const s = new Scheduler<string>({
        clock: () => {
          if (broken) throw thrown;
          return 0;
        },
        defaultAttempts: 2,
        backoff: { type: 'fixed', base: 10, jitter: true },
        random: () => {
          throw thrown;
        },
      });
      s.submit('a', { id: 'a' });
      s.submit('b', { id: 'b', delay: 5 });
      s.take();
      const before = s.stats();
      let caught: unknown = 'nothing';
      try {
        s.fail('a', 'x');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(thrown);
      broken = true;
      for (const call of [() => s.submit('c'), () => s.take(), () => s.fail('a', 'x'), () => s.stats(), () => s.nextDueIn(), () => s.snapshot()]) {
        expect(call).toThrow();
      }
      broken = false;
      expect(s.stats()).toEqual(before);
      expect(s.get('a')).toMatchObject({ state: 'in-flight', attempt: 1 });
    }
  });
});

describe('Scheduler reentrancy: handlers that call back in', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a handler may ack, fail or cancel its own job, take others, pause or stop the pool as it starts', async () => {
    vi.useFakeTimers();
    const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 0 });
    const log: string[] = [];
    s.on('completed', ({ job, result }) => log.push(`completed ${job.payload} ${String(result)}`));
    s.on('failed', ({ job, reason }) => log.push(`failed ${job.payload}#${job.attempt} ${String(reason)}`));
    for (const p of ['ack-self', 'fail-self', 'cancel-self', 'take-other', 'other', 'run-again', 'pause']) s.submit(p, { id: p });
    let secondRun: Promise<unknown> | undefined;
    const run = s.run(
      (payload, ctx) => {
        switch (payload) {
          case 'ack-self':
            s.ack(ctx.id, 'by hand');
            return 'ignored: the job was acked already';
          case 'fail-self':
            if (ctx.attempt === 1) {
              s.fail(ctx.id, 'by hand');
              throw new Error('ignored: the attempt was failed already');
            }
            return 'second try';
          case 'cancel-self':
            s.cancel(ctx.id);
            return 'ignored: cancelled';
          case 'take-other': {
            const other = s.take()!;
            s.ack(other.id, 'taken by a handler');
            return 'took';
          }
          case 'run-again':
            secondRun = s.run(() => {}).catch((error: unknown) => error);
            return 'ok';
          case 'pause':
            s.pause();
            return 'paused';
          default:
            return 'plain';
        }
      },
      { concurrency: 1 },
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(log).toEqual([
      'completed ack-self by hand',
      'failed fail-self#1 by hand',
      'completed other taken by a handler',
      'completed take-other took',
      'completed run-again ok',
      'completed pause paused',
    ]);
    expect(await secondRun).toBeInstanceOf(StateError); // one run at a time
    // Paused by the last handler: the retry of fail-self waits.
    expect(s.stats()).toMatchObject({ waiting: 1, inFlight: 0 });
    s.resume();
    await vi.advanceTimersByTimeAsync(10);
    expect(log.at(-1)).toBe('completed fail-self second try');
    expect(s.size).toBe(0);
    await s.stop();
    await run;
  });

  it('a handler that calls stop() or dispose() as it starts: no further job is taken', async () => {
    vi.useFakeTimers();
    for (const end of ['stop', 'dispose'] as const) {
      const s = new Scheduler<number>();
      const started: number[] = [];
      for (let i = 0; i < 5; i++) s.submit(i);
      const run = s.run(
        (n) => {
          started.push(n);
          if (n === 1) void s[end]();
        },
        { concurrency: 4 },
      );
      await vi.advanceTimersByTimeAsync(10);
      await run;
      expect(started).toEqual([0, 1]);
      if (end === 'stop') expect(s.stats()).toMatchObject({ waiting: 3, inFlight: 0 });
    }
  });
});

describe('Scheduler reentrancy: getters of the options and entries given', () => {
  it('submitMany reads every entry before checking it: a getter that submits an id the batch asks for fails the batch', () => {
    const s = new Scheduler<string>();
    let once = true;
    const entries = [
      { payload: 'outer', id: 'x' },
      {
        payload: 'b',
        get priority() {
          if (once) {
            once = false;
            s.submit('inner', { id: 'x' });
          }
          return 0;
        },
      },
    ];
    expect(() => s.submitMany(entries)).toThrow(/Scheduler\.submitMany: entries\[0\]: job "x" is already held/);
    expect(s.size).toBe(1);
    expect(s.take()).toMatchObject({ id: 'x', payload: 'inner' });
    expect(s.take()).toBeUndefined();
  });

  it('submitMany: a payload getter that submits cannot take an id the batch gives out, nor pass the capacity', () => {
    const s = new Scheduler<string>({ capacity: 3 });
    let once = true;
    const entries = [0, 1].map((n) => ({
      get payload() {
        if (once) {
          once = false;
          s.submit('inner');
        }
        return `p${n}`;
      },
    }));
    const ids = s.submitMany(entries);
    expect(s.size).toBe(3);
    const taken = [s.take()!, s.take()!, s.take()!].map((job) => job.id);
    expect(new Set(taken).size).toBe(3);
    expect(taken).toEqual(expect.arrayContaining(ids));
    expect(() => s.submitMany(entries)).toThrow(/capacity \(3\) exceeded/);
  });

  it('submitMany: a payload getter that throws leaves the scheduler exactly as it was (no row, no tenant record)', () => {
    const s = new Scheduler<string>({ clock: () => 10 });
    s.submit('kept', { tenant: 'a' });
    const before = s.snapshot();
    for (let i = 0; i < 50; i++) {
      const entries = [
        { payload: 'a', tenant: `new-${i}` },
        {
          get payload(): string {
            throw new Error('boom');
          },
        },
      ];
      expect(() => s.submitMany(entries)).toThrow('boom');
    }
    expect(s.snapshot()).toEqual(before);
  });

  it('an option getter that disposes the scheduler: StateError naming the call, not an inner structure', () => {
    const s = new Scheduler<string>();
    expect(() =>
      s.submit('a', {
        get priority() {
          s.dispose();
          return 0;
        },
      }),
    ).toThrow(/^Scheduler\.submit: the scheduler was disposed$/);
    const t = new Scheduler<string>();
    const entries = [
      {
        get payload() {
          t.dispose();
          return 'p';
        },
      },
    ];
    expect(() => t.submitMany(entries)).toThrow(/^Scheduler\.submitMany: the scheduler was disposed$/);
  });
});

describe('Scheduler reentrancy: a clock that stops the pool', () => {
  afterEach(() => vi.useRealTimers());

  it('an abort from inside the take: the job taken still runs, and run() resolves only once it has settled', async () => {
    vi.useFakeTimers();
    const abort = new AbortController();
    let reads = 0;
    const s = new Scheduler<string>({
      clock: () => {
        if (++reads === 3) abort.abort(); // inside the pool's first take
        return reads;
      },
    });
    s.submit('a');
    s.submit('b');
    const log: string[] = [];
    let resolved = false;
    const run = s.run(
      async (payload) => {
        log.push(`start ${payload}`);
        await new Promise((r) => setTimeout(r, 50));
        log.push(`end ${payload}`);
      },
      { signal: abort.signal },
    );
    void run.then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(log).toEqual(['start a']);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    expect(resolved).toBe(true);
    expect(log).toEqual(['start a', 'end a']);
    expect(s.stats()).toMatchObject({ waiting: 1, inFlight: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an abort from any clock read of a wake-up (the take, the arming of its timer) leaves no timer behind', async () => {
    vi.useFakeTimers();
    // The wake-up reads the clock three times: the submit, the pool's take, the timer's due time.
    for (let k = 1; k <= 3; k++) {
      const abort = new AbortController();
      let reads = 0;
      let abortAt = Infinity;
      const s = new Scheduler<string>({
        clock: () => {
          if (++reads === abortAt) abort.abort();
          return 0;
        },
      });
      s.submit('later', { delay: 1_000 });
      const run = s.run(() => undefined, { signal: abort.signal });
      await vi.advanceTimersByTimeAsync(0);
      abortAt = reads + k; // the submit's read, then the pool's
      s.submit('soon', { delay: 500 });
      await vi.advanceTimersByTimeAsync(0);
      expect(abort.signal.aborted).toBe(true);
      await run;
      expect(vi.getTimerCount()).toBe(0);
      expect(s.stats()).toMatchObject({ delayed: 2 });
    }
  });

  it('stop() called from the clock is refused with StateError, as every call from it is', async () => {
    let callStop = false;
    let refusal: unknown;
    const s = new Scheduler<string>({
      clock: () => {
        if (callStop) s.stop().catch((error: unknown) => (refusal = error));
        return 0;
      },
    });
    callStop = true;
    s.submit('a');
    await Promise.resolve();
    expect(refusal).toBeInstanceOf(StateError);
    expect((refusal as Error).message).toMatch(/^Scheduler\.stop: called from the clock or random source/);
  });
});
