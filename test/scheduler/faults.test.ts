import { afterEach, describe, expect, it, vi } from 'vitest';
import { Arena, CapacityError, InvalidArgumentError, NotFoundError, NumericStack, PriorityQueue, Scheduler, StateError, type JobId } from '../../src/index.js';
import { drain, scheduler } from './fake-clock.js';
import { fillAll, fillArena } from '../helpers/fill-arena.js';

const HOUR = 3_600_000;

/** Everything a caller can observe, to show a refused call changed nothing. */
function observe(s: Scheduler<unknown>) {
  return { stats: s.stats(), dead: s.deadLetters(), due: s.nextDueIn() };
}

describe('Scheduler faults: handlers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a handler that throws or rejects a non-Error (string, undefined, null, number, object) fails the attempt with that very value', async () => {
    vi.useFakeTimers();
    const values: unknown[] = ['a string', undefined, null, 42, { code: 'E_DOWN' }, Symbol.for('odd')];
    const s = new Scheduler<number>({ defaultAttempts: 2, backoff: 0 });
    const reasons: unknown[] = [];
    s.on('failed', ({ reason }) => reasons.push(reason));
    for (let i = 0; i < values.length; i++) s.submit(i);
    const run = s.run((i, ctx) => {
      // First attempt throws synchronously, second rejects.
      if (ctx.attempt === 1) throw values[i];
      return Promise.reject(values[i]);
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(reasons).toEqual([...values, ...values]);
    const letters = s.deadLetters();
    expect(letters.map((d) => d.payload)).toEqual(values.map((_, i) => i));
    for (const letter of letters) expect(letter.history.map((h) => h.reason)).toEqual([values[letter.payload], values[letter.payload]]);
    // The reasons survive a snapshot as values (a symbol as its text, undefined as undefined).
    const restored = Scheduler.restore<number>(s.snapshot(), { clock: () => 0 });
    expect(restored.deadLetters().map((d) => d.history[0]!.reason)).toEqual(['a string', undefined, null, 42, { code: 'E_DOWN' }, 'Symbol(odd)']);
    await s.stop();
    await run;
  });

  it('a handler that never settles fails at its timeout; it keeps its slot, the other slots carry on', async () => {
    vi.useFakeTimers();
    const s = new Scheduler<string>({ defaultAttempts: 2, backoff: 0 });
    const log: string[] = [];
    s.on('failed', ({ job, reason }) => log.push(`failed ${job.payload}#${job.attempt} ${(reason as DOMException).name}`));
    s.on('completed', ({ job }) => log.push(`completed ${job.payload}#${job.attempt}`));
    s.submit('hangs');
    for (let i = 0; i < 3; i++) s.submit(`quick ${i}`);
    const run = s.run((payload, ctx) => (payload === 'hangs' && ctx.attempt === 1 ? new Promise(() => {}) : 'ok'), { concurrency: 2, timeout: 100 });
    await vi.advanceTimersByTimeAsync(99);
    expect(log).toEqual(['completed quick 0#1', 'completed quick 1#1', 'completed quick 2#1']);
    await vi.advanceTimersByTimeAsync(1);
    // Its retry runs in the free slot while the hung handler still holds the other one.
    await vi.advanceTimersByTimeAsync(1);
    expect(log.slice(3)).toEqual(['failed hangs#1 TimeoutError', 'completed hangs#2']);
    expect(s.size).toBe(0);
    // stop() waits for running handlers to settle: one that never does keeps run() pending.
    let stopped = false;
    void s.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stopped).toBe(false);
    void run;
  });
});

