import type { Arena } from '../core/arena.js';
import { CapacityError } from '../core/errors.js';
import type { Handle } from '../structures/handle.js';
import { PriorityQueue } from '../structures/priority-queue.js';
import type { Job } from './job-rows.js';

/** A retry the core heap had no room for: kept in JS until it is due. */
interface Spilled {
  readonly job: Job;
  readonly dueAt: number;
  readonly ticket: number;
}

/**
 * Tickets of spilled entries: negative, so that none equals a heap handle (≥ 0) in a job's row.
 * Never reused in the realm.
 */
let nextTicket = -1;

/**
 * The scheduler's delayed jobs by due time, FIFO among equals: a core heap, and beside it a short
 * JS list for the retries it had no room for.
 *
 * A retry is work already accepted, and it must never be stuck in flight for want of memory
 * (under `run`, a `fail` that throws stops the pool). Its queues cannot promise room: the arena's
 * handle slots and blocks are shared, and a slot or ring room a taken job left behind can be
 * taken by another structure, or by new jobs, before it fails. So a retry that fits in no queue
 * is spilled here, in JS memory, and served by due time with the rest; the list holds at most the
 * jobs in flight, and only while the arena is full. New jobs never spill: they are refused.
 * @internal
 */
export class DelayQueue {
  readonly #heap: PriorityQueue<Job>;
  /** By due time, in the order spilled among equals. Empty but in a full arena. */
  readonly #spilled: Spilled[] = [];
  /** Retries spill once the heap holds this many (tests pass a small one); else only when it is full. */
  readonly #spillAt: number;

  constructor(arena: Arena | undefined, spillAt = Infinity) {
    this.#heap = new PriorityQueue<Job>({ arena });
    this.#spillAt = spillAt;
  }

  /** Delayed jobs held, spilled ones included. */
  get size(): number {
    return this.#heap.size + this.#spilled.length;
  }

  /** Adds `job` due at `dueAt`, returning its handle for its row. Throws CapacityError with nothing changed. */
  push(job: Job, dueAt: number): Handle {
    return this.#heap.push(job, dueAt);
  }

  /** `push`, or when the core has no room, a place in the JS list: never throws CapacityError. */
  pushOrSpill(job: Job, dueAt: number): Handle {
    if (this.#heap.size < this.#spillAt) {
      try {
        return this.#heap.push(job, dueAt);
      } catch (error) {
        if (!(error instanceof CapacityError)) throw error;
      }
    }
    const spilled = this.#spilled;
    let at = spilled.length;
    while (at > 0 && spilled[at - 1]!.dueAt > dueAt) at--;
    const ticket = nextTicket--;
    spilled.splice(at, 0, { job, dueAt, ticket });
    return ticket as Handle;
  }

  /** Adds every job with its due time, all or nothing; their handles in order. */
  pushMany(jobs: Job[], dueTimes: number[]): Handle[] {
    return this.#heap.pushMany(jobs, dueTimes);
  }

  remove(handle: Handle): void {
    if (handle >= 0) {
      this.#heap.remove(handle);
      return;
    }
    const spilled = this.#spilled;
    spilled.splice(
      spilled.findIndex((entry) => entry.ticket === handle),
      1,
    );
  }

  /** The earliest due time, or undefined when empty. On a tie the heap's job comes first. */
  peekPriority(): number | undefined {
    const heapDue = this.#heap.peekPriority();
    const first = this.#spilled[0];
    if (first === undefined) return heapDue;
    return heapDue !== undefined && heapDue <= first.dueAt ? heapDue : first.dueAt;
  }

  /** The job `peekPriority` is the due time of. */
  peek(): Job | undefined {
    return this.#spilledFirst() ? this.#spilled[0]!.job : this.#heap.peek();
  }

  pop(): Job | undefined {
    return this.#spilledFirst() ? this.#spilled.shift()!.job : this.#heap.pop();
  }

  /** Every job with its due time, earliest first (the order `pop` gives). */
  *entries(): Generator<[Job, number], void, unknown> {
    const spilled = this.#spilled;
    let next = 0;
    for (const [job, dueAt] of this.#heap.entries()) {
      for (; next < spilled.length && spilled[next]!.dueAt < dueAt; next++) yield [spilled[next]!.job, spilled[next]!.dueAt];
      yield [job, dueAt];
    }
    for (; next < spilled.length; next++) yield [spilled[next]!.job, spilled[next]!.dueAt];
  }

  shrink(): void {
    this.#heap.shrink();
  }

  dispose(): void {
    this.#heap.dispose();
    this.#spilled.length = 0;
  }

  /** Whether the earliest entry is a spilled one (ties go to the heap, as in `peekPriority`). */
  #spilledFirst(): boolean {
    const first = this.#spilled[0];
    if (first === undefined) return false;
    const heapDue = this.#heap.peekPriority();
    return heapDue === undefined || first.dueAt < heapDue;
  }
}
