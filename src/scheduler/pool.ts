import type { JobId, TakenJob } from './types.js';

export interface RunOptions<T = unknown> {
  /**
   * Handlers running at once.
   * @default 1
   * @minimum 1
   */
  readonly concurrency?: number | undefined;
  /**
   * Milliseconds a handler may run before its attempt fails (and its `ctx.signal` aborts). Its
   * concurrency slot stays taken until it settles. No limit when absent. A function answers for
   * each attempt as it starts (a limit the payload names, longer for a retry); undefined means no
   * limit for that attempt. It may call back into the scheduler: an ack, fail or cancel of that job
   * there settles the attempt (its handler does not start), as does a dispose. If it throws or
   * answers anything else, the attempt fails with that error and `run` stops, rejecting with it.
   * @minimum 1
   */
  readonly timeout?: number | ((job: TakenJob<T>) => number | undefined) | undefined;
  /** Aborting it stops the pool: no new jobs are taken; `run` resolves once running handlers settle. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Asked when an attempt fails (its handler threw, rejected or timed out) and attempts are left:
   * milliseconds make the retry wait that long instead of the job's backoff (a wait the failure
   * names, such as a server's Retry-After), undefined keeps the backoff. It may call back into the
   * scheduler. If it throws or returns anything else, the retry keeps its backoff and `run` stops,
   * rejecting with the hook's error (or an InvalidArgumentError naming the bad answer).
   */
  readonly retryDelay?: ((reason: unknown, job: TakenJob<T>) => number | undefined) | undefined;
}

/** What a handler receives besides the payload: the job, and a signal for timeout or cancel. */
export interface JobContext<T> extends TakenJob<T> {
  /**
   * Aborts when the attempt times out or the job is cancelled; the reason says which. A getter
   * (the controller is made on first read), so a spread copy of the context does not carry it:
   * pass `context.signal` itself on.
   */
  readonly signal: AbortSignal;
}

export type Handler<T> = (payload: T, context: JobContext<T>) => unknown;

/** A job as the pool takes it: what its handler's context shows, and a key to find it by. */
export interface PoolJob {
  readonly id: JobId;
  readonly payload: unknown;
  readonly priority: number;
  readonly tenant: string;
  /** The attempt now in flight. */
  readonly attempt: number;
  readonly attempts: number;
  /** Unique to the job for the scheduler's life (an id may be reused once its job has left). */
  readonly key: number;
}

/** What the pool needs from the scheduler. Every call is a complete scheduler operation. */
export interface PoolHost<J> {
  /** The next due job, now in flight; undefined when none is due or the scheduler is paused. */
  take(): J | undefined;
  /** Acks the job if the attempt taken as `job` is still the one in flight (a timeout, cancel, ack or fail ends it early). */
  complete(job: J, result: unknown): void;
  fail(job: J, reason: unknown): void;
  /** Whether the attempt taken as `job` is still the one in flight (a hook may have settled it, or disposed the scheduler). */
  current(job: J): boolean;
  /** Milliseconds until a job is due (0: one is due now); undefined when none is or while paused. */
  nextDueIn(): number | undefined;
  /** The pool has stopped and every handler has settled. */
  stopped(): void;
}

const NOT_ABORTED: unique symbol = Symbol('not aborted');

/** Aborts a context's signal (made now if it was already read, or when it is first read). */
let abortContext: (context: Context<unknown>, reason: unknown) => void;

/**
 * A handler's `ctx`: the job as taken, and a signal for timeout or cancel. One per attempt, with
 * `signal` a getter on the prototype: an object literal with its own getter made a closure and an
 * accessor per job, which cost about 1 µs per job.
 */
class Context<T> implements JobContext<T> {
  readonly id: JobId;
  readonly payload: T;
  readonly priority: number;
  readonly tenant: string;
  readonly attempt: number;
  readonly attempts: number;
  /**
   * Created when the handler first reads `ctx.signal`. An AbortSignal is an EventTarget and cost
   * about a third of the pool's time per job when made for every job; most handlers never read it.
   */
  #controller: AbortController | undefined = undefined;
  /** Why the attempt was aborted (timeout or cancel), or NOT_ABORTED. */
  #abortReason: unknown = NOT_ABORTED;

  constructor(job: PoolJob) {
    this.id = job.id;
    this.payload = job.payload as T;
    this.priority = job.priority;
    this.tenant = job.tenant;
    this.attempt = job.attempt;
    this.attempts = job.attempts;
  }

