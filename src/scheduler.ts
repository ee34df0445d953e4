import { arenaOption, type Arena } from './core/arena.js';
import { CapacityError, InvalidArgumentError, NotFoundError, SnapshotError, StateError, asCall, describe } from './core/errors.js';
import { codecOption, RESTORE_OPTIONS, type RestoreOptions, type SnapshotBytes, type SnapshotOptions } from './core/snapshot.js';
import { functionOption, boundOption, integerOption, oneOf, optionNames, options as checkOptions, priority as checkPriority, weight as checkWeight } from './core/validate.js';
import type { Handle } from './structures/handle.js';
import { DEFAULT_BACKOFF, backoffPolicy, retryWait, type BackoffPolicy } from './scheduler/backoff.js';
import { checkDelay, checkId, checkTenant, checkTime, isDelay, isTimeLimit } from './scheduler/checks.js';
import { DeadLetters } from './scheduler/dead-letters.js';
import { DelayQueue } from './scheduler/delay-queue.js';
import { DeferredEvents } from './scheduler/events.js';
import { FairShare, type Tenant } from './scheduler/fair-share.js';
import { JobRows, type Job } from './scheduler/job-rows.js';
import { JobTable } from './scheduler/job-table.js';
import { readSchedulerSnapshot, writeSchedulerSnapshot, type SavedJob, type SavedScheduler } from './scheduler/snapshot.js';
import { WorkerPool, type Handler, type PoolHost, type PoolJob, type RunOptions } from './scheduler/pool.js';
import type {
  AcceptOptions,
  AttemptFailure,
  FailOptions,
  JobId,
  JobRecord,
  JobState,
  RequeueOptions,
  SchedulerEvents,
  SchedulerOptions,
  SchedulerStats,
  SubmitEntry,
  SubmitOptions,
  TakenJob,
  TenantStats,
} from './scheduler/types.js';

export type * from './scheduler/types.js';
export type { Backoff, BackoffType } from './scheduler/backoff.js';
export type { Handler, JobContext, RunOptions } from './scheduler/pool.js';

const DEFAULT_TENANT = 'default';

interface JobSpec {
  readonly priority: number;
  readonly delay: number;
  readonly attempts: number;
  readonly backoff: BackoffPolicy;
  readonly tenant: string;
  readonly id: JobId | undefined;
}

/** A job as `run` hands it to the pool: what its handler sees, and the row it was taken from. */
interface Running extends PoolJob {
  readonly job: Job;
  /** The attempt's start number (`JobRows.started`): a job failed and requeued starts its count again, this never repeats. */
  readonly start: number;
}

type Listener<T, K extends keyof SchedulerEvents<T>> = (event: SchedulerEvents<T>[K]) => void;

const EVENT_NAMES = ['completed', 'failed', 'retry', 'dead', 'evicted', 'cancelled', 'purged', 'idle'] as const;

const defaultClock = () => performance.now();

/** What `canAccept` takes: a job's submit options, or a `submitMany` entry. */
const SUBMIT_OPTIONS = optionNames<SubmitEntry<unknown>>()(['payload', 'priority', 'delay', 'attempts', 'backoff', 'tenant', 'id']);
const FAIL_OPTIONS = optionNames<FailOptions>()(['delay']);
const SCHEDULER_OPTIONS = optionNames<SchedulerOptions>()([
  'capacity', 'maxDelayed', 'tenantCapacity', 'clock', 'defaultAttempts', 'backoff', 'order', 'maxDeadLetters', 'random', 'arena',
]);

/**
 * A job scheduler: priority order (FIFO among equals), delays, retries with backoff, dead letters,
 * cancellation, weighted fair share across tenants, capacity, and an async worker pool.
 *
 * It holds policy only. Due jobs sit in a line per tenant and delayed jobs in a queue by due time,
 * in the Wasm core (a retry the arena has no room for waits in JS); a small heap of tenants picks
 * whose turn it is.
 * A delayed job moves to its tenant's line when the clock reaches its due time, at the start of
 * the next call, so FIFO among equal priorities means the order in which jobs became due.
 */
export class Scheduler<T = unknown> {
  readonly #capacity: number;
  readonly #maxDelayed: number;
  readonly #tenantCapacity: number;
  readonly #clock: () => number;
  readonly #defaultAttempts: number;
  readonly #backoff: BackoffPolicy;
  readonly #maxDeadLetters: number;
  readonly #random: () => number;
  readonly #max: boolean;

  /** The jobs held, by id: their rows in `#rows`. */
  readonly #jobs = new JobTable();
  /** Jobs created so far: the next job's `serial`. */
  #created = 0;
  /** Attempts started so far: orders in-flight jobs that started at one clock reading (snapshots). */
  #started = 0;
  readonly #rows: JobRows<T>;
  readonly #fair: FairShare;
  readonly #delayed: DelayQueue;
  /** The arena its queues live in: a poisoned one refuses every call at its entry, named. */
  readonly #arena: Arena;
  readonly #dead = new DeadLetters();
  // Typed over unknown payloads so that a Scheduler<string> is usable where a Scheduler<unknown>
  // is expected (a listener's parameter type would otherwise make the class invariant in T).
  readonly #events = new DeferredEvents<SchedulerEvents<unknown>>();
  #waiting = 0;
  #delayedCount = 0;
  #inFlight = 0;
  #nextId = 1;
  #arrivals = 0;
  /** The highest number a caller gave as an id: below it, an issued id must be checked for use. */
  #highestCallerNumber = 0;
  /** Whether any limit besides `capacity` applies: submits check tenants and delays only then. */
  #limited: boolean;
  /** The latest clock reading: an earlier one is taken as this, so time never goes back. */
  #lastNow = -Infinity;
  /**
   * Set while the clock or the random source runs (and once disposed): a call back into the
   * scheduler from them would land in the middle of a change, so it is refused.
   */
  #blocked = false;
  #paused = false;
  #idle = true;
  #idleWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #emptyWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Over unknown payloads for the same reason as `#events`; `run` is what ties it to T. */
  #pool: WorkerPool<Running> | undefined;
  #disposed = false;

  constructor(options?: SchedulerOptions) {
    const where = 'Scheduler';
    const given = checkOptions(where, options, SCHEDULER_OPTIONS);
    this.#capacity = boundOption(where, 'capacity', given.capacity);
    this.#maxDelayed = boundOption(where, 'maxDelayed', given.maxDelayed);
    this.#tenantCapacity = boundOption(where, 'tenantCapacity', given.tenantCapacity);
    this.#limited = this.#maxDelayed !== Infinity || this.#tenantCapacity !== Infinity;
    this.#clock = given.clock === undefined ? defaultClock : functionOption(where, 'clock', given.clock);
    this.#defaultAttempts = given.defaultAttempts === undefined ? 1 : integerOption(where, 'defaultAttempts', given.defaultAttempts);
    this.#backoff = given.backoff === undefined ? DEFAULT_BACKOFF : backoffPolicy(where, given.backoff);
    this.#maxDeadLetters = boundOption(where, 'maxDeadLetters', given.maxDeadLetters);
    const random = given.random === undefined ? Math.random : functionOption(where, 'random', given.random);
    this.#random = () => {
      this.#blocked = true;
      try {
        return random();
      } finally {
        this.#blocked = this.#disposed;
      }
    };
    this.#rows = new JobRows<T>(this.#backoff);
    this.#max = oneOf(where, 'order', given.order === undefined ? 'min' : given.order, ['min', 'max']) === 'max';
    const arena = (this.#arena = arenaOption(where, given.arena));
    arena.refuseIfPoisoned(where);
    try {
      this.#delayed = new DelayQueue(arena);
    } catch (error) {
      throw asCall(where, error);
    }
    try {
      this.#fair = new FairShare(this.#max, arena, this.#rows);
    } catch (error) {
      this.#delayed.dispose();
      throw asCall(where, error);
    }
  }

