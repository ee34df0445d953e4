import type { Handle } from '../structures/handle.js';
import type { BackoffPolicy } from './backoff.js';
import type { Tenant } from './fair-share.js';
import type { AttemptFailure, JobId, JobState, TakenJob } from './types.js';

/**
 * A job held by the scheduler: its row in the scheduler's JobRows. The queues hold it as a small
 * integer, and the row is reused once the job has left.
 */
export type Job = number;

/** Numbers kept per row, next to each other: 64 bytes, one or two cache lines. */
const STRIDE = 8;
const TIME = 0;
/** Its handle in its tenant's line or the delay queue; while in flight (no handle), its start number. */
const HANDLE = 1;
const SUBMITTED_AT = 2;
const PRIORITY = 3;
const ARRIVAL = 4;
const SERIAL = 5;
const ATTEMPT = 6;
const ATTEMPTS = 7;

/** References kept per row, next to each other (taking a job at random reads them all). */
const REFS = 4;
const ID = 0;
const PAYLOAD = 1;
const TENANT = 2;
const STATE = 3;

/** Rows per chunk: row `job` is row `job & ROW_MASK` of chunk `job >> CHUNK_BITS`. */
const CHUNK_BITS = 10;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const ROW_MASK = CHUNK_ROWS - 1;

/**
 * Fresh rows are carved in runs of `RUN`, one run open per lane, and a lane serves one priority
 * at a time: jobs of one priority submitted together get neighbouring rows, so taking them (a
 * line drains in priority order) reads memory in order instead of one row in ten. A million jobs
 * of priorities 0-9, submitted then taken: 446 -> 320 ns a take + ack. `LANES` lanes, by the
 * priority's low bits, and a shared lane (submission order, as before lanes) for a priority whose
 * lane is serving another: with thousands of distinct priorities (deadlines) the lanes soon stall
 * and nearly every row comes from the shared lane, so rows stay in submission order there.
 * At most `(LANES + 1) * RUN` rows are carved and not yet handed out.
 */
const LANES = 16;
const SHARED_LANE = LANES;
const RUN = 64;

/** What a chunk's `refs` hold: an id, a payload, a tenant or a state. */
type Ref = JobId | Tenant | JobState | unknown;

/**
 * `CHUNK_ROWS` rows: numbers and references, by row within the chunk. A job's numbers fill one
 * cache line and its references half of one, so a job taken at random costs two misses (a
 * column per field cost one per field).
 */
class Chunk {
  readonly numbers: Float64Array;
  /** `undefined` everywhere at first, and only ever written by index. */
  readonly refs: Ref[];

  constructor(rows: number) {
    this.numbers = new Float64Array(STRIDE * rows);
    this.refs = new Array<Ref>(REFS * rows).fill(undefined);
  }

  /**
   * A one-row chunk kept for the module's life, so that chunks never all die. V8 drops a class's
   * instance shape once no instance is left, and with it the optimized code of every function that
   * used the shape: a drained scheduler whose `shrink()` gave its chunks back lost about twenty
   * compiled functions at the next full GC (submit, take and ack among them) and ran them slowly
   * while V8 compiled them again.
   */
  static readonly shape = new Chunk(1);
}

/**
 * Every job held, one row each: its numbers and its references, in fixed-size chunks of a typed
 * and a plain array indexed by row. A scheduler may hold millions of jobs, and a record object
 * per job was most of the cost of a submit: fresh memory for each (most outlive a minor GC),
 * traced by every major GC. Chunks are never copied to grow (fresh memory costs about 1 ns a byte
 * here, a copy to twice the size three times what it copies) and are kept for reuse once made:
 * filling a row that exists costs a few ns. Rows are reused, most recently freed first; fresh
 * ones are carved by priority (`RUN`).
 */
export class JobRows<T> {
  readonly #chunks: Chunk[] = [];
  /** Rows carved since all were last free: every row below it is held, in `#free` or in a lane's open run. */
  #used = 0;
  readonly #free: number[] = [];
  /** Per lane (and the shared lane last): the priority it serves, and its open run `next .. end`. */
  readonly #laneFor = new Float64Array(LANES + 1).fill(NaN);
  readonly #laneNext = new Int32Array(LANES + 1);
  readonly #laneEnd = new Int32Array(LANES + 1);
  /** Rows carved into open runs and not handed out yet. */
  #carved = 0;
  /** The backoff of every job that has none of its own. */
  readonly #defaultBackoff: BackoffPolicy;
  /** Backoffs other than the default, for the few jobs given one. */
  readonly #backoffs = new Map<Job, BackoffPolicy>();
  /** Failed attempts, for the few jobs that have any. */
  readonly #histories = new Map<Job, AttemptFailure[]>();

