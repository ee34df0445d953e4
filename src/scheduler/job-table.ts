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
 * the others (a dead letter, a long delay) would keep a long run of empty slots alive behind it, so
 * when the span grows well past the jobs in it, the oldest half moves into the Map.
 */
export class JobTable<J> {
  /** Jobs by issued id: `#dense[i]` is job `i + #offset`; slots before `#head` are all empty. */
  #dense: (J | undefined)[] = [];
  #offset = 0;
  #head = 0;
  /** Jobs in `#dense`. */
  #denseCount = 0;
  readonly #other = new Map<JobId, J>();

  get size(): number {
    return this.#denseCount + this.#other.size;
  }

  get(id: JobId): J | undefined {
    if (typeof id === 'number') {
      const index = id - this.#offset;
      if (index >= this.#head && index < this.#dense.length && (index | 0) === index) {
        const job = this.#dense[index];
        if (job !== undefined) return job;
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
  add(id: JobId, job: J, issued: boolean): void {
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
  delete(id: JobId, job: J): void {
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
    }
    this.#other.delete(id);
  }

  /** Every job held, in no particular order. */
  *[Symbol.iterator](): IterableIterator<J> {
    const dense = this.#dense;
    for (let i = this.#head; i < dense.length; i++) if (dense[i] !== undefined) yield dense[i]!;
    yield* this.#other.values();
  }

  /** Every job held, in creation order (`serial`). O(n log n): for snapshots, not per job. */
  inCreationOrder(serial: (job: J) => number): J[] {
    return [...this].sort((a, b) => serial(a) - serial(b));
  }

  clear(): void {
    this.#dense = [];
    this.#head = 0;
    this.#denseCount = 0;
    this.#other.clear();
  }

  /** Drops the empty slots before `#head` from the array. */
  #cut(): void {
    this.#dense = this.#dense.slice(this.#head);
    this.#offset += this.#head;
    this.#head = 0;
  }

  /** Moves the jobs of the array's older half into the Map: the span is mostly empty slots. */
  #spill(): void {
    const dense = this.#dense;
    const end = this.#head + ((dense.length - this.#head) >> 1);
    for (let i = this.#head; i < end; i++) {
      const job = dense[i];
      if (job === undefined) continue;
      this.#other.set(i + this.#offset, job);
      dense[i] = undefined;
      this.#denseCount--;
    }
    let head = end;
    while (head < dense.length && dense[head] === undefined) head++;
    this.#head = head;
    this.#cut();
  }
}
