import type { Arena } from '../core/arena.js';
import type { Backoff } from './backoff.js';

/** A job's id: a number the scheduler issued (1, 2, 3, …) or the caller's own string or number. */
export type JobId = string | number;

/**
 * Where a job is: `'waiting'` (due, ready to take), `'delayed'` (due later: a `delay` or a retry's
 * backoff), `'in-flight'` (taken, not yet acked or failed), `'dead'` (out of attempts).
 */
export type JobState = 'waiting' | 'delayed' | 'in-flight' | 'dead';

export interface SchedulerOptions {
  /**
   * The most jobs held at once, counting waiting, delayed and in-flight jobs (so a retry never
   * lacks room); dead letters are not counted. Unbounded when absent.
   * @minimum 1
   */
  readonly capacity?: number | undefined;
  /**
   * The most delayed jobs held at once. A `submit`, `submitMany` or `requeue` that would pass it
   * throws CapacityError (`trySubmit` returns false). A retry waiting out its backoff is never
   * refused (a failure must not lose an accepted job), so `delayed` can pass it by as many retries
   * as wait out their backoff at once (every job held, at worst: bound them with `capacity`); new
   * delayed jobs are refused until it is back under. Unbounded when absent.
   * @minimum 1
   */
  readonly maxDelayed?: number | undefined;
  /**
   * The most jobs one tenant holds at once (waiting + delayed + in-flight), for every tenant that
   * has no cap of its own (`setTenantCapacity`): a flooding tenant is refused at its cap while
   * the others still get in. Unbounded when absent.
   * @minimum 1
   */
  readonly tenantCapacity?: number | undefined;
  /**
   * Milliseconds from any fixed origin; delays, backoff and waits are measured with it. A reading
   * below an earlier one is taken as the earlier one (the scheduler's time never goes back); a
   * non-finite reading is an InvalidArgumentError. It must not call back into the scheduler.
   * @default () => performance.now()
   */
  readonly clock?: (() => number) | undefined;
  /**
   * Attempts a job gets when `submit` does not say: 1 means no retry.
   * @default 1
   * @minimum 1
   */
  readonly defaultAttempts?: number | undefined;
  /**
   * Backoff before a retry when `submit` does not say. A number means `{ type: 'fixed', base }`.
   * @default { type: 'exponential', base: 100, max: 30_000 }
   */
  readonly backoff?: Backoff | number | undefined;
  /**
   * `'min'`: a lower priority number runs first; `'max'`: a higher one does.
   * @default 'min'
   */
  readonly order?: 'min' | 'max' | undefined;
  /**
   * The most dead letters kept; past it the oldest is dropped with an `'evicted'` event.
   * Unbounded when absent.
   * @minimum 1
   */
  readonly maxDeadLetters?: number | undefined;
  /**
   * The random source for backoff jitter: returns a number in [0, 1).
   * @default Math.random
   */
  readonly random?: (() => number) | undefined;
  /**
   * The arena whose memory holds the scheduler's queues.
   * @default the realm's default arena
   */
  readonly arena?: Arena | undefined;
}

export interface SubmitOptions {
  /**
   * Within its tenant, the job runs before jobs of a worse priority (see `order`); equal
   * priorities run in the order they became due.
   * @default 0
   */
  readonly priority?: number | undefined;
  /**
   * Milliseconds before the job is due.
   * @default 0
   * @minimum 0
   */
  readonly delay?: number | undefined;
  /**
   * Attempts before the job is dead-lettered.
   * @default the scheduler's `defaultAttempts`
   * @minimum 1
   */
  readonly attempts?: number | undefined;
  /**
   * Backoff before each retry of this job.
   * @default the scheduler's `backoff`
   */
  readonly backoff?: Backoff | number | undefined;
  /**
   * The tenant whose fair share the job counts against.
   * @default 'default'
   */
  readonly tenant?: string | undefined;
  /**
   * The caller's id for the job; a duplicate of a job still held (dead letters included) is
   * rejected. The scheduler issues numbers from 1 up when absent.
   */
  readonly id?: JobId | undefined;
}

