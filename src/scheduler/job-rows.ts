import type { Handle } from '../structures/handle.js';
import type { BackoffPolicy } from './backoff.js';
import type { Tenant } from './fair-share.js';
import type { AttemptFailure, JobId, JobState } from './types.js';

/**
 * A job held by the scheduler: its row in the scheduler's JobRows. The queues hold it as a small
 * integer, and the row is reused once the job has left.
 */
export type Job = number;

/** Numbers kept per row, next to each other: eight of them fill one 64-byte cache line. */
const STRIDE = 8;
const TIME = 0;
const HANDLE = 1;
const SUBMITTED_AT = 2;
const PRIORITY = 3;
const ARRIVAL = 4;
const SERIAL = 5;
const ATTEMPT = 6;
const ATTEMPTS = 7;

/** Rows made room for at first; the numbers double as needed. */
const INITIAL_ROWS = 64;

/** A job's state as `states` codes it. */
const STATE_NAMES: readonly JobState[] = ['waiting', 'delayed', 'in-flight', 'dead'];
const STATE_CODES: Readonly<Record<JobState, number>> = { waiting: 0, delayed: 1, 'in-flight': 2, dead: 3 };

/**
 * Every job held, one row each: its numbers in one Float64Array, its state in a Uint8Array and its
 * references in one array per field, all indexed by the job's row. A scheduler may hold millions
 * of jobs, and a record object per job was most of the cost of a submit: fresh memory for every
 * job (most outlive a minor GC), traced by every major GC. Rows are reused, most recently freed
 * first, and the arrays keep the room they grew to until `clear`: filling rows that exist costs a
 * few ns, growing into fresh memory about a hundred.
 */
export class JobRows<T> {
  #numbers = new Float64Array(STRIDE * INITIAL_ROWS);
  #states = new Uint8Array(INITIAL_ROWS);
  /** Rows the arrays have room for. */
  #capacity = INITIAL_ROWS;
  /** Rows handed out since all were last free: every row below it is held or in `#free`. */
  #used = 0;
  readonly #free: number[] = [];
  /** The backoff of every job that has none of its own. */
  readonly #defaultBackoff: BackoffPolicy;

  readonly ids: JobId[] = [];
  readonly payloads: (T | undefined)[] = [];
  readonly tenants: (Tenant<Job> | undefined)[] = [];
  /** Backoffs other than the default, for the few jobs given one. */
  readonly #backoffs = new Map<Job, BackoffPolicy>();
  /** Failed attempts, for the few jobs that have any. */
  readonly #histories = new Map<Job, AttemptFailure[]>();

  constructor(defaultBackoff: BackoffPolicy) {
    this.#defaultBackoff = defaultBackoff;
  }

  /** Rows held. */
  get size(): number {
    return this.#used - this.#free.length;
  }

