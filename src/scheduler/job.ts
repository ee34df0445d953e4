import type { BackoffPolicy } from './backoff.js';
import type { DeadEntry } from './dead-letters.js';
import type { Tenant } from './fair-share.js';
import type { AttemptFailure, JobId, JobState } from './types.js';

/**
 * A job as the scheduler holds it. Fields change as it moves between states.
 *
 * A scheduler may hold millions of these, so the record is kept small: 8 bytes a field, and only
 * fields that hold small integers or references. Its clock readings and handle, which would each
 * be a boxed number here, are in the scheduler's JobNumbers at `slot`.
 */
export interface Job<T> {
  readonly id: JobId;
  /** Creation order among the jobs held (a snapshot lists jobs started at one time in it). */
  readonly serial: number;
  payload: T;
  priority: number;
  readonly tenant: Tenant<Job<T>>;
  attempts: number;
  readonly backoff: BackoffPolicy;
  /** Where its time, handle and submit time are kept (JobNumbers); reused once it has left. */
  readonly slot: number;
  state: JobState;
  /** Attempts started so far: the in-flight attempt's number while it runs. */
  attempt: number;
  /**
   * Its arrival rank in its tenant's line, as the core's FIFO tie-break has it. Kept so that a
   * snapshot can record arrival order, which `reprioritize` relies on and pop order does not show.
   */
  arrival: number;
  history: AttemptFailure[] | undefined;
  deadEntry: DeadEntry | undefined;
}

/**
 * A new job, not yet placed. Every job comes from this one object literal, on purpose: V8 tracks
 * a literal's allocation site, and once most of its objects outlive a minor GC (a scheduler
 * holding a million jobs) it allocates them straight in the old generation instead of copying
 * each one out of the young one. `new` of a class has no such site: with a Job class, a million
 * submits spent about a third of their time in the GC.
 */
export function createJob<T>(
  id: JobId,
  serial: number,
  payload: T,
  priority: number,
  tenant: Tenant<Job<T>>,
  attempts: number,
  backoff: BackoffPolicy,
  slot: number,
): Job<T> {
  return {
    id,
    serial,
    payload,
    priority,
    tenant,
    attempts,
    backoff,
    slot,
    state: 'waiting',
    attempt: 0,
    arrival: 0,
    history: undefined,
    deadEntry: undefined,
  };
}
