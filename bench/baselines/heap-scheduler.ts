/**
 * The scheduler a user would write on heap-js instead of using ours: jobs by priority (lower
 * first), FIFO among equal priorities, taken jobs held in flight until acked. It does only what
 * the benchmark asks of ours (no tenants, delays or retries), so it is a lower bound on what the
 * same features cost in plain JS.
 */
import { Heap } from 'heap-js';

interface Entry<T> {
  readonly id: number;
  readonly payload: T;
  readonly priority: number;
  /** Arrival order, the tie-break among equal priorities. */
  readonly seq: number;
}

export interface TakenEntry<T> {
  readonly id: number;
  readonly payload: T;
  readonly priority: number;
}

export class HeapScheduler<T> {
  readonly #waiting = new Heap<Entry<T>>((a, b) => a.priority - b.priority || a.seq - b.seq);
  readonly #inFlight = new Map<number, Entry<T>>();
  #nextId = 1;
  #seq = 0;

  get size(): number {
    return this.#waiting.length + this.#inFlight.size;
  }

  submit(payload: T, options?: { priority?: number }): number {
    const priority = options?.priority ?? 0;
    if (typeof priority !== 'number' || priority !== priority) throw new TypeError(`HeapScheduler.submit: bad priority ${String(priority)}`);
    const id = this.#nextId++;
    this.#waiting.add({ id, payload, priority, seq: this.#seq++ });
    return id;
  }

  take(): TakenEntry<T> | undefined {
    const entry = this.#waiting.pop();
    if (entry === undefined) return undefined;
    this.#inFlight.set(entry.id, entry);
    return entry;
  }

  ack(id: number): void {
    if (!this.#inFlight.delete(id)) throw new Error(`HeapScheduler.ack: job ${id} is not in flight`);
  }
}