  constructor(defaultBackoff: BackoffPolicy) {
    this.#defaultBackoff = defaultBackoff;
  }

  /** Rows held. */
  get size(): number {
    return this.#used - this.#carved - this.#free.length;
  }

  /** A row for a new job, filled in; its state is `'waiting'` until the caller places it. */
  add(id: JobId, serial: number, payload: T, priority: number, tenant: Tenant, attempts: number, backoff: BackoffPolicy, submittedAt: number): Job {
    const job: Job = this.#free.length > 0 ? this.#free.pop()! : this.#carve(priority);
    const chunk = this.#chunks[job >> CHUNK_BITS]!;
    const row = job & ROW_MASK;
    const refs = chunk.refs;
    const ref = REFS * row;
    refs[ref + ID] = id;
    refs[ref + PAYLOAD] = payload;
    refs[ref + TENANT] = tenant;
    refs[ref + STATE] = 'waiting';
    const at = STRIDE * row;
    const numbers = chunk.numbers;
    numbers[at + PRIORITY] = priority;
    numbers[at + SERIAL] = serial;
    numbers[at + ATTEMPT] = 0;
    numbers[at + ATTEMPTS] = attempts;
    numbers[at + ARRIVAL] = 0;
    numbers[at + SUBMITTED_AT] = submittedAt;
    if (backoff !== this.#defaultBackoff) this.#backoffs.set(job, backoff);
    return job;
  }

  /** The job left: its references are dropped and the row is free for another. */
  release(job: Job): void {
    const chunk = this.#chunks[job >> CHUNK_BITS]!;
    const row = job & ROW_MASK;
    const ref = REFS * row;
    chunk.refs[ref + ID] = chunk.refs[ref + PAYLOAD] = chunk.refs[ref + TENANT] = undefined;
    // A pool still holding the job by row and serial sees it is gone; an entry left behind in a
    // ready line no longer matches the row's handle.
    chunk.numbers[STRIDE * row + SERIAL] = -1;
    chunk.numbers[STRIDE * row + HANDLE] = 0;
    if (this.#backoffs.size > 0) this.#backoffs.delete(job);
    if (this.#histories.size > 0) this.#histories.delete(job);
    this.#free.push(job);
    // All free: rows are carved from the first again.
    if (this.#free.length === this.#used - this.#carved) this.#startOver();
  }

  /** A fresh row from the open run of the lane serving `priority`. */
  #carve(priority: number): Job {
    let lane = priority & (LANES - 1);
    if (this.#laneFor[lane] !== priority) {
      // A lane changes priority only once its run is used up; until then the shared lane serves.
      if (this.#laneNext[lane] === this.#laneEnd[lane]) this.#laneFor[lane] = priority;
      else lane = SHARED_LANE;
    }
    if (this.#laneNext[lane] === this.#laneEnd[lane]) {
      const start = this.#used;
      this.#used += RUN;
      this.#carved += RUN;
      this.#laneNext[lane] = start;
      this.#laneEnd[lane] = start + RUN;
      while (this.#chunks.length << CHUNK_BITS < this.#used) this.#chunks.push(new Chunk(CHUNK_ROWS));
    }
    this.#carved--;
    const job = this.#laneNext[lane]!;
    this.#laneNext[lane] = job + 1;
    return job;
  }

  #startOver(): void {
    this.#used = 0;
    this.#carved = 0;
    this.#free.length = 0;
    this.#laneFor.fill(NaN);
    this.#laneNext.fill(0);
    this.#laneEnd.fill(0);
  }

  /**
   * Gives back the chunks above every row carved since all were last free (all of them when none
   * is held). Rows are reused, not compacted: a job held in a high row keeps its chunk.
   */
  shrink(): void {
    this.#chunks.length = Math.ceil(this.#used / CHUNK_ROWS);
  }

  /** Forgets every row and gives back the memory. */
  clear(): void {
    this.#startOver();
    this.#chunks.length = 0;
    this.#backoffs.clear();
    this.#histories.clear();
  }

  /**
   * Whether the row's job waits with `ticket` as its handle (its entry in a ready line is the one
   * holding that ticket). Waiting, not only held: the delay queue's tickets of retries it keeps in
   * JS are negative too, and an entry left behind in a line must not match a delayed job's. Reads
   * the row's references too, though the handle alone would tell a freed row: the `take` that
   * follows needs them, and a row not yet in the caches then costs its two misses at once rather
   * than one after the other (a million waiting jobs: 690 → 600 ns a job submitted, taken, acked).
   */
  holds(job: Job, ticket: number): boolean {
    const chunk = this.#chunks[job >> CHUNK_BITS]!;
    const row = job & ROW_MASK;
    const state = chunk.refs[REFS * row + STATE];
    return chunk.numbers[STRIDE * row + HANDLE] === ticket && state === 'waiting';
  }

  id(job: Job): JobId {
    return this.#chunks[job >> CHUNK_BITS]!.refs[REFS * (job & ROW_MASK) + ID] as JobId;
  }

  payload(job: Job): T {
    return this.#chunks[job >> CHUNK_BITS]!.refs[REFS * (job & ROW_MASK) + PAYLOAD] as T;
  }

  tenant(job: Job): Tenant {
    return this.#chunks[job >> CHUNK_BITS]!.refs[REFS * (job & ROW_MASK) + TENANT] as Tenant;
  }

  state(job: Job): JobState {
    return this.#chunks[job >> CHUNK_BITS]!.refs[REFS * (job & ROW_MASK) + STATE] as JobState;
  }

  setState(job: Job, state: JobState): void {
    this.#chunks[job >> CHUNK_BITS]!.refs[REFS * (job & ROW_MASK) + STATE] = state;
  }

  backoff(job: Job): BackoffPolicy {
    return this.#backoffs.size === 0 ? this.#defaultBackoff : (this.#backoffs.get(job) ?? this.#defaultBackoff);
  }

  /** Waiting: when it became due. Delayed: when it falls due. In flight: when the attempt started. */
  time(job: Job): number {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + TIME]!;
  }

  setTime(job: Job, time: number): void {
    this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + TIME] = time;
  }

  /** Where it sits in its tenant's line (waiting) or in the delay queue (delayed). */
  handle(job: Job): Handle {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + HANDLE]! as Handle;
  }

  setHandle(job: Job, handle: Handle): void {
    this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + HANDLE] = handle;
  }

