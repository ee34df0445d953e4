import { OrderedIds } from './ordered-ids.js';
import type { Job } from './job-rows.js';
import type { JobId } from './types.js';

/** Past this many slots, a run of empty slots at the front is cut off (amortized O(1) per id). */
const COMPACT_AFTER = 1024;

/**
 * The jobs held, by id. The ids the scheduler issues are consecutive integers, so those jobs sit in
 * an array indexed by id minus an offset; a caller's own ids (strings, or numbers it chose) sit in
 * a Map. A Map of a million jobs cost several hundred ns per lookup (its buckets are scattered
 * over memory); the array is read in about the order it was filled, since jobs of one priority are
 * taken in submit order.
 *
 * The array spans from the oldest issued id still held to the newest. A job held much longer than
 * the others (a dead letter, a long delay, a priority that waits) would keep a long run of empty
 * slots alive behind it, so when the span grows well past the jobs in it, the jobs of its oldest
 * half move into an OrderedIds (typed arrays in id order, nothing for the GC).
 */
export class JobTable {
  /** Jobs by issued id: `#dense[i]` is job `i + #offset`; slots before `#head` are all empty. */
  #dense: (Job | undefined)[] = [];
  #offset = 0;
  #head = 0;
  /** Jobs in `#dense`. */
  #denseCount = 0;
  /** Jobs under issued ids moved out of `#dense`. */
  readonly #spilled = new OrderedIds();
  /** Jobs under the caller's own ids. */
  readonly #other = new Map<JobId, Job>();

  get size(): number {
    return this.#denseCount + this.#spilled.size + this.#other.size;
  }

  get(id: JobId): Job | undefined {
    if (typeof id === 'number') {
      const index = id - this.#offset;
      if (index >= this.#head && index < this.#dense.length && (index | 0) === index) {
        const job = this.#dense[index];
        if (job !== undefined) return job;
      }
      if (this.#spilled.size !== 0) {
        const job = this.#spilled.get(id);
        if (job >= 0) return job;
      }
    }
    return this.#other.size === 0 ? undefined : this.#other.get(id);
  }

  has(id: JobId): boolean {
    return this.get(id) !== undefined;
  }

  /**
   * Adds a job whose id is not held. `issued`: the scheduler chose the id (an integer above every
   * issued id still held), so it may go in the array.
   */
  add(id: JobId, job: Job, issued: boolean): void {
    if (issued && typeof id === 'number') {
      const dense = this.#dense;
      if (this.#denseCount === 0) {
        dense.length = 0;
        this.#head = 0;
        this.#offset = id;
      }
      const index = id - this.#offset;
      // Far beyond the array (a restore moved the counter on, or callers held a long run of
      // numbers): the Map, rather than a long run of empty slots.
      if (index >= dense.length && index - dense.length <= COMPACT_AFTER) {
        while (dense.length < index) dense.push(undefined);
        dense.push(job);
        this.#denseCount++;
        if (dense.length - this.#head > COMPACT_AFTER && dense.length - this.#head > 4 * this.#denseCount) this.#spill();
        return;
      }
    }
    this.#other.set(id, job);
  }

  /** Removes job `job`, held under `id`. */
  delete(id: JobId, job: Job): void {
    if (typeof id === 'number') {
      const index = id - this.#offset;
      const dense = this.#dense;
      if (index >= this.#head && index < dense.length && dense[index] === job) {
        dense[index] = undefined;
        if (--this.#denseCount === 0) {
          dense.length = 0;
          this.#head = 0;
        } else if (index === this.#head) {
          let head = index + 1;
          while (dense[head] === undefined) head++;
          this.#head = head;
          if (head > COMPACT_AFTER && head > dense.length >> 1) this.#cut();
        }
        return;
      }
      if (this.#spilled.size !== 0 && this.#spilled.delete(id, job)) return;
    }
    this.#other.delete(id);
  }

  /** Every job held, in no particular order. */
  *[Symbol.iterator](): IterableIterator<Job> {
    const dense = this.#dense;
    for (let i = this.#head; i < dense.length; i++) if (dense[i] !== undefined) yield dense[i]!;
    yield* this.#spilled.rows();
    yield* this.#other.values();
  }

  /** Every job held, in creation order (`serial`). O(n log n): for snapshots, not per job. */
  inCreationOrder(serial: (job: Job) => number): Job[] {
    return [...this].sort((a, b) => serial(a) - serial(b));
  }

  clear(): void {
    this.#dense = [];
    this.#head = 0;
    this.#denseCount = 0;
    this.#spilled.clear();
    this.#other.clear();
  }

  /** Gives back the slack of the table of moved-out jobs (`Scheduler.shrink`). */
  shrink(): void {
    this.#spilled.shrink();
  }

  /** Drops the empty slots before `#head` from the array. */
  #cut(): void {
    this.#dense = this.#dense.slice(this.#head);
    this.#offset += this.#head;
    this.#head = 0;
  }

  /** Moves the jobs of the array's older half into `#spilled`: the span is mostly empty slots. */
  #spill(): void {
    const dense = this.#dense;
    const end = this.#head + ((dense.length - this.#head) >> 1);
    for (let i = this.#head; i < end; i++) {
      const job = dense[i];
      if (job === undefined) continue;
      const id = i + this.#offset;
      // Issued ids only grow, so each spill's are above the last's; the Map if that ever fails.
      if (id > this.#spilled.last) this.#spilled.add(id, job);
      else this.#other.set(id, job);
      dense[i] = undefined;
      this.#denseCount--;
    }
    let head = end;
    while (head < dense.length && dense[head] === undefined) head++;
    this.#head = head;
    this.#cut();
  }
}