/** What `canAccept` asks about: jobs of this tenant, with this delay. */
export interface AcceptOptions {
  /** @default 'default' */
  readonly tenant?: string | undefined;
  /** @default 0 */
  readonly delay?: number | undefined;
}

/** One entry of `submitMany`: the payload and the options of `submit`. */
export interface SubmitEntry<T> extends SubmitOptions {
  readonly payload: T;
}

/** A failed attempt, as the job's history keeps it. */
export interface AttemptFailure {
  /** 1 for the first try. */
  readonly attempt: number;
  readonly startedAt: number;
  readonly failedAt: number;
  readonly reason: unknown;
}

/** What `take` hands out: the job to run now. */
export interface TakenJob<T> {
  readonly id: JobId;
  readonly payload: T;
  readonly priority: number;
  readonly tenant: string;
  /** This attempt's number: 1 on the first try. */
  readonly attempt: number;
  /** The attempts the job gets in all. */
  readonly attempts: number;
}

/** A job as `get`, `deadLetters` and events show it: a copy, taken when it was asked for. */
export interface JobRecord<T> extends TakenJob<T> {
  /** Its attempt now or last taken: 0 before its first `take` (1 on the first try once taken). */
  readonly attempt: number;
  readonly state: JobState;
  readonly submittedAt: number;
  /** When a delayed job becomes due; undefined in the other states. */
  readonly dueAt: number | undefined;
  /** The failed attempts since the job was submitted (or last requeued), oldest first. */
  readonly history: readonly AttemptFailure[];
}

export interface TenantStats {
  readonly waiting: number;
  readonly delayed: number;
  readonly inFlight: number;
  readonly dead: number;
  readonly weight: number;
}

export interface SchedulerStats {
  readonly waiting: number;
  readonly delayed: number;
  readonly inFlight: number;
  readonly dead: number;
  /** Jobs counted against `capacity`: waiting + delayed + in-flight. */
  readonly size: number;
  readonly capacity: number;
  readonly paused: boolean;
  /** Milliseconds the longest-waiting due job has waited; 0 when none waits. */
  readonly oldestWait: number;
  /** Per tenant that holds a job or has a weight or cap of its own set. */
  readonly tenants: Readonly<Record<string, TenantStats>>;
}

export interface RequeueOptions {
  /**
   * Milliseconds before the requeued job is due.
   * @default 0
   */
  readonly delay?: number | undefined;
  /** A new priority. @default the job's priority */
  readonly priority?: number | undefined;
}

/** What `fail` takes besides the id and the reason. */
export interface FailOptions {
  /**
   * Milliseconds before the retry is due, in place of the job's backoff (no jitter is added): a wait
   * the failure itself names, such as a server's Retry-After. Ignored on the last attempt, which
   * makes the job a dead letter as always.
   * @default the job's backoff
   */
  readonly delay?: number | undefined;
}

/** Event names and what their listeners receive. Listeners run after the change is complete. */
export interface SchedulerEvents<T> {
  /** A job was acked; `job` is as it was when it completed. */
  completed: { readonly job: JobRecord<T>; readonly result: unknown };
  /** An attempt failed (a `fail`, a thrown error, a timeout); `'retry'` or `'dead'` follows. */
  failed: { readonly job: JobRecord<T>; readonly attempt: number; readonly reason: unknown };
  /** The failed job will run again after `delay` ms (at `dueAt` on the scheduler's clock). */
  retry: { readonly job: JobRecord<T>; readonly reason: unknown; readonly delay: number; readonly dueAt: number };
  /** The failed job ran out of attempts and is now a dead letter. */
  dead: { readonly job: JobRecord<T>; readonly reason: unknown };
  /** `maxDeadLetters` was exceeded and the oldest dead letter was dropped. */
  evicted: { readonly job: JobRecord<T> };
  /** `cancel` removed the job; `job` is as it was just before (its state says which queue it left). */
  cancelled: { readonly job: JobRecord<T> };
  /** `purge` dropped this dead letter (one event per letter, oldest first). */
  purged: { readonly job: JobRecord<T> };
  /** No job is waiting, delayed or in flight any more. */
  idle: undefined;
}

export type SchedulerEventName = keyof SchedulerEvents<unknown>;