describe('Scheduler faults: clocks', () => {
  it('a clock set back by hours is held at its latest reading: nothing becomes due early, order holds', () => {
    const { s, clock } = scheduler({ defaultAttempts: 2, backoff: 10 });
    clock.now = 5 * HOUR;
    const early = s.submit('due at 5h + 50', { delay: 50 });
    s.submit('failing');
    const failing = s.take()!;
    clock.now = 2 * HOUR; // set back three hours
    expect(s.fail(failing.id, 'x')).toBe('delayed');
    expect(s.get(failing.id)).toMatchObject({ dueAt: 5 * HOUR + 10, history: [{ startedAt: 5 * HOUR, failedAt: 5 * HOUR }] });
    const late = s.submit('submitted after the jump', { delay: 20 });
    expect(s.get(late)?.dueAt).toBe(5 * HOUR + 20);
    expect(s.take()).toBeUndefined();
    expect(s.stats().oldestWait).toBe(0);
    expect(s.nextDueIn()).toBe(10);
    // Time moves again only once the clock passes its latest reading.
    clock.now = 5 * HOUR + 60;
    expect(drain(s)).toEqual(['failing', 'submitted after the jump', 'due at 5h + 50']);
    expect(s.get(early)).toBeUndefined();
  });

  it('a `now` given to take below an earlier reading is taken as that reading', () => {
    const { s, clock } = scheduler({ defaultAttempts: 2, backoff: 0 });
    clock.now = 100;
    const id = s.submit('job');
    expect(s.take(50)?.id).toBe(id);
    clock.now = 120;
    s.fail(id, 'x');
    expect(s.get(id)!.history).toMatchObject([{ startedAt: 100, failedAt: 120 }]);
  });

  it('a clock that jumps forward by hours makes every job in the jump due, in due-time order', () => {
    const { s, clock } = scheduler<string>({ defaultAttempts: 3, backoff: { type: 'exponential', base: 1000 } });
    s.submit('in 2 h', { delay: 2 * HOUR });
    s.submit('in 2 s', { delay: 2000 });
    s.submit('in 30 min', { delay: HOUR / 2 });
    s.submit('retries');
    const job = s.take()!;
    s.fail(job.id, 'x');
    clock.advance(3 * HOUR);
    expect(s.nextDueIn()).toBe(0);
    expect(drain(s)).toEqual(['retries', 'in 2 s', 'in 30 min', 'in 2 h']);
    // Backoff after the jump is measured from the new time.
    s.submit('after');
    const after = s.take()!;
    s.fail(after.id, 'x');
    expect(s.get(after.id)?.dueAt).toBe(3 * HOUR + 1000);
  });

  it('a clock that returns NaN, ±Infinity or no number is an InvalidArgumentError, nothing changed', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity, '5', undefined, null, 5n]) {
      let reading: unknown = 0;
      const s = new Scheduler<string>({ clock: () => reading as number, defaultAttempts: 2 });
      s.submit('a', { id: 'a' });
      s.submit('b', { id: 'b', delay: 5 });
      s.take();
      const before = observe(s);
      reading = bad;
      for (const call of [() => s.submit('c'), () => s.take(), () => s.fail('a', 'x'), () => s.stats(), () => s.nextDueIn(), () => s.requeue('a'), () => s.snapshot()]) {
        expect(call).toThrow(/the clock returned .*; expected a finite number of milliseconds|not dead/);
      }
      expect(() => s.submit('c')).toThrow(InvalidArgumentError);
      reading = 0;
      expect(observe(s)).toEqual(before);
    }
  });
});

