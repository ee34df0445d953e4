import type { Arena } from '../core/arena.js';
import { PriorityQueue } from '../structures/priority-queue.js';
import { available, fits, type Member } from './member.js';
import type { Tier } from './tier.js';

/**
 * The key of a worker that cannot be picked now (draining, unhealthy, full, or skipped for one
 * choice). Parking a worker under this key instead of removing it keeps its sequence number, so
 * when it comes back it keeps its place among equals: ties stay "least recently picked first".
 */
export const PARKED = Number.MAX_VALUE;
/** Real keys stay below the parked key even for a huge load over a tiny weight. */
const MAX_KEY = 1e308;
/** One options object for every pick, rather than a fresh literal on the hot path. */
const BEHIND_EQUALS = Object.freeze({ behindEquals: true });

/** How one heap strategy ranks workers: the lowest key is picked, ties by least recent pick. */
export interface Ranking<W> {
  /** The key of an available worker. */
  key(member: Member<W>): number;
  /** Called when the worker joins the tier, before it is keyed. */
  onAdd?(member: Member<W>): void;
  /** Called once the worker was picked, before it is re-keyed (it may move its own clock). */
  onPicked?(member: Member<W>): void;
  /** Called when an unavailable worker becomes available again, before it is re-keyed. */
  onReturn?(member: Member<W>): void;
  /** Called when its weight changed, before it is re-keyed. */
  onWeight?(member: Member<W>): void;
  /** The ranking's own clock, if it has one (snapshots keep it). */
  virtualTime?: number;
}

/**
 * A tier kept in one indexed priority queue (least-loaded, round-robin and weighted round-robin
 * differ only in their key). A pick re-keys the worker with `behindEquals`, which re-stamps its
 * sequence number: among equal keys the queue then serves the worker picked least recently, so
 * equal idle workers take turns instead of the first one taking everything.
 * @internal
 */
export class HeapTier<W> implements Tier<W> {
  readonly #queue: PriorityQueue<Member<W>>;
  readonly #ranking: Ranking<W>;
  /** Workers parked for a single choice because that lease's cost did not fit them. */
  readonly #skipped: Member<W>[] = [];

  constructor(ranking: Ranking<W>, arena: Arena) {
    this.#ranking = ranking;
    this.#queue = new PriorityQueue<Member<W>>({ arena });
  }

  add(member: Member<W>): void {
    this.#ranking.onAdd?.(member);
    member.parked = !available(member);
    member.handle = this.#queue.push(member, this.#keyOf(member));
  }

  remove(member: Member<W>): void {
    if (member.handle !== undefined) this.#queue.remove(member.handle);
    member.handle = undefined;
  }

  changed(member: Member<W>, weightChanged = false): void {
    const ranking = this.#ranking;
    const wasParked = member.parked;
    member.parked = !available(member);
    if (weightChanged) ranking.onWeight?.(member);
    if (wasParked && !member.parked) ranking.onReturn?.(member);
    this.#queue.update(member.handle!, this.#keyOf(member));
  }

  choose(cost: number): Member<W> | undefined {
    const queue = this.#queue;
    if (queue.size === 0 || queue.peekPriority() === PARKED) return undefined;
    const best = queue.peek() as Member<W>;
    if (fits(best, cost)) return best;
    // The best worker cannot take this cost (mixed costs near a capacity): park each such worker
    // until one fits, then restore them. Keys and sequence numbers come back unchanged, so this
    // choice leaves the order as it found it; each skipped worker costs two O(log n) updates.
    const skipped = this.#skipped;
    try {
      skipped.push(best);
      queue.update(best.handle!, PARKED);
      while (queue.peekPriority() !== PARKED) {
        const next = queue.peek() as Member<W>;
        if (fits(next, cost)) return next;
        skipped.push(next);
        queue.update(next.handle!, PARKED);
      }
      return undefined;
    } finally {
      for (const member of skipped) queue.update(member.handle!, this.#keyOf(member));
      skipped.length = 0;
    }
  }

  picked(member: Member<W>): void {
    this.#ranking.onPicked?.(member);
    member.parked = !available(member);
    this.#queue.update(member.handle!, this.#keyOf(member), BEHIND_EQUALS);
  }

  restore(member: Member<W>): void {
    member.parked = !available(member);
    member.handle = this.#queue.push(member, this.#keyOf(member));
  }

  get virtualTime(): number {
    return this.#ranking.virtualTime ?? 0;
  }

  set virtualTime(value: number) {
    if (this.#ranking.virtualTime !== undefined) this.#ranking.virtualTime = value;
  }

  dispose(): void {
    this.#queue.dispose();
  }

  #keyOf(member: Member<W>): number {
    return member.parked ? PARKED : Math.min(this.#ranking.key(member), MAX_KEY);
  }
}