  get signal(): AbortSignal {
    const controller = (this.#controller ??= new AbortController());
    if (this.#abortReason !== NOT_ABORTED && !controller.signal.aborted) controller.abort(this.#abortReason);
    return controller.signal;
  }

  static {
    abortContext = (context, reason) => {
      context.#abortReason = reason;
      context.#controller?.abort(reason);
    };
  }
}

/**
 * One of the `concurrency` places a handler runs in. A slot is busy from the start of an attempt
 * until its handler settles (a timed-out handler keeps it), then serves the next attempt with the
 * same callbacks: starting a job makes no closure for the handler's outcome.
 */
interface Slot<J> {
  job: J | undefined;
  context: Context<unknown> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The attempt's time limit in ms, for the TimeoutError's message. */
  limit: number;
  /** Still the attempt in flight: false once it timed out or its job was cancelled. */
  current: boolean;
  readonly fulfilled: (result: unknown) => void;
  readonly rejected: (reason: unknown) => void;
  readonly timedOut: () => void;
}

const SETTLED = Promise.resolve();

/** setTimeout's longest delay; a longer wait is slept in steps. */
const LONGEST_TIMER = 2 ** 31 - 1;

/**
 * The worker pool behind `Scheduler.run`: takes due jobs while fewer than `concurrency` handlers
 * run, acks or fails each by how its handler settles, and sleeps on one timer until the next
 * delayed job is due (not a timer per job). Work is looked for in a microtask after each scheduler
 * change, so handlers never start while the scheduler is mid-change, and a burst of submits
 * wakes the pool once.
 */
export class WorkerPool<J extends PoolJob> {
  readonly done: Promise<void>;
  readonly #host: PoolHost<J>;
  readonly #handler: Handler<unknown>;
  readonly #concurrency: number;
  /** An attempt's time limit in ms (undefined: none), or a hook that answers it per attempt: it may call back into the host, or throw. */
  readonly #timeout: number | ((job: J) => number | undefined) | undefined;
  readonly #signal: AbortSignal | undefined;
  /** Handlers that have not settled, timed-out ones included: this is what concurrency bounds. */
  #busy = 0;
  /** Slots made so far and not busy, for reuse. */
  readonly #freeSlots: Slot<J>[] = [];
  /** The slot holding each job's current attempt, by the job's key (for cancel). */
  readonly #current = new Map<number, Slot<J>>();
  #stopping = false;
  /** In the host's `take`, whose clock may stop the pool (an abort): the job it returns still runs. */
  #taking = false;
  /**
   * Recording a settled handler's outcome, whose listeners or `retryDelay` may stop the pool and then
   * throw: `run` must not settle before that error is kept.
   */
  #recording = false;
  #finished = false;
  #wakeQueued = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failed = false;
  #error: unknown;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  readonly #onAbort = () => this.stop();

  constructor(host: PoolHost<J>, handler: Handler<unknown>, concurrency: number, timeout: number | ((job: J) => number | undefined) | undefined, signal: AbortSignal | undefined) {
    this.#host = host;
    this.#handler = handler;
    this.#concurrency = concurrency;
    this.#timeout = timeout;
    this.#signal = signal;
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.wake();
  }

  /**
   * Looks for work in a microtask (coalesced: many wakes in one tick make one look). A reaction
   * to a settled promise rather than `queueMicrotask`, which in Node builds an async resource and a
   * bound function per call: the same queue, a fraction of the cost.
   */
  wake(): void {
    if (this.#wakeQueued || this.#stopping) return;
    this.#wakeQueued = true;
    void SETTLED.then(this.#onWake);
  }

  readonly #onWake = () => {
    this.#wakeQueued = false;
    try {
      this.#pump();
    } catch (error) {
      // As from queueMicrotask: an uncaught exception, not a rejection nobody handles.
      queueMicrotask(() => {
        throw error;
      });
    }
  };

  /** The job of `key` was cancelled while its handler runs: abort the handler's signal, ignore its outcome. */
  cancelled(key: number, reason: unknown): void {
    const slot = this.#current.get(key);
    if (!slot) return;
    slot.current = false;
    this.#current.delete(key);
    abortContext(slot.context!, reason);
  }

  /** Takes no more jobs; `done` settles once running handlers have. */
  stop(): void {
    if (!this.#stopping) {
      this.#stopping = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#signal?.removeEventListener('abort', this.#onAbort);
    }
    this.#finishIfIdle();
  }

  #pump(): void {
    if (this.#stopping) return;
    try {
      // A handler may call stop() (or dispose) as it starts: check before every take.
      while (!this.#stopping && this.#busy < this.#concurrency) {
        let job: J | undefined;
        this.#taking = true;
        try {
          job = this.#host.take();
        } finally {
          this.#taking = false;
        }
        if (job === undefined) break;
        // Taken even if the take's clock stopped the pool: it is in flight, and only its handler
        // can settle it; `done` waits for it.
        this.#start(job);
      }
    } catch (error) {
      this.#abandon(error);
      return;
    }
    if (this.#stopping) this.#finishIfIdle();
    else this.#arm();
  }

  /** Sleeps until the next delayed job is due, if a slot is free and nothing is due now. */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopping || this.#busy >= this.#concurrency) return;
    let dueIn: number | undefined;
    try {
      dueIn = this.#host.nextDueIn();
    } catch (error) {
      // The clock threw (or gave no number): as when a take fails, `run` rejects with it.
      this.#abandon(error);
      return;
    }
    if (dueIn === undefined || this.#stopping) return;
    // A live clock moved on since the take: a job fell due between the two readings. Look again
    // rather than wait for a wake-up that may never come.
    if (dueIn === 0) return this.wake();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, Math.min(dueIn, LONGEST_TIMER));
  }

  #start(job: J): void {
    const slot = this.#freeSlots.pop() ?? this.#newSlot();
    this.#busy++;
    const context = new Context<unknown>(job);
    slot.job = job;
    slot.context = context;
    slot.current = true;
    this.#current.set(job.key, slot);
    let limit = this.#timeout;
    if (typeof limit === 'function') {
      try {
        // Asked with the slot already current, so that a cancel from the hook reaches it.
        limit = limit(job);
      } catch (error) {
        // The attempt fails with the hook's error, and `run` stops with it: a bug is not lost.
        this.#abandon(error);
        Promise.reject(error).then(slot.fulfilled, slot.rejected);
        return;
      }
      // The hook settled the attempt itself (an ack, a fail) or disposed the scheduler.
      if (slot.current && !this.#host.current(job)) {
        slot.current = false;
        this.#release(slot, job.key);
      }
    }
    let outcome: Promise<unknown>;
    if (!slot.current) {
      outcome = SETTLED; // the hook settled or cancelled the job: its handler never starts
    } else {
      slot.limit = limit ?? 0;
      if (limit !== undefined) this.#armTimeout(slot, limit);
      try {
        outcome = Promise.resolve(this.#handler(context.payload, context));
      } catch (error) {
        outcome = Promise.reject(error);
      }
    }
    outcome.then(slot.fulfilled, slot.rejected);
  }

  /** Times the slot's attempt out in `remaining` ms, in steps of setTimeout's longest delay when longer. */
  #armTimeout(slot: Slot<J>, remaining: number): void {
    slot.timer = remaining > LONGEST_TIMER
      ? setTimeout(() => this.#armTimeout(slot, remaining - LONGEST_TIMER), LONGEST_TIMER)
      : setTimeout(slot.timedOut, remaining);
  }

  /**
   * Forgets the slot as its job's current attempt. Only if it still is: a handler that failed its
   * own job may settle after the retry started in another slot, which the job's key now names.
   */
  #release(slot: Slot<J>, key: number): void {
    if (this.#current.get(key) === slot) this.#current.delete(key);
  }

  #newSlot(): Slot<J> {
    const slot: Slot<J> = {
      job: undefined,
      context: undefined,
      timer: undefined,
      limit: 0,
      current: false,
      fulfilled: (result) => this.#settle(slot, true, result),
      rejected: (reason) => this.#settle(slot, false, reason),
      timedOut: () => this.#timedOut(slot),
    };
    return slot;
  }

  #timedOut(slot: Slot<J>): void {
    slot.timer = undefined;
    if (!slot.current) return;
    slot.current = false;
    const job = slot.job!;
    this.#release(slot, job.key);
    const reason = new DOMException(`Scheduler.run: the handler ran past its timeout (${slot.limit} ms)`, 'TimeoutError');
    try {
      this.#host.fail(job, reason);
    } catch (error) {
      this.#abandon(error);
    }
    abortContext(slot.context!, reason);
  }

  #settle(slot: Slot<J>, ok: boolean, value: unknown): void {
    const { job, current, timer } = slot;
    slot.job = slot.context = slot.timer = undefined;
    slot.current = false;
    this.#busy--;
    this.#freeSlots.push(slot);
    if (timer !== undefined) clearTimeout(timer);
    if (current) {
      this.#release(slot, job!.key);
      this.#recording = true;
      try {
        if (ok) this.#host.complete(job!, value);
        else this.#host.fail(job!, value);
      } catch (error) {
        this.#abandon(error);
      } finally {
        this.#recording = false;
      }
    }
    if (this.#stopping) this.#finishIfIdle();
    else this.wake();
  }

  /**
   * A call the pool made threw (a listener, the clock, a poisoned arena), whether taking a job or
   * recording an outcome. The pool stops and `run` rejects with that error once running handlers
   * settle, so the bug is not lost.
   */
  #abandon(error: unknown): void {
    if (!this.#failed) {
      this.#failed = true;
      this.#error = error;
    }
    this.stop();
  }

  /** Settles `done` once stopping, with no handler running and no take under way. */
  #finishIfIdle(): void {
    if (!this.#stopping || this.#busy > 0 || this.#taking || this.#recording || this.#finished) return;
    this.#finished = true;
    this.#host.stopped();
    if (this.#failed) this.#reject(this.#error);
    else this.#resolve();
  }
}
