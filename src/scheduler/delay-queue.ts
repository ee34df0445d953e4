import type { Arena } from '../core/arena.js';
import { CapacityError } from '../core/errors.js';
import type { Handle } from '../structures/handle.js';
import { PriorityQueue } from '../structures/priority-queue.js';
import type { Job } from './job-rows.js';

/** A retry the core heap had no room for: kept in JS until it is due. */
interface Spilled {
  readonly job: Job;
  readonly dueAt: number;
  /** Negative, and falling: among equal due times, the one spilled first has the larger ticket. */
  readonly ticket: number;
  /** Cancelled: skipped when it comes up. */
  gone: boolean;
}

/**
 * Tickets of spilled entries: negative, so that none equals a heap handle (≥ 0) in a job's row.
 * Never reused in the realm. (The ready lines' tickets are negative too; a row's ticket is read as
 * a line's only while its job waits: `JobRows.holds`.)
 */
let nextTicket = -1;

/** Whether spilled entry `a` is due before `b`: by due time, then the first spilled. */
const before = (a: Spilled, b: Spilled): boolean => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.ticket > b.ticket);

/**
 * The scheduler's delayed jobs by due time, FIFO among equals: a core heap, and beside it a JS
 * heap (the spill) for the retries the core had no room for.
 *
 * A retry is work already accepted, and it must never be stuck in flight for want of memory
 * (under `run`, a `fail` that throws stops the pool). Its queues cannot promise room: the arena's
 * handle slots and blocks are shared, and a slot or ring room a taken job left behind can be
 * taken by another structure, or by new jobs, before it fails. So a retry that fits in no queue
 * is spilled, in JS memory, and served by due time with the rest (on a tie, after the core's);
 * a retry spills only when the core's heap has no room for it, and stays spilled until due. New jobs never
 * spill: they are refused. O(log n) an entry; a cancelled one is marked and skipped.
 * @internal
 */
export class DelayQueue {
  readonly #heap: PriorityQueue<Job>;
  /** A binary heap by `before`, with cancelled entries still in it until they come up. */
  readonly #spilled: Spilled[] = [];
  /** The spill's entries by ticket, cancelled ones left out. */
  readonly #byTicket = new Map<number, Spilled>();
  /** Cancelled entries still in `#spilled`. */
  #gone = 0;
  /** Retries spill once the heap holds this many (tests pass a small one); else only when it is full. */
  readonly #spillAt: number;

  constructor(arena: Arena | undefined, spillAt = Infinity) {
    this.#heap = new PriorityQueue<Job>({ arena });
    this.#spillAt = spillAt;
  }

  /** Delayed jobs held, spilled ones included. */
  get size(): number {
    return this.#heap.size + this.#byTicket.size;
  }

  /** Adds `job` due at `dueAt`, returning its handle for its row. Throws CapacityError with nothing changed. */
  push(job: Job, dueAt: number): Handle {
    return this.#heap.push(job, dueAt);
  }

  /** `push`, or when the core has no room, a place in the spill: never throws CapacityError. */
  pushOrSpill(job: Job, dueAt: number): Handle {
    if (this.#heap.size < this.#spillAt) {
      try {
        return this.#heap.push(job, dueAt);
      } catch (error) {
        if (!(error instanceof CapacityError)) throw error;
      }
    }
    const entry: Spilled = { job, dueAt, ticket: nextTicket--, gone: false };
    this.#byTicket.set(entry.ticket, entry);
    const spilled = this.#spilled;
    let at = spilled.push(entry) - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(entry, spilled[parent]!)) break;
      spilled[at] = spilled[parent]!;
      at = parent;
    }
    spilled[at] = entry;
    return entry.ticket as Handle;
  }

  /** Adds every job with its due time, all or nothing; their handles in order. */
  pushMany(jobs: Job[], dueTimes: number[]): Handle[] {
    return this.#heap.pushMany(jobs, dueTimes);
  }

  /** Removes the entry of `handle`, which must be one this queue holds. */
  remove(handle: Handle): void {
    if (handle >= 0) {
      this.#heap.remove(handle);
      return;
    }
    const entry = this.#byTicket.get(handle)!;
    entry.gone = true;
    this.#byTicket.delete(handle);
    // Rebuilt once the cancelled outnumber the rest: a sorted array is a heap.
    if (++this.#gone > this.#byTicket.size + 64) {
      const live = [...this.#byTicket.values()].sort((a, b) => (before(a, b) ? -1 : 1));
      this.#spilled.length = 0;
      for (const entry of live) this.#spilled.push(entry);
      this.#gone = 0;
    }
  }

  /** The earliest due time, or undefined when empty. On a tie the core heap's job comes first. */
  peekPriority(): number | undefined {
    const heapDue = this.#heap.peekPriority();
    const first = this.#first();
    if (first === undefined) return heapDue;
    return heapDue !== undefined && heapDue <= first.dueAt ? heapDue : first.dueAt;
  }

  /** The job `peekPriority` is the due time of. */
  peek(): Job | undefined {
    const first = this.#first();
    return first !== undefined && this.#spilledFirst(first) ? first.job : this.#heap.peek();
  }

  pop(): Job | undefined {
    const first = this.#first();
    if (first === undefined || !this.#spilledFirst(first)) return this.#heap.pop();
    this.#byTicket.delete(first.ticket);
    this.#popSpilled();
    return first.job;
  }

  /** Every job with its due time, earliest first (the order `pop` gives). */
  *entries(): Generator<[Job, number], void, unknown> {
    const spilled = [...this.#byTicket.values()].sort((a, b) => (before(a, b) ? -1 : 1));
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
    this.#byTicket.clear();
    this.#gone = 0;
  }

  /** The spill's earliest live entry, the cancelled ones before it dropped. */
  #first(): Spilled | undefined {
    const spilled = this.#spilled;
    while (spilled.length > 0 && spilled[0]!.gone) {
      this.#gone--;
      this.#popSpilled();
    }
    return spilled[0];
  }

  /** Whether the spill's `first` comes before the core heap's top (ties go to the heap). */
  #spilledFirst(first: Spilled): boolean {
    const heapDue = this.#heap.peekPriority();
    return heapDue === undefined || first.dueAt < heapDue;
  }

  /** Drops the spill's root. */
  #popSpilled(): void {
    const spilled = this.#spilled;
    const last = spilled.pop()!;
    if (spilled.length === 0) return;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= spilled.length) break;
      if (child + 1 < spilled.length && before(spilled[child + 1]!, spilled[child]!)) child++;
      if (!before(spilled[child]!, last)) break;
      spilled[at] = spilled[child]!;
      at = child;
    }
    spilled[at] = last;
  }
}