describe('Scheduler faults: bad arguments', () => {
  it('negative, NaN and infinite delays are InvalidArgumentError; -0 is no delay', () => {
    const { s } = scheduler();
    s.submit('held', { delay: 1 });
    const before = observe(s);
    for (const delay of [-1, -0.001, Number.NaN, Infinity, -Infinity, '5', null, 1n]) {
      expect(() => s.submit('x', { delay: delay as number })).toThrow(InvalidArgumentError);
      expect(() => s.submit('x', { delay: delay as number })).toThrow('Scheduler.submit: expected `delay` to be a number of milliseconds >= 0');
      expect(() => s.submitMany([{ payload: 'x', delay: delay as number }])).toThrow('Scheduler.submitMany: entries[0]: expected `delay`');
      expect(() => s.canAccept(1, { delay: delay as number })).toThrow(InvalidArgumentError);
    }
    expect(observe(s)).toEqual(before);
    const id = s.submit('now', { delay: -0 });
    expect(s.get(id)?.state).toBe('waiting');
  });

  it('attempts of 0, 1.5, -1, "3", NaN or Infinity are InvalidArgumentError', () => {
    const { s } = scheduler();
    for (const attempts of [0, 1.5, -1, '3', Number.NaN, Infinity, null]) {
      expect(() => s.submit('x', { attempts: attempts as number })).toThrow(InvalidArgumentError);
      expect(() => new Scheduler({ defaultAttempts: attempts as number })).toThrow('Scheduler: expected `defaultAttempts` to be an integer >= 1');
    }
    expect(() => s.submit('x', { attempts: '3' as never })).toThrow('Scheduler.submit: expected `attempts` to be an integer >= 1, got "3"');
    expect(s.size).toBe(0);
  });

  it('a double ack or fail, and an ack or fail of a job not in flight, are refused and change nothing', () => {
    const { s } = scheduler({ defaultAttempts: 2, backoff: 0 });
    const a = s.submit('a');
    const b = s.submit('b');
    const d = s.submit('d', { delay: 10 });
    s.ack(s.take()!.id);
    expect(() => s.ack(a)).toThrow(NotFoundError);
    expect(() => s.fail(a, 'x')).toThrow(`Scheduler.fail: no job ${a} is held`);
    s.take();
    expect(s.fail(b, 'x')).toBe('waiting');
    const before = observe(s);
    expect(() => s.fail(b, 'again')).toThrow(`Scheduler.fail: job ${b} is waiting, not in flight`);
    expect(() => s.ack(b)).toThrow(StateError);
    expect(() => s.ack(d)).toThrow(`Scheduler.ack: job ${d} is delayed, not in flight`);
    expect(observe(s)).toEqual(before);
    s.take();
    expect(s.fail(b, 'last')).toBe('dead');
    expect(() => s.fail(b, 'after death')).toThrow(`Scheduler.fail: job ${b} is dead, not in flight`);
    expect(() => s.ack(b)).toThrow(StateError);
    expect(s.get(b)?.history).toHaveLength(2);
  });

  it('cancel of an unknown id is false; requeue of one is NotFoundError; neither changes anything', () => {
    const { s } = scheduler();
    s.submit('a');
    const before = observe(s);
    for (const id of ['nope', 99, -0.5]) {
      expect(s.cancel(id)).toBe(false);
      expect(() => s.requeue(id)).toThrow(NotFoundError);
      expect(() => s.requeue(id)).toThrow(`Scheduler.requeue: no job ${typeof id === 'string' ? `"${id}"` : id} is held`);
      expect(() => s.reprioritize(id, 1)).toThrow(NotFoundError);
    }
    for (const id of [Number.NaN, {}, undefined]) expect(() => s.cancel(id as JobId)).toThrow(InvalidArgumentError);
    expect(observe(s)).toEqual(before);
  });
});

describe('Scheduler faults: floods', () => {
  it('100,000 jobs at one priority stay FIFO, and a later job of a better priority still goes first', () => {
    const { s } = scheduler<number>();
    for (let i = 0; i < 100_000; i++) s.submit(i, { priority: 5 });
    s.submit(-1, { priority: 0 });
    const order: number[] = [];
    for (let job = s.take(); job; job = s.take()) {
      order.push(job.payload);
      s.ack(job.id);
      if (order.length === 50_000) s.submit(-2, { priority: 4 });
    }
    expect(order.slice(0, 2)).toEqual([-1, 0]);
    expect(order.slice(49_999, 50_002)).toEqual([49_998, -2, 49_999]);
    const flood = order.filter((n) => n >= 0);
    expect(flood).toHaveLength(100_000);
    expect(flood.every((n, i) => n === i)).toBe(true);
  });

  it('a tenant with 100,000 jobs cannot starve a tenant with 10; shares follow weights', () => {
    const { s } = scheduler<string>();
    for (let i = 0; i < 100_000; i++) s.submit('noisy', { tenant: 'noisy' });
    for (let i = 0; i < 10; i++) s.submit('quiet', { tenant: 'quiet' });
    const first20 = Array.from({ length: 20 }, () => s.take()!.payload);
    expect(first20.filter((p) => p === 'quiet')).toHaveLength(10);

    s.setTenantWeight('gold', 4);
    for (let i = 0; i < 1000; i++) s.submit('gold', { tenant: 'gold' });
    const next500 = Array.from({ length: 500 }, () => s.take()!.payload);
    const gold = next500.filter((p) => p === 'gold').length;
    expect(Math.abs(gold - 400)).toBeLessThanOrEqual(1);
  });
});

