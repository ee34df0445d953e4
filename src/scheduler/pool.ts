import type { TakenJob } from './types.js';

export interface RunOptions {
  /**
   * Handlers running at once.
   * @default 1
   * @minimum 1
   */
  readonly concurrency?: number;
  /**
   * Milliseconds a handler may run before its attempt fails (and its `ctx.signal` aborts). Its
   * concurrency slot stays taken until it settles. No limit when absent.
   * @minimum 1
   */
  readonly timeout?: number;
  /** Aborting it stops the pool: no new jobs are taken; `run` resolves once running handlers settle. */
  readonly signal?: AbortSignal;
}

/** What a handler receives besides the payload: the job, and a signal for timeout or cancel. */
export interface JobContext<T> extends TakenJob<T> {
  /** Aborts when the attempt times out or the job is cancelled; the reason says which. */
  readonly signal: AbortSignal;
}

export type Handler<T> = (payload: T, context: JobContext<T>) => unknown;

/** What the pool needs from the scheduler. Every call is a complete scheduler operation. */
export interface PoolHost<J, T> {
  /** The next due job, now in flight; undefined when none is due or the scheduler is paused. */
  take(): J | undefined;
  describe(job: J): TakenJob<T>;
  /** Acks the job if this attempt is still the one in flight (a timeout or cancel ends it early). */
  complete(job: J, attempt: number, result: unknown): void;
  fail(job: J, attempt: number, reason: unknown): void;
  /** Milliseconds until a job is due (0: one is due now); undefined when none is or while paused. */
  nextDueIn(): number | undefined;
  /** The pool has stopped and every handler has settled. */
  stopped(): void;
}

interface Run<J> {
  readonly job: J;
  readonly attempt: number;
  /**
   * Created when the handler first reads `ctx.signal`. An AbortSignal is an EventTarget and cost
   * about a third of the pool's time per job when made for every job; most handlers never read it.
   */
  controller: AbortController | undefined;
  /** Why the attempt was aborted (timeout or cancel), or NOT_ABORTED. */
  abortReason: unknown;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Still the attempt in flight: false once it timed out or its job was cancelled. */
  current: boolean;
}

const NOT_ABORTED: unique symbol = Symbol('not aborted');

function signalOf(run: Run<unknown>): AbortSignal {
  const controller = (run.controller ??= new AbortController());
  if (run.abortReason !== NOT_ABORTED && !controller.signal.aborted) controller.abort(run.abortReason);
  return controller.signal;
}

function abort(run: Run<unknown>, reason: unknown): void {
  run.abortReason = reason;
  run.controller?.abort(reason);
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
export class WorkerPool<J extends { attempt: number }, T> {
  readonly done: Promise<void>;
  readonly #host: PoolHost<J, T>;
  readonly #handler: Handler<T>;
  readonly #concurrency: number;
  readonly #timeout: number | undefined;
  readonly #signal: AbortSignal | undefined;
  /** Handlers that have not settled, timed-out ones included: this is what concurrency bounds. */
  readonly #slots = new Set<Run<J>>();
  /** The run holding each job's current attempt (for cancel). */
  readonly #current = new Map<J, Run<J>>();
  #stopping = false;
  #wakeQueued = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failed = false;
  #error: unknown;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  readonly #onAbort = () => this.stop();

  constructor(host: PoolHost<J, T>, handler: Handler<T>, concurrency: number, timeout: number | undefined, signal: AbortSignal | undefined) {
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

  /** The job was cancelled while its handler runs: abort the handler's signal, ignore its outcome. */
  cancelled(job: J, reason: unknown): void {
    const run = this.#current.get(job);
    if (!run) return;
    run.current = false;
    this.#current.delete(job);
    abort(run, reason);
  }

  /** Takes no more jobs; `done` settles once running handlers have. */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (this.#slots.size === 0) this.#finish();
  }

  #pump(): void {
    if (this.#stopping) return;
    try {
      // A handler may call stop() (or dispose) as it starts: check before every take.
      while (!this.#stopping && this.#slots.size < this.#concurrency) {
        const job = this.#host.take();
        if (job === undefined) break;
        this.#start(job);
      }
    } catch (error) {
      this.#abandon(error);
      return;
    }
    this.#arm();
  }

  /** Sleeps until the next delayed job is due, if a slot is free and nothing is due now. */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopping || this.#slots.size >= this.#concurrency) return;
    const dueIn = this.#host.nextDueIn();
    if (dueIn === undefined) return;
    // A live clock moved on since the take: a job fell due between the two readings. Look again
    // rather than wait for a wake-up that may never come.
    if (dueIn === 0) return this.wake();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, Math.min(dueIn, LONGEST_TIMER));
  }

  #start(job: J): void {
    const run: Run<J> = { job, attempt: job.attempt, controller: undefined, abortReason: NOT_ABORTED, timer: undefined, current: true };
    this.#slots.add(run);
    this.#current.set(job, run);
    const { id, payload, priority, tenant, attempt, attempts } = this.#host.describe(job);
    const context: JobContext<T> = {
      id,
      payload,
      priority,
      tenant,
      attempt,
      attempts,
      get signal() {
        return signalOf(run);
      },
    };
    if (this.#timeout !== undefined) {
      const timeout = this.#timeout;
      run.timer = setTimeout(() => this.#timedOut(run, timeout), timeout);
    }
    let outcome: Promise<unknown>;
    try {
      outcome = Promise.resolve(this.#handler(context.payload, context));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (result) => this.#settle(run, true, result),
      (reason: unknown) => this.#settle(run, false, reason),
    );
  }

  #timedOut(run: Run<J>, timeout: number): void {
    run.timer = undefined;
    if (!run.current) return;
    run.current = false;
    this.#current.delete(run.job);
    const reason = new DOMException(`Scheduler.run: the handler ran past its timeout (${timeout} ms)`, 'TimeoutError');
    try {
      this.#host.fail(run.job, run.attempt, reason);
    } catch (error) {
      this.#abandon(error);
    }
    abort(run, reason);
  }

  #settle(run: Run<J>, ok: boolean, value: unknown): void {
    this.#slots.delete(run);
    clearTimeout(run.timer);
    if (run.current) {
      run.current = false;
      this.#current.delete(run.job);
      try {
        if (ok) this.#host.complete(run.job, run.attempt, value);
        else this.#host.fail(run.job, run.attempt, value);
      } catch (error) {
        this.#abandon(error);
      }
    }
    if (this.#stopping) {
      if (this.#slots.size === 0) this.#finish();
    } else {
      this.wake();
    }
  }

  /**
   * An event listener threw inside a call the pool made (the change itself is complete). The pool
   * stops and `run` rejects with that error once running handlers settle, so the bug is not lost.
   */
  #abandon(error: unknown): void {
    if (!this.#failed) {
      this.#failed = true;
      this.#error = error;
    }
    this.stop();
  }

  #finish(): void {
    this.#host.stopped();
    if (this.#failed) this.#reject(this.#error);
    else this.#resolve();
  }
}
