import { Queue } from '../structures/queue.js';

/** A job as the dead-letter line holds it: `entry` is the line's current entry for that job. */
export interface DeadLetter {
  deadEntry: DeadEntry | undefined;
}

/** One place in the line; it is stale once its job no longer points to it. */
export interface DeadEntry {
  readonly job: DeadLetter;
}

/**
 * Dead jobs, oldest first, on a FIFO Queue. `requeue(id)` and `cancel(id)` take a job from the
 * middle, which a ring buffer cannot do, so they only detach the job from its entry and the stale
 * entry is skipped later. Stale entries are compacted away once they outnumber live ones, so the
 * line never holds more than about twice the dead letters.
 */
export class DeadLetters<J extends DeadLetter> {
  #line = new Queue<DeadEntry>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(job: J): void {
    const entry: DeadEntry = { job };
    this.#line.push(entry);
    job.deadEntry = entry;
    this.#size++;
  }

  /** Takes `job` out of the line (it is being requeued, cancelled or purged). */
  remove(job: J): void {
    if (job.deadEntry === undefined) return;
    job.deadEntry = undefined;
    this.#size--;
    if (this.#line.size > 32 && this.#line.size > 2 * this.#size) this.#compact();
  }

  /** The oldest dead job, left in place. */
  peek(): J | undefined {
    this.#dropStaleHead();
    return this.#line.peek()?.job as J | undefined;
  }

  /** Dead jobs, oldest first. */
  *[Symbol.iterator](): IterableIterator<J> {
    for (const entry of this.#line) if (entry.job.deadEntry === entry) yield entry.job as J;
  }

  clear(): void {
    for (const job of this) job.deadEntry = undefined;
    this.#line.clear();
    this.#size = 0;
  }

  #dropStaleHead(): void {
    for (let head = this.#line.peek(); head && head.job.deadEntry !== head; head = this.#line.peek()) this.#line.shift();
  }

  #compact(): void {
    const line = new Queue<DeadEntry>();
    for (const entry of this.#line) if (entry.job.deadEntry === entry) line.push(entry);
    this.#line = line;
  }
}