  submittedAt(job: Job): number {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + SUBMITTED_AT]!;
  }

  priority(job: Job): number {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + PRIORITY]!;
  }

  setPriority(job: Job, priority: number): void {
    this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + PRIORITY] = priority;
  }

  /**
   * Its rank in arrival order: the line's FIFO tie-break among equal priorities (for late entries
   * and for a line that moves into a heap), and what snapshots keep, since pop order does not show it.
   */
  arrival(job: Job): number {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + ARRIVAL]!;
  }

  setArrival(job: Job, arrival: number): void {
    this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + ARRIVAL] = arrival;
  }

  /** Creation order among the jobs held, unique for the scheduler's life; -1 once the row is free. */
  serial(job: Job): number {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + SERIAL]!;
  }

  /** Attempts started so far: the in-flight attempt's number while it runs. */
  attempt(job: Job): number {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + ATTEMPT]!;
  }

  setAttempt(job: Job, attempt: number): void {
    this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + ATTEMPT] = attempt;
  }

  /** The attempts the job gets in all. */
  attempts(job: Job): number {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + ATTEMPTS]!;
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

  // The hot paths' several fields at once, from one chunk lookup (the accessors one by one were
  // more calls than V8 inlines into a submit or a take).

  /** The job is in its tenant's line at `handle`, due since `time`, `arrival`-th to arrive. */
  setWaiting(job: Job, handle: Handle, arrival: number, time: number): void {
    const numbers = this.#chunks[job >> CHUNK_BITS]!.numbers;
    const at = STRIDE * (job & ROW_MASK);
    numbers[at + HANDLE] = handle;
    numbers[at + ARRIVAL] = arrival;
    numbers[at + TIME] = time;
  }

  /** The job goes in flight at `now`, the `started`th start of its scheduler (which orders starts at one time). */
  startAttempt(job: Job, now: number, started: number): void {
    const numbers = this.#chunks[job >> CHUNK_BITS]!.numbers;
    const at = STRIDE * (job & ROW_MASK);
    numbers[at + ATTEMPT] = numbers[at + ATTEMPT]! + 1;
    numbers[at + TIME] = now;
    numbers[at + HANDLE] = started;
  }

  /** An in-flight job's start number (`startAttempt`). */
  started(job: Job): number {
    return this.#chunks[job >> CHUNK_BITS]!.numbers[STRIDE * (job & ROW_MASK) + HANDLE]!;
  }

  /** The job as `take` hands it out. */
  taken(job: Job): TakenJob<T> {
    const chunk = this.#chunks[job >> CHUNK_BITS]!;
    const row = job & ROW_MASK;
    const refs = chunk.refs;
    const ref = REFS * row;
    const numbers = chunk.numbers;
    const at = STRIDE * row;
    return {
      id: refs[ref + ID] as JobId,
      payload: refs[ref + PAYLOAD] as T,
      priority: numbers[at + PRIORITY]!,
      tenant: (refs[ref + TENANT] as Tenant).name,
      attempt: numbers[at + ATTEMPT]!,
      attempts: numbers[at + ATTEMPTS]!,
    };
  }
}