describe('Scheduler faults: memory exhaustion', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a full arena refuses with CapacityError; every job already accepted completes, retries included', async () => {
    vi.useFakeTimers();
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    const s = new Scheduler<number>({ arena, defaultAttempts: 2, backoff: 5 });
    let accepted = 0;
    let refused: unknown;
    for (;;) {
      try {
        s.submit(accepted, { tenant: `t${accepted % 7}`, delay: accepted % 3 === 0 ? 1 : 0, priority: accepted % 5 });
        accepted++;
      } catch (error) {
        refused = error;
        break;
      }
    }
    expect(refused).toBeInstanceOf(CapacityError);
    expect(accepted).toBeGreaterThan(1000);
    expect(s.size).toBe(accepted);
    expect(s.canAccept()).toBe(true); // limits allow it; memory is not predicted
    // The request that was refused is refused again (nothing changed since); a smaller one that
    // free blocks can serve (another tenant's first job, say) may still get in.
    expect(s.trySubmit(-1, { tenant: `t${accepted % 7}`, delay: accepted % 3 === 0 ? 1 : 0, priority: accepted % 5 })).toBe(false);

    // Every job fails its first attempt, so every one needs room for a retry.
    const completed = new Map<number, number>();
    s.on('completed', ({ job }) => completed.set(job.payload, (completed.get(job.payload) ?? 0) + 1));
    const run = s.run((n, ctx) => {
      if (ctx.attempt === 1) throw new Error(`first attempt of ${n}`);
      return n;
    }, { concurrency: 8 });
    for (let i = 0; i < 200 && s.size > 0; i++) await vi.advanceTimersByTimeAsync(10);
    await s.stop();
    await run;
    expect(s.size).toBe(0);
    expect(s.deadLetters()).toEqual([]);
    expect(completed.size).toBe(accepted);
    expect([...completed.values()].every((n) => n === 1)).toBe(true);
    // With the jobs done, the arena takes new ones again.
    expect(s.trySubmit(0, { tenant: 't1' })).not.toBe(false);
    s.dispose();
  });
});

