import { Queue } from '../structures/queue.js';
import type { Job } from './job-rows.js';

/** One place in the line; it is stale once its job's current entry is another (or none). */
interface DeadEntry {
  readonly job: Job;
}

/**
 * Dead jobs, oldest first, on a FIFO Queue. `requeue(id)` and `cancel(id)` take a job from the
 * middle, which a ring buffer cannot do, so they only detach the job from its entry and the stale
 * entry is skipped later. Stale entries are compacted away once they outnumber live ones, so the
 * line never holds more than about twice the dead letters.
 */
export class DeadLetters {
  #line = new Queue<DeadEntry>();
  /** Each dead job's current entry. */
  readonly #entries = new Map<Job, DeadEntry>();

  get size(): number {
    return this.#entries.size;
  }

  push(job: Job): void {
    const entry: DeadEntry = { job };
    this.#line.push(entry);
    this.#entries.set(job, entry);
  }

  /** Takes `job` out of the line (it is being requeued, cancelled or purged). */
  remove(job: Job): void {
    if (!this.#entries.delete(job)) return;
    if (this.#line.size > 32 && this.#line.size > 2 * this.#entries.size) this.#compact();
  }

  /** The oldest dead job, left in place. */
  peek(): Job | undefined {
    this.#dropStaleHead();
    return this.#line.peek()?.job;
  }

  /** Dead jobs, oldest first. */
  *[Symbol.iterator](): IterableIterator<Job> {
    for (const entry of this.#line) if (this.#live(entry)) yield entry.job;
  }

  clear(): void {
    this.#entries.clear();
    this.#line.clear();
  }

  /** A line of the live entries only, sized to them (stale entries dropped too). */
  shrink(): void {
    this.#compact();
  }

  #live(entry: DeadEntry): boolean {
    return this.#entries.get(entry.job) === entry;
  }

  #dropStaleHead(): void {
    for (let head = this.#line.peek(); head && !this.#live(head); head = this.#line.peek()) this.#line.shift();
  }

  #compact(): void {
    const line = new Queue<DeadEntry>();
    for (const entry of this.#line) if (this.#live(entry)) line.push(entry);
    this.#line = line;
  }
}
