import type { Handle } from '../structures/handle.js';
import type { BackoffPolicy } from './backoff.js';
import type { DeadEntry } from './dead-letters.js';
import type { Tenant } from './fair-share.js';
import type { AttemptFailure, JobId, JobState } from './types.js';

/** A job as the scheduler holds it. Fields change as it moves between states. */
export class Job<T> {
  priority: number;
  state: JobState = 'waiting';
  /** Attempts started so far: the in-flight attempt's number while it runs. */
  attempt = 0;
  /** Where it sits in its tenant's line (waiting) or in the delay queue (delayed). */
  handle = 0 as Handle;
  /** When it became due: what `stats().oldestWait` measures from. */
  readyAt = 0;
  /**
   * Its arrival rank in its tenant's line, as the core's FIFO tie-break has it. Kept so that a
   * snapshot can record arrival order, which `reprioritize` relies on and pop order does not show.
   */
  arrival = 0;
  dueAt = 0;
  startedAt = 0;
  history: AttemptFailure[] | undefined = undefined;
  deadEntry: DeadEntry | undefined = undefined;

  constructor(
    readonly id: JobId,
    /** Creation order among the jobs held (a snapshot lists jobs started at one time in it). */
    readonly serial: number,
    public payload: T,
    priority: number,
    readonly tenant: Tenant<Job<T>>,
    public attempts: number,
    readonly backoff: BackoffPolicy,
    readonly submittedAt: number,
  ) {
    this.priority = priority;
  }
}