describe('Scheduler faults: another structure takes the memory a drained line gave back', () => {
  it('every job taken still fails into its retry, and all of them complete', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new Scheduler<number>({ arena, defaultAttempts: 3, backoff: 50, clock: () => now });
    for (let i = 0; i < 300; i++) s.submit(i, { tenant: i % 2 ? 'a' : 'b' });
    const taken = Array.from({ length: 300 }, () => s.take()!.id); // both tenants' lines are empty
    const free = fillAll(arena); // other structures take every slot and block left, the freed ones first
    for (const id of taken) expect(s.fail(id, 'flaky')).toBe('delayed');
    now = 50;
    let done = 0;
    for (let job = s.take(); job; job = s.take()) {
      s.ack(job.id);
      done++;
    }
    expect(done).toBe(300);
    free();
    s.dispose();
  });

  it('a due retry the full arena kept out of its line is served before worse priorities, also those submitted after it fell due', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new Scheduler<string>({ arena, backoff: 10, clock: () => now });
    s.submit('urgent', { priority: 0, attempts: 2 });
    for (let i = 0; i < 3; i++) s.submit(`low ${i}`, { priority: 9 });
    const urgent = s.take()!;
    const free = fillAll(arena);
    s.reprioritize(urgent.id, -1); // its line has no ring for -1, and no room to make one
    expect(s.fail(urgent.id, 'flaky')).toBe('delayed');
    now = 100;
    const order: string[] = [];
    const first = s.take()!;
    order.push(first.payload);
    s.ack(first.id);
    expect(s.trySubmit('low, later', { priority: 9 })).not.toBe(false);
    for (let job = s.take(); job; job = s.take()) {
      order.push(job.payload);
      s.ack(job.id);
    }
    expect(order).toEqual(['urgent', 'low 0', 'low 1', 'low 2', 'low, later']);
    free();
    s.dispose();
  });

  it('a submitMany or restore the arena refuses part way leaves no handle slots behind: the table is as small again once all is disposed', () => {
    const refusedThenDisposed = (refuse: (s: Scheduler<number>, arena: Arena) => unknown) => {
      const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
      const base = arena.bytesInUse;
      const s = new Scheduler<number>({ arena, clock: () => 0 });
      const filler = new NumericStack({ arena });
      filler.pushMany(new Uint32Array(180_000));
      expect(refuse(s, arena)).toBeInstanceOf(CapacityError);
      expect(s.size).toBe(0);
      filler.dispose();
      s.dispose();
      arena.shrink();
      expect(arena.poisoned).toBe(false);
      return arena.bytesInUse - base;
    };
    const caught = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    // Distinct priorities move a tenant's line into a heap, a handle per job, until memory runs out.
    const batch = Array.from({ length: 40_000 }, (_, i) => ({ payload: i, priority: i }));
    expect(refusedThenDisposed((s) => caught(() => s.submitMany(batch)))).toBeLessThanOrEqual(512); // the smallest table
    const big = new Scheduler<number>({ clock: () => 0 });
    big.submitMany(Array.from({ length: 30_000 }, (_, i) => ({ payload: i, delay: 1 + i })));
    const bytes = big.snapshot();
    big.dispose();
    expect(refusedThenDisposed((_, arena) => caught(() => Scheduler.restore(bytes, { arena, clock: () => 0 })))).toBeLessThanOrEqual(512);
  });

  it('a due job the full arena kept out of its line waits behind its own tenant\'s better priorities too, whoever\'s turn it is', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new Scheduler<string>({ arena, clock: () => now });
    s.submit('t first', { tenant: 't', priority: 1 });
    s.submit('t second', { tenant: 't', priority: 1 });
    s.submit('u', { tenant: 'u', priority: 9 });
    s.submit('t delayed', { tenant: 't', priority: 5, delay: 10 }); // its line will have no ring for 5
    const free = fillAll(arena);
    now = 10;
    const order: string[] = [];
    for (let job = s.take(); job; job = s.take()) order.push(job.payload);
    expect(order).toEqual(['t first', 'u', 't second', 't delayed']);
    free();
    s.dispose();
  });

  it('a requeue the full arena refuses keeps the dead letter as it was, its priority included', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    const s = new Scheduler<string>({ arena, clock: () => 0 });
    const id = s.submit('job', { priority: 5 });
    s.fail(s.take()!.id, 'x');
    const free = fillAll(arena);
    expect(() => s.requeue(id, { priority: 7 })).toThrow(CapacityError);
    expect(s.get(id)).toMatchObject({ state: 'dead', priority: 5, attempt: 1 });
    free();
    s.requeue(id, { priority: 7 });
    expect(s.get(id)).toMatchObject({ state: 'waiting', priority: 7 });
    s.dispose();
  });

  it('a due retry the full arena kept out of its line waits behind better priorities', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new Scheduler<string>({ arena, backoff: 10, clock: () => now });
    s.submit('retried', { priority: 5, attempts: 2 });
    const retried = s.take()!;
    s.submit('better', { priority: 2 });
    s.submit('worse', { priority: 7 });
    const free = fillAll(arena);
    s.reprioritize(retried.id, 4); // no ring for 4 in its line, and no room to make one
    expect(s.fail(retried.id, 'flaky')).toBe('delayed');
    now = 100;
    const order: string[] = [];
    for (let job = s.take(); job; job = s.take()) {
      order.push(job.payload);
      s.ack(job.id);
    }
    expect(order).toEqual(['better', 'retried', 'worse']);
    free();
    s.dispose();
  });

  it('a due job the full arena kept out of its line wins a tie of priority with the lines, and nextDueIn reads 0 for it', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new Scheduler<string>({ arena, clock: () => now });
    s.submit('waiting', { priority: 5, tenant: 'a' });
    s.submit('stuck', { priority: 5, tenant: 'b', delay: 100 }); // tenant b has no turn yet, and no room for one
    const alone = new Scheduler<string>({ arena, clock: () => now });
    alone.submit('stuck', { tenant: 'b', delay: 100 });
    const free = fillAll(arena);
    now = 250;
    expect(s.stats()).toMatchObject({ waiting: 1, delayed: 1 });
    // Due since 100, so ahead of the line's job of the same priority.
    expect(s.take()?.payload).toBe('stuck');
    expect(s.take()?.payload).toBe('waiting');
    // Due 150 ms ago and still out of its line: due now, not "in -150 ms".
    expect(alone.stats()).toMatchObject({ waiting: 0, delayed: 1 });
    expect(alone.nextDueIn()).toBe(0);
    expect(alone.take()?.payload).toBe('stuck');
    expect(alone.nextDueIn()).toBeUndefined();
    free();
    s.dispose();
    alone.dispose();
  });
});