  /** A row for a new job, filled in; its state is `'waiting'` until the caller places it. */
  add(id: JobId, serial: number, payload: T, priority: number, tenant: Tenant<Job>, attempts: number, backoff: BackoffPolicy): Job {
    let job: Job;
    if (this.#free.length > 0) {
      job = this.#free.pop()!;
    } else {
      job = this.#used++;
      if (job === this.#capacity) this.#grow();
    }
    if (job < this.ids.length) {
      this.ids[job] = id;
      this.payloads[job] = payload;
      this.tenants[job] = tenant;
    } else {
      // Pushed, never written past the end: the arrays stay packed.
      this.ids.push(id);
      this.payloads.push(payload);
      this.tenants.push(tenant);
    }
    if (backoff !== this.#defaultBackoff) this.#backoffs.set(job, backoff);
    this.#states[job] = 0;
    const at = STRIDE * job;
    const numbers = this.#numbers;
    numbers[at + PRIORITY] = priority;
    numbers[at + SERIAL] = serial;
    numbers[at + ATTEMPT] = 0;
    numbers[at + ATTEMPTS] = attempts;
    numbers[at + ARRIVAL] = 0;
    return job;
  }

  /** The job left: its references are dropped and the row is free for another. */
  release(job: Job): void {
    this.payloads[job] = undefined;
    this.tenants[job] = undefined;
    if (typeof this.ids[job] === 'string') this.ids[job] = 0;
    // A pool still holding the job by row and serial sees it is gone.
    this.#numbers[STRIDE * job + SERIAL] = -1;
    if (this.#backoffs.size > 0) this.#backoffs.delete(job);
    if (this.#histories.size > 0) this.#histories.delete(job);
    this.#free.push(job);
    // All free: rows are handed out from the first again, in order.
    if (this.#free.length === this.#used) {
      this.#used = 0;
      this.#free.length = 0;
    }
  }

  /** Forgets every row and gives back the memory. */
  clear(): void {
    this.#used = 0;
    this.#free.length = 0;
    this.ids.length = this.payloads.length = this.tenants.length = 0;
    this.#backoffs.clear();
    this.#histories.clear();
    this.#capacity = INITIAL_ROWS;
    this.#numbers = new Float64Array(STRIDE * INITIAL_ROWS);
    this.#states = new Uint8Array(INITIAL_ROWS);
  }

  #grow(): void {
    this.#capacity *= 2;
    const numbers = new Float64Array(STRIDE * this.#capacity);
    numbers.set(this.#numbers);
    this.#numbers = numbers;
    const states = new Uint8Array(this.#capacity);
    states.set(this.#states);
    this.#states = states;
  }

  state(job: Job): JobState {
    return STATE_NAMES[this.#states[job]!]!;
  }

  setState(job: Job, state: JobState): void {
    this.#states[job] = STATE_CODES[state];
  }

  backoff(job: Job): BackoffPolicy {
    return this.#backoffs.size === 0 ? this.#defaultBackoff : (this.#backoffs.get(job) ?? this.#defaultBackoff);
  }

  /** Waiting: when it became due. Delayed: when it falls due. In flight: when the attempt started. */
  time(job: Job): number {
    return this.#numbers[STRIDE * job + TIME]!;
  }

  setTime(job: Job, time: number): void {
    this.#numbers[STRIDE * job + TIME] = time;
  }

  /** Where it sits in its tenant's line (waiting) or in the delay queue (delayed). */
  handle(job: Job): Handle {
    return this.#numbers[STRIDE * job + HANDLE] as Handle;
  }

  setHandle(job: Job, handle: Handle): void {
    this.#numbers[STRIDE * job + HANDLE] = handle;
  }

  submittedAt(job: Job): number {
    return this.#numbers[STRIDE * job + SUBMITTED_AT]!;
  }

  setSubmittedAt(job: Job, time: number): void {
    this.#numbers[STRIDE * job + SUBMITTED_AT] = time;
  }

  priority(job: Job): number {
    return this.#numbers[STRIDE * job + PRIORITY]!;
  }

  setPriority(job: Job, priority: number): void {
    this.#numbers[STRIDE * job + PRIORITY] = priority;
  }

  /**
   * Its arrival rank in its tenant's line, as the core's FIFO tie-break has it. Kept so that a
   * snapshot can record arrival order, which `reprioritize` relies on and pop order does not show.
   */
  arrival(job: Job): number {
    return this.#numbers[STRIDE * job + ARRIVAL]!;
  }

  setArrival(job: Job, arrival: number): void {
    this.#numbers[STRIDE * job + ARRIVAL] = arrival;
  }

  /** Creation order among the jobs held, unique for the scheduler's life; -1 once the row is free. */
  serial(job: Job): number {
    return this.#numbers[STRIDE * job + SERIAL]!;
  }

  /** Attempts started so far: the in-flight attempt's number while it runs. */
  attempt(job: Job): number {
    return this.#numbers[STRIDE * job + ATTEMPT]!;
  }

  setAttempt(job: Job, attempt: number): void {
    this.#numbers[STRIDE * job + ATTEMPT] = attempt;
  }

  /** The attempts the job gets in all. */
  attempts(job: Job): number {
    return this.#numbers[STRIDE * job + ATTEMPTS]!;
  }

  /** The failed attempts since it was submitted (or last requeued), oldest first; undefined for none. */
  history(job: Job): AttemptFailure[] | undefined {
    return this.#histories.size === 0 ? undefined : this.#histories.get(job);
  }

  addFailure(job: Job, failure: AttemptFailure): void {
    const history = this.#histories.get(job);
    if (history) history.push(failure);
    else this.#histories.set(job, [failure]);
  }

  setHistory(job: Job, history: AttemptFailure[]): void {
    this.#histories.set(job, history);
  }

  clearHistory(job: Job): void {
    this.#histories.delete(job);
  }
}