  /** Jobs counted against `capacity`: waiting + delayed + in-flight. */
  get size(): number {
    return this.#waiting + this.#delayedCount + this.#inFlight;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** The most delayed jobs held at once (Infinity when unbounded). */
  get maxDelayed(): number {
    return this.#maxDelayed;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Adds a job and returns its id. It is due after `delay` ms, runs in priority order within its
   * tenant and gets `attempts` tries. Throws CapacityError at `capacity` and StateError for an
   * `id` the scheduler still holds; either way nothing changed.
   */
  submit(payload: T, options?: SubmitOptions): JobId {
    return this.#submit(payload, options, false) as JobId;
  }

  /** `submit`, but returns false instead of throwing CapacityError when there is no room. */
  trySubmit(payload: T, options?: SubmitOptions): JobId | false {
    try {
      return this.#submit(payload, options, true);
    } catch (error) {
      // A full arena (the limits the scheduler keeps refuse before anything is built).
      if (error instanceof CapacityError) return false;
      throw error;
    }
  }

  /**
   * `submit`; with `quietly`, a refusal by `capacity`, `maxDelayed` or the tenant's cap returns
   * false before any error is built (building one, stack trace and all, cost ~6 us per refusal).
   */
  #submit(payload: T, options: SubmitOptions | undefined, quietly: boolean): JobId | false {
    const where = quietly ? 'Scheduler.trySubmit' : 'Scheduler.submit';
    this.#checkLive(where);
    // The options one by one, in `#spec`'s order, without building a spec object per job. Each is
    // read once, before any check of the scheduler's state: a getter may call back in (or dispose).
    const given = checkOptions(where, options);
    const { priority: givenPriority, delay: givenDelay, attempts: givenAttempts, backoff: givenBackoff, tenant: givenTenant, id: givenIdValue } = given;
    this.#checkLive(where);
    const priority = givenPriority === undefined ? 0 : checkPriority(where, givenPriority);
    const delay = givenDelay === undefined ? 0 : checkDelay(where, givenDelay);
    const attempts = givenAttempts === undefined ? this.#defaultAttempts : integerOption(where, 'attempts', givenAttempts);
    const backoff = givenBackoff === undefined ? this.#backoff : backoffPolicy(where, givenBackoff);
    const tenant = givenTenant === undefined ? DEFAULT_TENANT : checkTenant(where, givenTenant);
    const givenId = givenIdValue === undefined ? undefined : checkId(where, givenIdValue);
    if (givenId !== undefined) this.#checkFreeId(where, givenId);
    if (this.size + 1 > this.#capacity) {
      if (quietly) return false;
      this.#checkRoom(where, 1);
    }
    const now = this.#now(where);
    this.#promote(now);
    if (this.#limited && !this.#allows(tenant, 1, delay > 0 ? 1 : 0)) {
      if (quietly) return false;
      this.#checkLimits(where, tenant, 1, delay > 0 ? 1 : 0);
    }
    const id = givenId ?? this.#freeId();
    const job = this.#newJob(id, payload, priority, tenant, attempts, backoff, now);
    let state: 'waiting' | 'delayed';
    try {
      state = this.#place(job, delay, now);
    } catch (error) {
      this.#discard(job);
      throw asCall(where, error);
    }
    this.#jobs.add(id, job, givenId === undefined);
    if (givenId === undefined) this.#nextId = (id as number) + 1;
    else if (typeof id === 'number' && id > this.#highestCallerNumber) this.#highestCallerNumber = id;
    this.#move(job, undefined, state);
    this.#finish();
    return id;
  }

  /**
   * Whether `submit` (or `submitMany` of `count` such jobs) would be accepted now by `capacity`,
   * `maxDelayed` and the tenant's cap. The arena's memory is not predicted: a submit that passes
   * this can still throw CapacityError when the arena is full.
   */
  canAccept(count = 1, options?: AcceptOptions): boolean {
    const where = 'Scheduler.canAccept';
    this.#checkLive(where);
    integerOption(where, 'count', count);
    // A job's submit options are welcome: "would submit accept this?" is asked with them.
    const given = checkOptions(where, options, SUBMIT_OPTIONS) as AcceptOptions;
    const tenant = given.tenant === undefined ? DEFAULT_TENANT : checkTenant(where, given.tenant);
    const delay = given.delay === undefined ? 0 : checkDelay(where, given.delay);
    if (this.size + count > this.#capacity) return false;
    if (!this.#limited) return true;
    this.#promote(this.#now(where));
    return this.#allows(tenant, count, delay > 0 ? count : 0);
  }

  /**
   * Adds every entry (`{ payload, ...options }`) and returns their ids, in one batch per queue.
   * All or nothing: a bad entry, a duplicate id or too little room throws with nothing added.
   */
  submitMany(entries: Iterable<SubmitEntry<T>>): JobId[] {
    const where = 'Scheduler.submitMany';
    this.#checkLive(where);
    if (entries === null || typeof entries !== 'object' || typeof (entries as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new InvalidArgumentError(`${where}: expected an iterable of entries, got ${describe(entries)}`);
    }
    const list = Array.isArray(entries) ? (entries as SubmitEntry<T>[]) : [...entries];
    // Every entry is read once, payload included, before anything is checked against the
    // scheduler's state: a getter may call back in (submit the id just checked, dispose), and one
    // that throws must find nothing built yet.
    const count = list.length;
    const specs: JobSpec[] = new Array(count);
    const payloads: T[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const entryWhere = `${where}: entries[${i}]`;
      const entry = list[i];
      if (entry === null || typeof entry !== 'object') throw new InvalidArgumentError(`${entryWhere}: expected an object { payload, ...options }, got ${describe(entry)}`);
      specs[i] = this.#spec(entryWhere, entry);
      payloads[i] = entry.payload;
    }
    this.#checkLive(where);
    const givenIds = new Set<JobId>();
    for (let i = 0; i < count; i++) {
      const id = specs[i]!.id;
      if (id === undefined) continue;
      const entryWhere = `${where}: entries[${i}]`;
      this.#checkFreeId(entryWhere, id);
      if (givenIds.has(id)) throw new StateError(`${entryWhere}: id ${describe(id)} appears twice in the batch`);
      givenIds.add(id);
    }
    this.#checkRoom(where, count);
    const now = this.#now(where);
    this.#promote(now);
    if (this.#limited) {
      const perTenant = new Map<string, number>();
      let delayed = 0;
      for (const spec of specs) {
        perTenant.set(spec.tenant, (perTenant.get(spec.tenant) ?? 0) + 1);
        if (spec.delay > 0) delayed++;
      }
      const refusal = this.#delayedRefusal(delayed);
      if (refusal !== undefined) throw new CapacityError(`${where}: ${refusal}`);
      for (const [tenant, count] of perTenant) this.#checkLimits(where, tenant, count, 0);
    }

    let nextId = this.#nextId;
    const jobs: Job[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const spec = specs[i]!;
      let id = spec.id;
      if (id === undefined) {
        while (this.#jobs.has(nextId) || givenIds.has(nextId)) nextId++;
        id = nextId++;
      }
      jobs[i] = this.#newJob(id, payloads[i] as T, spec.priority, spec.tenant, spec.attempts, spec.backoff, now);
    }
    try {
      this.#arena.refundingSlots(where, () => {
        try {
          this.#placeMany(jobs, specs, now);
        } catch (error) {
          for (const job of jobs) this.#discard(job);
          throw error;
        }
      });
    } catch (error) {
      throw asCall(where, error);
    }
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      const id = this.#rows.id(job);
      this.#jobs.add(id, job, specs[i]!.id === undefined);
      if (typeof id === 'number' && id > this.#highestCallerNumber) this.#highestCallerNumber = id;
      this.#move(job, undefined, this.#rows.state(job));
    }
    this.#nextId = nextId;
    this.#finish();
    return jobs.map((job) => this.#rows.id(job));
  }

  /**
   * The next due job, now in flight until `ack` or `fail`: the tenant whose fair-share turn it is,
   * then within that tenant the best priority, FIFO among equals. Undefined when nothing is due or
   * the scheduler is paused. `now` (the clock by default) decides which delayed jobs are due.
   */
  take(now?: number): TakenJob<T> | undefined {
    const where = 'Scheduler.take';
    this.#checkLive(where);
    if (now !== undefined) checkTime(where, 'now', now);
    // Paused: refused before the clock is read, so the scheduler's time does not move.
    if (this.#paused) return undefined;
    const at = now === undefined ? this.#now(where) : this.#monotonic(now);
    const job = this.#takeJob(at);
    if (job === undefined) return undefined;
    this.#finish();
    return this.#rows.taken(job);
  }

  /** Marks an in-flight job done; its id is forgotten (and may be submitted again). */
  ack(id: JobId, result?: unknown): void {
    const where = 'Scheduler.ack';
    this.#checkLive(where);
    const job = this.#inFlightJob(where, id);
    const event = this.#events.has('completed') ? { job: this.#record(job), result } : undefined;
    this.#forget(job);
    if (event !== undefined) this.#events.queue('completed', event);
    this.#finish();
  }

  /**
   * Fails an in-flight job's attempt with `reason`. With attempts left it is retried after its
   * backoff, or after `options.delay` when given (a wait the failure itself names, such as a
   * server's Retry-After); delayed, or waiting at once for a zero wait. Otherwise it becomes a dead
   * letter with its attempt history. Returns the state it is in now.
   */
  fail(id: JobId, reason?: unknown, options?: FailOptions): 'waiting' | 'delayed' | 'dead' {
    const where = 'Scheduler.fail';
    this.#checkLive(where);
    const givenDelay = checkOptions(where, options, FAIL_OPTIONS).delay;
    this.#checkLive(where);
    const delay = givenDelay === undefined ? undefined : checkDelay(where, givenDelay);
    const job = this.#inFlightJob(where, id);
    const rows = this.#rows;
    const now = this.#now(where);
    this.#promote(now);
    // Frozen: records (`get`, `deadLetters`, events) share it rather than copy it per call.
    const failure: AttemptFailure = Object.freeze({ attempt: rows.attempt(job), startedAt: rows.time(job), failedAt: now, reason });
    if (rows.attempt(job) < rows.attempts(job)) {
      // Everything that can throw (the random source, the arena) runs before anything changes.
      const wait = delay ?? retryWait(where, rows.backoff(job), rows.attempt(job), this.#random);
      const state = this.#placeRetry(job, wait, now); // never a CapacityError: see #placeRetry
      rows.addFailure(job, failure);
      this.#move(job, 'in-flight', state);
      if (this.#events.has('failed')) this.#events.queue('failed', { job: this.#record(job), attempt: failure.attempt, reason });
      if (this.#events.has('retry')) {
        // The wait as placed: none when a full arena made the retry due at once.
        const waited = state === 'delayed' && rows.time(job) !== now;
        this.#events.queue('retry', { job: this.#record(job), reason, delay: waited ? wait : 0, dueAt: waited ? rows.time(job) : now });
      }
      this.#finish();
      return state;
    }
    rows.addFailure(job, failure);
    this.#dead.push(job);
    this.#move(job, 'in-flight', 'dead');
    if (this.#events.has('failed')) this.#events.queue('failed', { job: this.#record(job), attempt: failure.attempt, reason });
    if (this.#events.has('dead')) this.#events.queue('dead', { job: this.#record(job), reason });
    while (this.#dead.size > this.#maxDeadLetters) {
      const oldest = this.#dead.peek()!;
      const event = this.#events.has('evicted') ? { job: this.#record(oldest) } : undefined;
      this.#dead.remove(oldest);
      this.#forget(oldest);
      if (event !== undefined) this.#events.queue('evicted', event);
    }
    this.#finish();
    return 'dead';
  }

  /**
   * Removes a job in any state and returns true; false when the id is not held. A running
   * handler of a cancelled job (`run`) sees its `ctx.signal` abort, and its outcome is ignored.
   */
  cancel(id: JobId): boolean {
    const where = 'Scheduler.cancel';
    this.#checkLive(where);
    const job = this.#jobs.get(checkId(where, id));
    if (job === undefined) return false;
    const rows = this.#rows;
    const state = rows.state(job);
    const key = rows.serial(job);
    const event = this.#events.has('cancelled') ? { job: this.#record(job) } : undefined;
    if (state === 'waiting') this.#fair.remove(rows.tenant(job), job, rows.handle(job));
    else if (state === 'delayed') this.#delayed.remove(rows.handle(job));
    else if (state === 'dead') this.#dead.remove(job);
    this.#forget(job);
    if (event !== undefined) this.#events.queue('cancelled', event);
    // The handler hears of it only now that the change is complete.
    if (state === 'in-flight') this.#pool?.cancelled(key, new DOMException(`Scheduler.cancel: job ${describe(id)} was cancelled`, 'AbortError'));
    this.#finish();
    return true;
  }

  /**
   * Gives a job a new priority. A waiting job keeps its place in arrival order among jobs of the
   * new priority; a delayed, in-flight or dead job has it when it next becomes due.
   */
  reprioritize(id: JobId, priority: number): void {
    const where = 'Scheduler.reprioritize';
    this.#checkLive(where);
    priority = checkPriority(where, priority);
    const job = this.#knownJob(where, id);
    const rows = this.#rows;
    if (rows.state(job) === 'waiting') {
      try {
        rows.setHandle(job, this.#fair.update(rows.tenant(job), job, priority));
      } catch (error) {
        throw asCall(where, error); // a new priority level, in a full arena
      }
    }
    rows.setPriority(job, priority);
    this.#finish();
  }

  /** A copy of the job as it is now, or undefined when the id is not held. */
  get(id: JobId): JobRecord<T> | undefined {
    const where = 'Scheduler.get';
    this.#checkLive(where);
    const job = this.#jobs.get(checkId(where, id));
    if (job === undefined) return undefined;
    if (this.#rows.state(job) === 'delayed') this.#promote(this.#now(where));
    return this.#record(job);
  }

  /** Dead letters, oldest first, with their attempt history. */
  deadLetters(): JobRecord<T>[] {
    this.#checkLive('Scheduler.deadLetters');
    const records: JobRecord<T>[] = [];
    for (const job of this.#dead) records.push(this.#record(job));
    return records;
  }

  /**
   * Gives a dead letter a fresh set of attempts (its history starts over) and makes it due, after
   * `delay` ms if given. It counts against `capacity` again.
   */
  requeue(id: JobId, options?: RequeueOptions): void {
    const where = 'Scheduler.requeue';
    this.#checkLive(where);
    const given = checkOptions(where, options, optionNames<RequeueOptions>()(['delay', 'priority']));
    const delay = given.delay === undefined ? 0 : checkDelay(where, given.delay);
    const priority = given.priority === undefined ? undefined : checkPriority(where, given.priority);
    const job = this.#knownJob(where, id);
    const rows = this.#rows;
    if (rows.state(job) !== 'dead') throw new StateError(`${where}: job ${describe(id)} is ${rows.state(job)}, not dead`);
    this.#checkRoom(where, 1);
    const now = this.#now(where);
    this.#promote(now);
    if (this.#limited) this.#checkLimits(where, rows.tenant(job).name, 1, delay > 0 ? 1 : 0);
    const before = rows.priority(job);
    if (priority !== undefined) rows.setPriority(job, priority);
    let state: JobState;
    try {
      state = this.#place(job, delay, now);
    } catch (error) {
      rows.setPriority(job, before);
      throw asCall(where, error);
    }
    this.#dead.remove(job);
    rows.setAttempt(job, 0);
    rows.clearHistory(job);
    this.#move(job, 'dead', state);
    this.#finish();
  }

  /**
   * Gives back memory a burst left behind. Job records are kept in chunks that are reused rather
   * than freed as jobs leave (a submit into a row that exists costs a few ns, into fresh memory far
   * more), and the queues in the core keep their grown blocks. After a spike has drained, `shrink()`
   * frees what no job uses (`arena.shrink()` then trims the arena's handle table, which all its
   * queues share). Nothing a caller can observe changes.
   */
  shrink(): void {
    const where = 'Scheduler.shrink';
    this.#checkLive(where);
    this.#rows.shrink();
    this.#jobs.shrink();
    this.#fair.shrink();
    this.#delayed.shrink();
    this.#dead.shrink();
  }

  /** Drops every dead letter (their ids are forgotten) and returns how many there were. */
  purge(): number {
    this.#checkLive('Scheduler.purge');
    const dead = [...this.#dead];
    const events = this.#events.has('purged') ? dead.map((job) => ({ job: this.#record(job) })) : undefined;
    this.#dead.clear();
    for (const job of dead) this.#forget(job);
    if (events !== undefined) for (const event of events) this.#events.queue('purged', event);
    this.#finish();
    return dead.length;
  }

  /**
   * Milliseconds until a job is due: 0 when one is due now, the wait for the earliest delayed job
   * otherwise, undefined when nothing is waiting or delayed. (It reports the queue, paused or not.)
   */
  nextDueIn(now?: number): number | undefined {
    const where = 'Scheduler.nextDueIn';
    this.#checkLive(where);
    const at = now === undefined ? this.#now(where) : this.#monotonic(checkTime(where, 'now', now));
    this.#promote(at);
    if (this.#waiting > 0) return 0;
    const dueAt = this.#delayed.peekPriority();
    return dueAt === undefined ? undefined : Math.max(0, dueAt - at);
  }

  /**
   * Counts per state and per tenant, and how long the longest-waiting due job has waited.
   * O(jobs held): meant for dashboards and autoscaling, not for every job (`size` is O(1)).
   */
  stats(): SchedulerStats {
    const where = 'Scheduler.stats';
    this.#checkLive(where);
    const now = this.#now(where);
    this.#promote(now);
    const rows = this.#rows;
    let oldestReady = Infinity;
    if (this.#waiting > 0) {
      for (const job of this.#jobs) if (rows.state(job) === 'waiting' && rows.time(job) < oldestReady) oldestReady = rows.time(job);
    }
    const tenants: Record<string, TenantStats> = Object.create(null);
    for (const tenant of this.#fair.tenants()) {
      if (tenant.jobs === 0 && !tenant.pinned) continue;
      tenants[tenant.name] = { waiting: tenant.waiting, delayed: tenant.delayed, inFlight: tenant.inFlight, dead: tenant.dead, weight: tenant.weight };
    }
    return {
      waiting: this.#waiting,
      delayed: this.#delayedCount,
      inFlight: this.#inFlight,
      dead: this.#dead.size,
      size: this.size,
      capacity: this.#capacity,
      paused: this.#paused,
      oldestWait: oldestReady === Infinity ? 0 : Math.max(0, now - oldestReady),
      tenants,
    };
  }

  /**
   * Sets a tenant's weight (default 1): under load, tenants get turns in proportion to their
   * weights. Takes effect from the tenant's next turn.
   */
  setTenantWeight(tenant: string, weight: number): void {
    const where = 'Scheduler.setTenantWeight';
    this.#checkLive(where);
    checkTenant(where, tenant);
    checkWeight(where, weight);
    this.#fair.setWeight(tenant, weight);
  }

  /** A tenant's weight: 1 unless set. */
  tenantWeight(tenant: string): number {
    this.#checkLive('Scheduler.tenantWeight');
    checkTenant('Scheduler.tenantWeight', tenant);
    return this.#fair.find(tenant)?.weight ?? 1;
  }

  /**
   * Gives a tenant its own cap on jobs held (waiting + delayed + in-flight): an integer >= 1, or
   * Infinity for none; undefined returns it to the scheduler's `tenantCapacity`. A cap below what
   * the tenant holds refuses its submits until it is back under; nothing held is dropped.
   */
  setTenantCapacity(tenant: string, capacity: number | undefined): void {
    const where = 'Scheduler.setTenantCapacity';
    this.#checkLive(where);
    checkTenant(where, tenant);
    if (capacity !== undefined && capacity !== Infinity) integerOption(where, 'capacity', capacity);
    this.#fair.setCapacity(tenant, capacity);
    this.#limited = this.#hasLimits();
  }

  /** Whether any cap applies (`maxDelayed`, `tenantCapacity`, a tenant's own): else submits skip the checks. */
  #hasLimits(): boolean {
    return this.#maxDelayed !== Infinity || this.#tenantCapacity !== Infinity || this.#fair.anyCapped;
  }

  /** The most jobs a tenant may hold: its own cap, else `tenantCapacity` (Infinity when unbounded). */
  tenantCapacity(tenant: string): number {
    this.#checkLive('Scheduler.tenantCapacity');
    checkTenant('Scheduler.tenantCapacity', tenant);
    return this.#capOf(this.#fair.find(tenant));
  }

  /** `take` returns undefined and `run` starts no job until `resume`. Running jobs carry on. */
  pause(): void {
    this.#checkLive('Scheduler.pause');
    this.#paused = true;
  }

  resume(): void {
    this.#checkLive('Scheduler.resume');
    if (!this.#paused) return;
    this.#paused = false;
    this.#finish();
  }

  /** Resolves when no job is waiting, delayed or in flight (at once if that is so now). */
  onIdle(): Promise<void> {
    return settled(() => {
      this.#checkLive('Scheduler.onIdle');
      if (this.size === 0) return Promise.resolve();
      return new Promise((resolve, reject) => this.#idleWaiters.push({ resolve, reject }));
    });
  }

  /** Resolves when no job is waiting or delayed, though some may still run (at once if so now). */
  onEmpty(): Promise<void> {
    return settled(() => {
      this.#checkLive('Scheduler.onEmpty');
      if (this.#waiting + this.#delayedCount === 0) return Promise.resolve();
      return new Promise((resolve, reject) => this.#emptyWaiters.push({ resolve, reject }));
    });
  }

  on<K extends keyof SchedulerEvents<T>>(name: K, listener: Listener<T, K>): this {
    this.#checkLive('Scheduler.on');
    this.#events.on(this.#checkEvent('Scheduler.on', name), functionOption('Scheduler.on', 'listener', listener) as Listener<unknown, K>);
    return this;
  }

  off<K extends keyof SchedulerEvents<T>>(name: K, listener: Listener<T, K>): this {
    this.#events.off(this.#checkEvent('Scheduler.off', name), listener as Listener<unknown, K>);
    return this;
  }

  /** Listens for the next `name` event only. */
  once<K extends keyof SchedulerEvents<T>>(name: K, listener: Listener<T, K>): this {
    this.#checkLive('Scheduler.once');
    this.#events.once(this.#checkEvent('Scheduler.once', name), functionOption('Scheduler.once', 'listener', listener) as Listener<unknown, K>);
    return this;
  }

  /**
   * Runs due jobs through `handler(payload, ctx)` with up to `concurrency` at once: a handler that
   * returns (or resolves) acks the job with its result; one that throws, rejects or passes
   * `timeout` fails the attempt. Resolves once `signal` aborts or `stop()` is called and running
   * handlers have settled; it does not end when the scheduler is idle. One run at a time.
   */
  run(handler: Handler<T>, options?: RunOptions<T>): Promise<void> {
    return settled(() => this.#run(handler, options));
  }

  #run(handler: Handler<T>, options: RunOptions<T> | undefined): Promise<void> {
    const where = 'Scheduler.run';
    this.#checkLive(where);
    functionOption(where, 'handler', handler);
    const given = checkOptions(where, options, optionNames<RunOptions<T>>()(['concurrency', 'timeout', 'signal', 'retryDelay']));
    const concurrency = given.concurrency === undefined ? 1 : integerOption(where, 'concurrency', given.concurrency);
    const timeout = given.timeout;
    if (timeout !== undefined && typeof timeout !== 'function' && !isTimeLimit(timeout)) {
      throw new InvalidArgumentError(`${where}: expected \`timeout\` to be a number of milliseconds >= 1 or a function, got ${describe(timeout)}`);
    }
    const signal = given.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`${where}: expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
    }
    const retryDelay = given.retryDelay === undefined ? undefined : functionOption(where, 'retryDelay', given.retryDelay);
    if (this.#pool) throw new StateError(`${where}: the scheduler is already running; call stop() and await it first`);
    if (signal?.aborted) return Promise.resolve();
    const host: PoolHost<Running> = {
      take: () => {
        if (this.#disposed || this.#paused) return undefined;
        this.#arena.refuseIfPoisoned(where);
        const job = this.#takeJob(this.#now(where));
        if (job === undefined) return undefined;
        // The pool is the caller and keeps taking: no need to wake it.
        this.#finish(false);
        const rows = this.#rows;
        return {
          id: rows.id(job),
          payload: rows.payload(job),
          priority: rows.priority(job),
          tenant: rows.tenant(job).name,
          attempt: rows.attempt(job),
          attempts: rows.attempts(job),
          key: rows.serial(job),
          job,
          start: rows.started(job),
        };
      },
      complete: (running, result) => {
        if (this.#isCurrentAttempt(running)) this.ack(running.id, result);
      },
      fail: (running, reason) => {
        if (!this.#isCurrentAttempt(running)) return;
        if (retryDelay === undefined || running.attempt >= running.attempts) {
          this.fail(running.id, reason);
          return;
        }
        let delay: number | undefined;
        // Boxed: a hook may throw anything, undefined included.
        let hookFailure: { error: unknown } | undefined;
        try {
          const answer: unknown = retryDelay(reason, this.#rows.taken(running.job));
          if (answer !== undefined && !isDelay(answer)) {
            throw new InvalidArgumentError(`${where}: expected \`retryDelay\` to return a number of milliseconds >= 0 or undefined, got ${describe(answer)}`);
          }
          delay = answer;
        } catch (error) {
          hookFailure = { error };
        }
        // The hook may have settled the attempt itself (cancel, ack, fail) or disposed the scheduler.
        if (hookFailure === undefined) {
          if (this.#isCurrentAttempt(running)) this.fail(running.id, reason, delay === undefined ? undefined : { delay });
          return;
        }
        // A hook that throws or answers nonsense still leaves the job retried (after its backoff);
        // its error is the one `run` rejects with, whatever a listener of that retry throws.
        try {
          if (this.#isCurrentAttempt(running)) this.fail(running.id, reason);
        } catch {
          // The first error wins, as everywhere in the pool.
        }
        throw hookFailure.error;
      },
      current: (running) => this.#isCurrentAttempt(running),
      // Paused: nothing to wait for; `resume` wakes the pool.
      nextDueIn: () => (this.#disposed || this.#paused ? undefined : this.nextDueIn()),
      stopped: () => {
        if (this.#pool === pool) this.#pool = undefined;
      },
    };
    const limit = typeof timeout === 'function'
      ? (running: Running) => {
          const answer: unknown = timeout(this.#rows.taken(running.job));
          if (answer !== undefined && !isTimeLimit(answer)) {
            throw new InvalidArgumentError(`${where}: expected \`timeout\` to return a number of milliseconds >= 1 or undefined, got ${describe(answer)}`);
          }
          return answer;
        }
      : timeout;
    const pool = new WorkerPool<Running>(host, handler as Handler<unknown>, concurrency, limit, signal);
    this.#pool = pool;
    return pool.done;
  }

  /** Stops `run`: no new jobs are taken. Resolves (as `run` does) once running handlers settle. */
  stop(): Promise<void> {
    return settled(() => {
      if (this.#blocked && !this.#disposed) this.#checkLive('Scheduler.stop');
      const pool = this.#pool;
      if (!pool) return Promise.resolve();
      pool.stop();
      return pool.done;
    });
  }

  /**
   * Frees the scheduler's queues now. A running pool stops taking jobs; pending `onIdle`/`onEmpty`
   * promises reject; any later call throws StateError.
   */
  dispose(): void {
    if (this.#disposed) return;
    if (this.#blocked) throw new StateError('Scheduler.dispose: called from the clock or random source while the scheduler is mid-change');
    this.#disposed = true;
    this.#blocked = true;
    this.#pool?.stop();
    this.#fair.dispose();
    this.#delayed.dispose();
    this.#dead.clear();
    this.#jobs.clear();
    this.#rows.clear();
    this.#events.clear();
    this.#waiting = this.#delayedCount = this.#inFlight = 0;
    const error = new StateError('Scheduler: disposed while a caller was waiting');
    for (const waiter of [...this.#idleWaiters, ...this.#emptyWaiters]) waiter.reject(error);
    this.#idleWaiters = [];
    this.#emptyWaiters = [];
  }

  /**
   * The scheduler as bytes: every job with its state, attempts, history and place in line, tenant
   * weights and fair-share state, and the options that are data. Payloads go through `codec`
   * (JSON by default); failure reasons keep an Error's name and message, other values as JSON.
   */
  snapshot(options?: SnapshotOptions<T>): Uint8Array {
    const where = 'Scheduler.snapshot';
    this.#checkLive(where);
    const codec = codecOption(where, options);
    const now = this.#now(where);
    this.#promote(now);
    const rows = this.#rows;
    const save = (job: Job, time: number): SavedJob<T> => ({
      id: rows.id(job),
      payload: rows.payload(job),
      priority: rows.priority(job),
      tenant: rows.tenant(job).name,
      attempt: rows.attempt(job),
      attempts: rows.attempts(job),
      backoff: rows.backoff(job),
      age: now - rows.submittedAt(job),
      time,
      history: (rows.history(job) ?? []).map((f) => ({ attempt: f.attempt, startedAgo: now - f.startedAt, failedAgo: now - f.failedAt, reason: f.reason })),
    });
    const inFlight: Job[] = [];
    for (const job of this.#jobs.inCreationOrder((job) => rows.serial(job))) if (rows.state(job) === 'in-flight') inFlight.push(job);
    inFlight.sort((a, b) => rows.time(a) - rows.time(b) || rows.started(a) - rows.started(b));
    // Empty tenants too: their pass decides where they re-enter the rotation.
    const tenants = [...this.#fair.tenants()];
    const state: SavedScheduler<T> = {
      capacity: this.#capacity,
      maxDelayed: this.#maxDelayed,
      tenantCapacity: this.#tenantCapacity,
      defaultAttempts: this.#defaultAttempts,
      backoff: this.#backoff,
      order: this.#max ? 'max' : 'min',
      maxDeadLetters: this.#maxDeadLetters,
      nextId: this.#nextId,
      highestCallerNumber: this.#highestCallerNumber,
      paused: this.#paused,
      virtualTime: this.#fair.virtualTime,
      heaviest: this.#fair.heaviest,
      tenants: tenants.map((t) => ({ name: t.name, weight: t.weight, capacity: t.capacity, pinned: t.pinned, weightSet: t.weightSet, pass: t.pass })),
      // Each line in arrival order (not pop order): pushed back in that order, the jobs get the
      // same arrival ranks, which also order a later reprioritize.
      lines: this.#fair.rotation().map((tenant) => {
        const line = [...tenant.ready!].sort((a, b) => rows.arrival(a) - rows.arrival(b));
        return { tenant: tenant.name, jobs: line.map((job) => save(job, now - rows.time(job))) };
      }),
      delayed: [...this.#delayed.entries()].map(([job]) => save(job, rows.time(job) - now)),
      inFlight: inFlight.map((job) => save(job, now - rows.time(job))),
      dead: [...this.#dead].map((job) => save(job, 0)),
    };
    return writeSchedulerSnapshot(state, codec);
  }

  /**
   * A scheduler rebuilt from `snapshot()` bytes, everything validated first (SnapshotError).
   * Times are re-based on the restoring clock: a job due in 40 ms when the snapshot was taken is
   * due 40 ms after the restore. Jobs that were in flight come back waiting, ahead of their
   * tenant's waiting jobs of equal priority, with the interrupted attempt counted as a failed one
   * (its history says a restore interrupted it): no handler survives a restore to ack them. A job
   * for which that was the last attempt becomes a dead letter. `clock`, `random` and `arena` are
   * given anew.
   */
  static restore<T>(
    bytes: SnapshotBytes,
    options?: RestoreOptions<T> & Pick<SchedulerOptions, 'clock' | 'random' | 'arena'>,
  ): Scheduler<T> {
    const where = 'Scheduler.restore';
    // The constructor's options too (one object may serve a restore-or-create): those the snapshot carries are its own.
    const names = [...RESTORE_OPTIONS, ...SCHEDULER_OPTIONS];
    const given = checkOptions(where, options, names);
    if (given.clock !== undefined) functionOption(where, 'clock', given.clock);
    if (given.random !== undefined) functionOption(where, 'random', given.random);
    if (given.arena !== undefined) arenaOption(where, given.arena).refuseIfPoisoned(where);
    const saved = readSchedulerSnapshot<T>(bytes, codecOption(where, given, names), given.maxBytes);
    const held = saved.lines.reduce((n, line) => n + line.jobs.length, 0) + saved.delayed.length + saved.inFlight.length;
    if (held > saved.capacity) throw new SnapshotError(`${where}: ${held} jobs exceed the snapshot's capacity (${saved.capacity})`);
    const unbounded = (limit: number) => (limit === Infinity ? undefined : limit);
    return arenaOption(where, given.arena).restoring(
      where,
      () =>
        newScheduler<T>({
          capacity: unbounded(saved.capacity),
          maxDelayed: unbounded(saved.maxDelayed),
          tenantCapacity: unbounded(saved.tenantCapacity),
          defaultAttempts: saved.defaultAttempts,
          backoff: saved.backoff,
          order: saved.order,
          maxDeadLetters: saved.maxDeadLetters === Infinity ? undefined : saved.maxDeadLetters,
          clock: given.clock,
          random: given.random,
          arena: given.arena,
        }),
      (scheduler) => scheduler.#load(saved),
    );
  }

  #load(saved: SavedScheduler<T>): void {
    const now = this.#now('Scheduler.restore');
    this.#nextId = saved.nextId;
    this.#highestCallerNumber = saved.highestCallerNumber;
    this.#paused = saved.paused;
    if (saved.heaviest !== undefined) this.#fair.heaviest = saved.heaviest;
    for (const { name, weight, capacity, pinned, weightSet, pass } of saved.tenants) {
      // Pinned by its weight. A snapshot without `weightSet` (an older one) cannot tell whether a
      // tenant of weight 1 with a cap of its own had its weight set too: taken as not.
      if (weightSet ?? (pinned && (capacity === undefined || weight !== 1))) this.#fair.setWeight(name, weight);
      if (capacity !== undefined) this.#fair.setCapacity(name, capacity);
      const tenant = this.#fair.tenant(name);
      tenant.weight = weight;
      tenant.pass = pass;
    }
    this.#limited = this.#hasLimits();
    this.#fair.virtualTime = saved.virtualTime;
    const make = (s: SavedJob<T>): Job => {
      const job = this.#newJob(s.id, s.payload, s.priority, s.tenant, s.attempts, s.backoff, now - s.age);
      this.#rows.setAttempt(job, s.attempt);
      if (s.history.length > 0) this.#rows.setHistory(job, s.history.map((f) => Object.freeze({ attempt: f.attempt, startedAt: now - f.startedAgo, failedAt: now - f.failedAgo, reason: f.reason })));
      this.#jobs.add(s.id, job, false);
      return job;
    };
    // No handler survives a restore: an in-flight attempt is recorded as failed by it. One reason
    // serves every such job (the history entry says which attempt): an Error per job cost more
    // than the rest of a restore with many jobs in flight.
    let reason: StateError | undefined;
    const interrupt = (job: Job, s: SavedJob<T>) => {
      reason ??= new StateError('Scheduler.restore: the attempt in flight was interrupted by a restore');
      this.#rows.addFailure(job, Object.freeze({ attempt: this.#rows.attempt(job), startedAt: now - s.time, failedAt: now, reason }));
    };
    const due = (s: SavedJob<T>, interrupted: boolean) => {
      const job = make(s);
      if (interrupted) interrupt(job, s);
      this.#rows.setHandle(job, this.#fair.push(this.#rows.tenant(job), job, this.#rows.priority(job)));
      this.#rows.setArrival(job, this.#arrivals++);
      // Waiting since it became due: an interrupted attempt's job, since the restore.
      this.#rows.setTime(job, interrupted ? now : now - s.time);
      this.#move(job, undefined, 'waiting');
    };
    // Tenants' lines in the order of their turns, each led by its interrupted jobs.
    const interrupted = new Map<string, SavedJob<T>[]>();
    const lastAttempts: SavedJob<T>[] = [];
    for (const s of saved.inFlight) {
      if (s.attempt >= s.attempts) {
        lastAttempts.push(s);
        continue;
      }
      const list = interrupted.get(s.tenant);
      if (list) list.push(s);
      else interrupted.set(s.tenant, [s]);
    }
    for (const line of saved.lines) {
      for (const s of interrupted.get(line.tenant) ?? []) due(s, true);
      interrupted.delete(line.tenant);
      for (const s of line.jobs) due(s, false);
    }
    for (const list of interrupted.values()) for (const s of list) due(s, true);
    for (const s of saved.delayed) {
      const job = make(s);
      this.#rows.setTime(job, now + Math.max(0, s.time));
      this.#rows.setHandle(job, this.#delayed.push(job, this.#rows.time(job)));
      this.#move(job, undefined, 'delayed');
    }
    for (const s of saved.dead) {
      const job = make(s);
      this.#dead.push(job);
      this.#move(job, undefined, 'dead');
    }
    for (const s of lastAttempts) {
      const job = make(s);
      interrupt(job, s);
      this.#dead.push(job);
      this.#move(job, undefined, 'dead');
    }
    // Past maxDeadLetters, the extra letters stay until the next death evicts down to the limit
    // with 'evicted' events: no listener exists yet, and a restore drops nothing unheard.
    this.#fair.restored();
    for (const tenant of this.#fair.tenants()) if (tenant.jobs === 0) this.#fair.becameEmpty(tenant);
    this.#idle = this.size === 0;
  }

  get [Symbol.toStringTag](): string {
    return 'Scheduler';
  }

  /** `stats()`, for logs; a disposed scheduler answers with its counts at 0 rather than throwing. */
  toJSON(): SchedulerStats {
    if (!this.#disposed && !this.#arena.poisoned) return this.stats();
    return { waiting: 0, delayed: 0, inFlight: 0, dead: 0, size: 0, capacity: this.#capacity, paused: this.#paused, oldestWait: 0, tenants: {} };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this.#disposed) return 'Scheduler (disposed)';
    if (this.#arena.poisoned) return 'Scheduler (its arena is poisoned)';
    const { waiting, delayed, inFlight, dead } = this.stats();
    return `Scheduler { waiting: ${waiting}, delayed: ${delayed}, in-flight: ${inFlight}, dead: ${dead}${this.#paused ? ', paused' : ''} }`;
  }

  // ── moves between states ──────────────────────────────────────────────────────────────────────

  /** Waiting → in-flight for the next due job, if any and not paused. */
  #takeJob(now: number): Job | undefined {
    if (this.#paused) return undefined;
    let job: Job | undefined;
    let from: JobState = 'waiting';
    if (this.#promote(now) && this.#beforeLines(this.#delayed.peek()!)) {
      // Due, but the arena had no room to move it into its tenant's line: served straight from the
      // delay queue (which needs no memory), so a full arena does not stop the work that would
      // empty it, once neither the lines' next nor its own tenant's next has a better priority.
      job = this.#delayed.pop()!;
      from = 'delayed';
    } else {
      job = this.#fair.pop();
      if (job === undefined) return undefined;
    }
    this.#rows.startAttempt(job, now, this.#started++);
    this.#move(job, from, 'in-flight');
    return job;
  }

  /**
   * Whether a due job left in the delay queue goes before the lines: neither the job they would
   * serve next nor the next of its own tenant has a better priority.
   */
  #beforeLines(job: Job): boolean {
    const priority = this.#rows.priority(job);
    return this.#notWorse(priority, this.#fair.peekPriority()) && this.#notWorse(priority, this.#rows.tenant(job).ready?.peekPriority());
  }

  #notWorse(priority: number, than: number | undefined): boolean {
    return than === undefined || (this.#max ? priority >= than : priority <= than);
  }

  /**
   * Delayed → waiting for every job due by `now`, in order of due time (FIFO among equals).
   * Best effort: when the arena has no room for a job in its tenant's line, the rest stay in the
   * delay queue (still due, counted as delayed) until room frees; `take` serves them from there.
   * Returns whether it stopped so, at a due job still at the delay queue's front.
   */
  #promote(now: number): boolean {
    // Every job in the delay queue is counted as delayed (and only those): a JS read, where the
    // queue's size is a call into the core, on every submit and take.
    if (this.#delayedCount === 0) return false;
    const delayed = this.#delayed;
    for (let dueAt = delayed.peekPriority(); dueAt !== undefined && dueAt <= now; dueAt = delayed.peekPriority()) {
      const job = delayed.peek()!;
      // Into the tenant's line first, out of the delay queue second: a full arena throws from
      // the first with the job still delayed, never lost between the two.
      let handle: Handle;
      try {
        handle = this.#fair.push(this.#rows.tenant(job), job, this.#rows.priority(job));
      } catch (error) {
        if (error instanceof CapacityError) return true;
        throw error;
      }
      delayed.remove(this.#rows.handle(job));
      this.#rows.setHandle(job, handle);
      this.#rows.setArrival(job, this.#arrivals++);
      // Its due time is now its ready time (the same field).
      this.#move(job, 'delayed', 'waiting');
    }
    return false;
  }

  /**
   * Puts a job in its tenant's line (no delay) or the delay queue, and returns which. Only the
   * queue changes; the caller updates the job's state once nothing else can throw.
   */
  #place(job: Job, delay: number, now: number): 'waiting' | 'delayed' {
    if (delay > 0) {
      const dueAt = now + delay;
      this.#rows.setHandle(job, this.#delayed.push(job, dueAt));
      this.#rows.setTime(job, dueAt);
      return 'delayed';
    }
    const rows = this.#rows;
    rows.setWaiting(job, this.#fair.push(rows.tenant(job), job, rows.priority(job)), this.#arrivals++, now);
    return 'waiting';
  }

  /**
   * `#place` for a retry, which never fails for want of memory: a job that was accepted must not
   * be stuck in flight (under `run`, a throwing `fail` would stop the pool). With no room in the
   * queue it belongs in, it waits out its backoff (or is due at once) in the delay queue's spill.
   */
  #placeRetry(job: Job, wait: number, now: number): 'waiting' | 'delayed' {
    // A wait too small to move the clock's reading (a subnormal delay or jitter draw) is none.
    if (now + wait === now) {
      try {
        return this.#place(job, 0, now);
      } catch (error) {
        if (!(error instanceof CapacityError)) throw error;
      }
    }
    const dueAt = now + wait;
    this.#rows.setHandle(job, this.#delayed.pushOrSpill(job, dueAt));
    this.#rows.setTime(job, dueAt);
    return 'delayed';
  }

  /** `#place` for a batch: one `pushMany` per queue; on failure, everything pushed is taken back. */
  #placeMany(jobs: Job[], specs: JobSpec[], now: number): void {
    const delayedJobs: Job[] = [];
    const dueTimes: number[] = [];
    const byTenant = new Map<Tenant, { jobs: Job[]; priorities: number[] }>();
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      const delay = specs[i]!.delay;
      if (delay > 0) {
        this.#rows.setTime(job, now + delay);
        this.#rows.setState(job, 'delayed');
        delayedJobs.push(job);
        dueTimes.push(this.#rows.time(job));
      } else {
        this.#rows.setTime(job, now);
        this.#rows.setState(job, 'waiting');
        let batch = byTenant.get(this.#rows.tenant(job));
        if (!batch) byTenant.set(this.#rows.tenant(job), (batch = { jobs: [], priorities: [] }));
        batch.jobs.push(job);
        batch.priorities.push(this.#rows.priority(job));
      }
    }
    const undo: (() => void)[] = [];
    try {
      for (const [tenant, batch] of byTenant) {
        // Arrivals first: a line that moves into a heap halfway through orders by them. The line
        // gives each row its handle itself, for the same reason.
        batch.jobs.forEach((job, k) => this.#rows.setArrival(job, this.#arrivals + k));
        const pass = this.#fair.passOutside(tenant);
        const handles = this.#fair.pushMany(tenant, batch.jobs, batch.priorities);
        this.#arrivals += batch.jobs.length;
        undo.push(() => this.#fair.takeBack(tenant, batch.jobs, handles, pass));
      }
      if (delayedJobs.length > 0) {
        const handles = this.#delayed.pushMany(delayedJobs, dueTimes);
        delayedJobs.forEach((job, k) => (this.#rows.setHandle(job, handles[k]!)));
      }
    } catch (error) {
      for (const step of undo.reverse()) step();
      throw error;
    }
  }

  #newJob(id: JobId, payload: T, priority: number, tenant: string, attempts: number, backoff: BackoffPolicy, submittedAt: number): Job {
    return this.#rows.add(id, this.#created++, payload, priority, this.#fair.tenant(tenant), attempts, backoff, submittedAt);
  }

  /**
   * Frees the row of a job `#newJob` made that could not be placed, and a tenant record made for
   * it (a refused submit of a new tenant, say on a full arena, leaves no record behind).
   */
  #discard(job: Job): void {
    const tenant = this.#rows.tenant(job);
    this.#rows.release(job);
    if (tenant.jobs === 0) this.#fair.refused(tenant);
  }

  /** Leaves the scheduler: counts drop, the id is forgotten and the row freed. */
  #forget(job: Job): void {
    const rows = this.#rows;
    this.#jobs.delete(rows.id(job), job);
    this.#move(job, rows.state(job), undefined);
    rows.release(job);
  }

  /** Keeps the counts per state, overall and per tenant; `undefined` is "not held". */
  #move(job: Job, from: JobState | undefined, to: JobState | undefined): void {
    const tenant = this.#rows.tenant(job);
    // Only an empty tenant is sweepable: a field read, where `jobs` adds up four.
    if (from === undefined) {
      if (tenant.sweepable) this.#fair.becameBusy(tenant);
    } else {
      this.#count(tenant, from, -1);
    }
    if (to !== undefined) {
      this.#count(tenant, to, 1);
      this.#rows.setState(job, to);
    }
    if (to === undefined && tenant.jobs === 0) this.#fair.becameEmpty(tenant);
  }

  #count(tenant: Tenant, state: JobState, delta: 1 | -1): void {
    switch (state) {
      case 'waiting':
        this.#waiting += delta;
        tenant.waiting += delta;
        break;
      case 'delayed':
        this.#delayedCount += delta;
        tenant.delayed += delta;
        break;
      case 'in-flight':
        this.#inFlight += delta;
        tenant.inFlight += delta;
        break;
      case 'dead':
        tenant.dead += delta;
        break;
    }
  }

  /**
   * The last step of every change: wakes the pool, runs listeners (after the change, so a listener
   * may call back in, and a follow-up job it submits counts), then notes idle and empty.
   */
  #finish(wakePool = true): void {
    if (wakePool) this.#pool?.wake();
    const events = this.#events;
    // A call made by a listener: the delivery under way runs its events, and the outer call looks
    // at idle and empty once every listener ran. Busy again meanwhile (an 'idle' listener submits),
    // it is idle again when that work is done, and says so.
    if (events.delivering) {
      if (this.size > 0) this.#idle = false;
      return;
    }
    // Listeners first: a follow-up job one submits (on 'completed', say) keeps the scheduler from
    // being idle, as it would have had it come with the change (`await onIdle()` then `stop()` or
    // `dispose()` must not leave it behind).
    let failed = false;
    let failure: unknown;
    do {
      try {
        events.deliver();
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
      this.#settleWaiters();
    } while (events.pending);
    if (failed) throw failure;
  }

  /** Resolves `onIdle` and `onEmpty` (and queues 'idle') if the scheduler is idle or empty now. */
  #settleWaiters(): void {
    if (this.size === 0) {
      if (!this.#idle) {
        this.#idle = true;
        this.#events.queue('idle', undefined);
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const waiter of waiters) waiter.resolve();
      }
    } else {
      this.#idle = false;
    }
    if (this.#emptyWaiters.length > 0 && this.#waiting + this.#delayedCount === 0) {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
  }

  // ── checks and views ──────────────────────────────────────────────────────────────────────────

  #spec(where: string, options: SubmitOptions | undefined): JobSpec {
    // Each option read once: a getter's second answer could differ from the one checked.
    const { priority, delay, attempts, backoff, tenant, id } = checkOptions(where, options);
    return {
      priority: priority === undefined ? 0 : checkPriority(where, priority),
      delay: delay === undefined ? 0 : checkDelay(where, delay),
      attempts: attempts === undefined ? this.#defaultAttempts : integerOption(where, 'attempts', attempts),
      backoff: backoff === undefined ? this.#backoff : backoffPolicy(where, backoff),
      tenant: tenant === undefined ? DEFAULT_TENANT : checkTenant(where, tenant),
      id: id === undefined ? undefined : checkId(where, id),
    };
  }

  /** The clock's reading, never below an earlier one (a clock set back does not reorder jobs). */
  #now(where: string): number {
    // The default clock cannot call back in nor return a non-number: no guard needed.
    if (this.#clock === defaultClock) return this.#monotonic(performance.now());
    this.#blocked = true;
    let now: number;
    try {
      now = this.#clock();
    } finally {
      this.#blocked = this.#disposed;
    }
    if (typeof now !== 'number' || now - now !== 0) {
      throw new InvalidArgumentError(`${where}: the clock returned ${describe(now)}; expected a finite number of milliseconds`);
    }
    return this.#monotonic(now);
  }

  #monotonic(now: number): number {
    if (now < this.#lastNow) return this.#lastNow;
    this.#lastNow = now;
    return now;
  }

  #checkLive(where: string): void {
    if (this.#blocked) {
      if (this.#disposed) throw new StateError(`${where}: the scheduler was disposed`);
      throw new StateError(`${where}: called from the clock or random source while the scheduler is mid-change; they must not call back into it`);
    }
    // Before anything moves: a core call failing half-way through would leave JS-side counts changed.
    this.#arena.refuseIfPoisoned(where);
  }

  #checkRoom(where: string, count: number): void {
    if (this.size + count > this.#capacity) {
      throw new CapacityError(`${where}: capacity (${this.#capacity}) exceeded: ${this.size} jobs held, ${count} more asked for`);
    }
  }

  /** `maxDelayed` and the tenant's cap, for `count` more jobs of `tenant`, `delayed` of them delayed. */
  #checkLimits(where: string, tenant: string, count: number, delayed: number): void {
    const refusal = this.#refusal(tenant, count, delayed);
    if (refusal !== undefined) throw new CapacityError(`${where}: ${refusal}`);
  }

  /** Whether `maxDelayed` and the tenant's cap allow `count` more jobs of `tenant`, `delayed` of them delayed. */
  #allows(tenant: string, count: number, delayed: number): boolean {
    if (delayed > 0 && this.#delayedCount + delayed > this.#maxDelayed) return false;
    const record = this.#fair.find(tenant);
    return (record?.held ?? 0) + count <= this.#capOf(record);
  }

  /** Why `count` more jobs of `tenant` (`delayed` of them delayed) would be refused, if they would. */
  #refusal(tenant: string, count: number, delayed: number): string | undefined {
    return this.#delayedRefusal(delayed) ?? this.#tenantRefusal(tenant, count);
  }

  #delayedRefusal(delayed: number): string | undefined {
    if (delayed === 0 || this.#delayedCount + delayed <= this.#maxDelayed) return undefined;
    return `maxDelayed (${this.#maxDelayed}) exceeded: ${this.#delayedCount} jobs delayed, ${delayed} more asked for`;
  }

  #tenantRefusal(name: string, count: number): string | undefined {
    const tenant = this.#fair.find(name);
    const cap = this.#capOf(tenant);
    const held = tenant?.held ?? 0;
    if (held + count <= cap) return undefined;
    return `tenant ${describe(name)} is at its capacity (${cap}): ${held} jobs held, ${count} more asked for`;
  }

  #capOf(tenant: Tenant | undefined): number {
    return tenant?.capacity ?? this.#tenantCapacity;
  }

  #checkFreeId(where: string, id: JobId): void {
    const held = this.#jobs.get(id);
    if (held !== undefined) throw new StateError(`${where}: job ${describe(id)} is already held (${this.#rows.state(held)})`);
  }

  /** The lowest unused issued id from the counter on (a caller may have taken some numbers). */
  #freeId(): number {
    let id = this.#nextId;
    if (id > this.#highestCallerNumber) return id;
    while (this.#jobs.has(id)) id++;
    return id;
  }

  #knownJob(where: string, id: JobId): Job {
    const job = this.#jobs.get(checkId(where, id));
    if (job === undefined) throw new NotFoundError(`${where}: no job ${describe(id)} is held`);
    return job;
  }

  #inFlightJob(where: string, id: JobId): Job {
    const job = this.#knownJob(where, id);
    const state = this.#rows.state(job);
    if (state !== 'in-flight') throw new StateError(`${where}: job ${describe(id)} is ${state}, not in flight`);
    return job;
  }

  /** Whether the pool's `running` attempt is still the one in flight (its row may have been reused, its job retaken). */
  #isCurrentAttempt(running: Running): boolean {
    const job = running.job;
    const rows = this.#rows;
    return !this.#disposed && this.#jobs.get(running.id) === job && rows.serial(job) === running.key && rows.state(job) === 'in-flight' && rows.started(job) === running.start;
  }

  #checkEvent<K extends keyof SchedulerEvents<T>>(where: string, name: K): K {
    return oneOf(where, 'name', name, EVENT_NAMES) as K;
  }

  #record(job: Job): JobRecord<T> {
    const rows = this.#rows;
    const state = rows.state(job);
    return {
      id: rows.id(job),
      payload: rows.payload(job),
      priority: rows.priority(job),
      tenant: rows.tenant(job).name,
      attempt: rows.attempt(job),
      attempts: rows.attempts(job),
      state,
      submittedAt: rows.submittedAt(job),
      dueAt: state === 'delayed' ? rows.time(job) : undefined,
      history: rows.history(job)?.slice() ?? [],
    };
  }
}

/**
 * `start()`'s promise, or a rejected one when it throws: a method that returns a promise reports
 * its errors through it, so that `.catch()` and `.then(…, onError)` see them too.
 */
function settled(start: () => Promise<void>): Promise<void> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Builds a Scheduler for the static methods. Outside the class: a class that names itself in its own
 * body is renamed by esbuild (`_Scheduler`), and stack traces and consoles then show that name.
 */
function newScheduler<T>(options?: SchedulerOptions): Scheduler<T> {
  return new Scheduler<T>(options);
}