describe('Scheduler faults: a retry never waits for memory', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('jobs in flight fail into their backoff however the arena filled up since they were taken (new jobs in their ring room, a neighbour in their slots, a new priority)', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new Scheduler<string>({ arena, defaultAttempts: 3, backoff: 10, clock: () => now });
    for (let i = 0; i < 10; i++) s.submit(`job ${i}`, { tenant: 't' });
    s.submit('nightly', { delay: 5, tenant: 'ci' });
    const taken = Array.from({ length: 10 }, () => s.take()!.id);
    const free = fillAll(arena);
    now = 5;
    const nightly = s.take()!; // due, served from the delay queue (no room in its tenant's line)
    expect(nightly.payload).toBe('nightly');
    let accepted = 0;
    while (s.trySubmit('late', { tenant: 't' }) !== false) accepted++; // into the ring room the taken jobs left
    s.reprioritize(taken[0]!, -1); // a priority its tenant's line has no ring for
    for (const id of [...taken, nightly.id]) expect(s.fail(id, 'flaky')).toBe('delayed');
    expect(s.stats()).toMatchObject({ inFlight: 0, delayed: 11, waiting: accepted });
    now = 20;
    const done: string[] = [];
    for (let job = s.take(); job; job = s.take()) {
      done.push(job.payload);
      s.ack(job.id);
    }
    expect(done).toHaveLength(11 + accepted);
    expect(done).toContain('nightly');
    free();
    s.dispose();
  });

  it('under run(), handlers that throw on a full arena are retried and the pool keeps going', async () => {
    vi.useFakeTimers();
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    const s = new Scheduler<number>({ arena, defaultAttempts: 3, backoff: 0 });
    for (let i = 0; i < 8; i++) s.submit(i);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const completed: number[] = [];
    const run = s.run(
      async (n, ctx) => {
        if (ctx.attempt === 1) {
          await gate;
          throw new Error(`flaky ${n}`);
        }
        completed.push(n);
      },
      { concurrency: 8 },
    );
    await vi.advanceTimersByTimeAsync(1);
    expect(s.stats().inFlight).toBe(8);
    const free = fillAll(arena);
    while (s.trySubmit(100) !== false);
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(completed.filter((n) => n < 8).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.stats()).toMatchObject({ inFlight: 0, delayed: 0, waiting: 0 });
    await s.stop();
    await run;
    free();
    s.dispose();
  });
});

describe('Scheduler faults: a spilled retry is never served as waiting', () => {
  it('an entry a cancel left in a line cannot match a retry spilled in its row (fresh counters, where their tickets meet)', async () => {
    vi.resetModules();
    const fresh = await import('../../src/index.js'); // ready-line and spill tickets both start at -1
    const arena = new fresh.Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new fresh.Scheduler<string>({ arena, clock: () => now, backoff: 100 });
    const j = s.submit('J', { priority: 5 }); // the realm's first line ticket
    const k = s.submit('K', { priority: 5 }); // keeps level 5 live: J's entry stays in its ring
    s.cancel(j);
    const m = s.submit('M', { priority: 1, attempts: 2 }); // J's freed row
    expect(s.take()?.id).toBe(m);
    const held: { dispose(): void }[] = [];
    const fill = (make: () => void) => {
      try {
        for (;;) make();
      } catch (error) {
        expect(error).toBeInstanceOf(fresh.CapacityError);
      }
    };
    for (let pushed = 1; pushed > 0; ) {
      pushed = 0;
      fill(() => {
        const queue = new fresh.PriorityQueue<number>({ arena });
        held.push(queue);
        for (;;) queue.push(pushed++, 0);
      });
    }
    for (const ids of [64, 0]) {
      fill(() => {
        const ring = new fresh.NumericQueue({ arena });
        held.push(ring);
        ring.pushMany(new Uint32Array(ids));
      });
    }
    expect(s.fail(m, 'x')).toBe('delayed'); // spilled: the realm's first spill ticket
    expect(s.take()?.id).toBe(k);
    expect(s.get(m)?.state).toBe('delayed');
    expect(s.stats()).toMatchObject({ waiting: 0, delayed: 1, inFlight: 1 });
    now = 200;
    expect(s.take()?.id).toBe(m);
    for (const structure of held) structure.dispose();
  });
});

describe('Scheduler faults: refused submits leave nothing behind', () => {
  it('submits of new tenants refused by a full arena keep no tenant record', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    const s = new Scheduler<number>({ arena, clock: () => 0 });
    s.submit(0, { tenant: 'kept' });
    const free = [fillArena(arena, 64), fillArena(arena, 0)];
    const before = s.snapshot();
    for (let i = 0; i < 500; i++) {
      expect(() => s.submit(i, { tenant: `client-${i}` })).toThrow(CapacityError);
      expect(() => s.submitMany([{ payload: i, tenant: `batch-${i}` }])).toThrow(CapacityError);
    }
    expect(s.size).toBe(1);
    expect(s.snapshot()).toEqual(before);
    for (const release of free) release();
    s.dispose();
  });

  it('a refused submit leaves no trace whatever the rotation held, even when its tenant’s line was built first', () => {
    // 0: the rotation empty; 1: one tenant, served (a newcomer would enter ahead of virtual
    // time); 2: two tenants waiting at different passes.
    const build = (served: number, arena: Arena) => {
      const s = new Scheduler<number>({ arena, clock: () => 0 });
      for (let k = 0; k < served; k++) s.submitMany([{ payload: k, tenant: `t${k}` }, { payload: k, tenant: `t${k}` }]);
      if (served > 0) s.ack(s.take()!.id);
      return s;
    };
    const turns = (s: Scheduler<number>) => {
      s.submit(9, { tenant: 'late' });
      const order: string[] = [];
      for (let job = s.take(); job; job = s.take()) order.push(job.tenant);
      s.dispose();
      return order;
    };
    const push = PriorityQueue.prototype.push;
    for (const [served, full] of [0, 1, 2].flatMap((n) => [[n, 'arena'], [n, 'turn']] as const)) {
      const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
      const s = build(served, arena);
      let blocks: (() => void)[] = [];
      if (full === 'arena') {
        blocks = [fillAll(arena)];
      } else {
        // The new tenant's line is built and holds the job; then its turn in the tenant heap is
        // refused, as a full arena refuses it when the heap must grow.
        vi.spyOn(PriorityQueue.prototype, 'push').mockImplementation(function (this: PriorityQueue<unknown>, ...args: Parameters<typeof push>) {
          if ((args[0] as object | undefined)?.constructor.name === 'Tenant') throw new CapacityError('the tenant heap is full');
          return push.apply(this, args) as ReturnType<typeof push>;
        });
      }
      try {
        const snapshot = s.snapshot();
        const bytes = arena.bytesInUse;
        for (let i = 0; i < 3; i++) {
          expect(() => s.submit(i, { tenant: `new-${i}` })).toThrow(CapacityError);
          expect(() => s.submitMany([{ payload: i, tenant: `a-${i}` }, { payload: i, tenant: 't0' }, { payload: i, tenant: `b-${i}` }])).toThrow(CapacityError);
          expect(s.snapshot()).toEqual(snapshot);
          expect(arena.bytesInUse).toBe(bytes);
        }
      } finally {
        vi.restoreAllMocks();
      }
      for (const release of blocks) release();
      expect(turns(s)).toEqual(turns(build(served, new Arena())));
    }
  });
});

describe('Scheduler faults: a refused batch moves no turn', () => {
  it('a tenant out of the rotation that a refused submitMany brought back leaves with the pass it had', () => {
    const build = (arena: Arena) => {
      const s = new Scheduler<string>({ arena, clock: () => 0 });
      s.setTenantWeight('E', 1);
      s.setTenantWeight('Q', 0.5);
      s.submit('e', { tenant: 'E' });
      s.ack(s.take()!.id); // E out of the rotation at pass 1
      const q = ['q1', 'q2', 'q3', 'q4'].map((p) => s.submit(p, { tenant: 'Q' }));
      s.ack(s.take()!.id);
      s.ack(s.take()!.id); // Q alone: virtual time 2, Q waits at pass 4
      return { s, q };
    };
    const turns = ({ s, q }: ReturnType<typeof build>) => {
      for (const id of q) s.cancel(id);
      for (let i = 0; i < 3; i++) s.submit(`W${i}`, { tenant: 'W' });
      for (let i = 0; i < 3; i++) s.submit(`E${i}`, { tenant: 'E' });
      const order: string[] = [];
      for (let job = s.take(); job; job = s.take()) order.push(job.payload);
      s.dispose();
      return order;
    };
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    const refused = build(arena);
    const snapshot = refused.s.snapshot();
    const free = fillAll(arena);
    // E enters the rotation (behind Q, at pass 4), then the new tenant is refused.
    expect(() => refused.s.submitMany([{ payload: 'x', tenant: 'E' }, { payload: 'y', tenant: 'new' }])).toThrow(CapacityError);
    free();
    expect(refused.s.snapshot()).toEqual(snapshot);
    expect(turns(refused)).toEqual(turns(build(new Arena())));
  });
});

describe('Scheduler faults: a full arena names the call', () => {
  it('reprioritize to a new priority level: CapacityError naming Scheduler.reprioritize, the job as it was', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    const s = new Scheduler<string>({ arena });
    const id = s.submit('a', { priority: 1 });
    const free = [fillArena(arena, 64), fillArena(arena, 0)];
    expect(() => s.reprioritize(id, 7)).toThrow(/^Scheduler\.reprioritize: the arena's memory .* is exhausted/);
    expect(s.get(id)).toMatchObject({ state: 'waiting', priority: 1 });
    for (const release of free) release();
    s.reprioritize(id, 7);
    expect(s.take()).toMatchObject({ id, priority: 7 });
    s.dispose();
  });
});

describe('Scheduler faults: a live clock under run()', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a job that falls due between the pool’s take and its next clock reading still runs', async () => {
    vi.useFakeTimers();
    // Every reading is a millisecond later, as a live clock under load can be: the take at t = 1
    // finds nothing due, the reading that follows (t = 2) finds the job due.
    let t = 0;
    const s = new Scheduler<string>({ clock: () => t++ });
    s.submit('due at 2', { delay: 2 });
    const started: string[] = [];
    const run = s.run((p) => void started.push(p));
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['due at 2']);
    // Paused, the pool neither spins nor misses it later.
    s.pause();
    s.submit('later');
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['due at 2']);
    s.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['due at 2', 'later']);
    await s.stop();
    await run;
  });
});

describe('Scheduler faults: refusals that leave a tenant’s line as it was', () => {
  it('a refused submit or batch of a tenant kept for its weight leaves nothing in its line', () => {
    const push = PriorityQueue.prototype.push;
    for (const call of ['submit', 'submitMany'] as const) {
      const s = new Scheduler<string>({ clock: () => 0 });
      s.setTenantWeight('p', 2); // its record and line outlive the refusal
      vi.spyOn(PriorityQueue.prototype, 'push').mockImplementation(function (this: PriorityQueue<unknown>, ...args: Parameters<typeof push>) {
        if ((args[0] as object | undefined)?.constructor.name === 'Tenant') throw new CapacityError('the tenant heap is full');
        return push.apply(this, args) as ReturnType<typeof push>;
      });
      try {
        if (call === 'submit') expect(() => s.submit('refused', { tenant: 'p', priority: 1 })).toThrow(CapacityError);
        else expect(() => s.submitMany([{ payload: 'refused', tenant: 'p', priority: 1 }])).toThrow(CapacityError);
      } finally {
        vi.restoreAllMocks();
      }
      s.submit('real', { tenant: 'p', priority: 5 });
      expect(drain(s)).toEqual(['real']);
      expect(s.size).toBe(0);
      s.dispose();
    }
  });

  it('a due job kept out of its line by the full arena waits behind a better priority of another tenant', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    let now = 0;
    const s = new Scheduler<string>({ arena, clock: () => now });
    s.submit('better', { tenant: 'a', priority: 1 });
    s.submit('stuck', { tenant: 'b', priority: 5, delay: 100 }); // b has no line, and no room for one
    const free = fillAll(arena);
    now = 100;
    expect(s.take()?.payload).toBe('better');
    expect(s.take()?.payload).toBe('stuck');
    free();
    s.dispose();
  });

  it('a batch the full arena refuses part way through a line takes back what it had pushed', () => {
    const arena = new Arena({ maxMemory: 2 * 1024 * 1024 });
    const s = new Scheduler<string>({ arena, clock: () => 0 });
    s.submit('old', { tenant: 'a', priority: 5 });
    const free = fillAll(arena); // the line has a ring for priority 5, and no room for another
    expect(() => s.submitMany([{ payload: 'batch 5', tenant: 'a', priority: 5 }, { payload: 'batch 1', tenant: 'a', priority: 1 }])).toThrow(CapacityError);
    free();
    expect(drain(s)).toEqual(['old']);
    s.submit('later', { tenant: 'a', priority: 9 });
    expect(drain(s)).toEqual(['later']);
    s.dispose();
  });
});
