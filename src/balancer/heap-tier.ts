import type { Arena } from '../core/arena.js';
import { PriorityQueue } from '../structures/priority-queue.js';
import { available, fits, unlist, type Member } from './member.js';
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
/**
 * Up to this many workers a tier is scanned; past it, kept in a queue (and scanned again once
 * fewer than half as many are left). A scan of a few workers costs less than the queue's core
 * calls: see `HeapTier`.
 */
export const SCAN_LIMIT = 32;

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
  /** Called when a restored worker joins the tier, before it is keyed. */
  onRestore?(member: Member<W>): void;
  /** Called after each pick with every worker of the tier; true when it moved their keys (all are re-keyed). */
  rebase?(members: readonly Member<W>[]): boolean;
  /** The ranking's own clock, if it has one (snapshots keep it). */
  virtualTime?: number;
  /** The fastest rate its clock was ever set to run at, if it has a clock (snapshots keep it). */
  fastestRate?: number;
}

/**
 * A tier ranked by one key (least-loaded, round-robin and weighted round-robin differ only in
 * their key): the lowest key is picked, and among equal keys the worker picked least recently
 * (the lowest `stamp`), so equal idle workers take turns instead of the first one taking
 * everything.
 *
 * A large tier is kept in one indexed priority queue: a pick re-keys the worker with
 * `behindEquals`, which re-stamps its sequence number, so the queue's FIFO among equals is the
 * stamps' order. A small one (up to SCAN_LIMIT workers, the usual fleet) is scanned instead: with
 * ten workers an acquire or release took 70 ns through the queue (its three core calls a pair)
 * and 59 ns with the scan, 55-56 ns once the scan compared keys alone (Balancer suite, 2026-11-26;
 * a plain linear scan of the same workers: 32-36 ns). Either way each worker's key is
 * computed when the queue would be told, and kept in `member.key`, so both choose the same worker.
 * @internal
 */
export class HeapTier<W> implements Tier<W> {
  readonly #arena: Arena;
  readonly #ranking: Ranking<W>;
  /** Every worker of the tier, at its `index`. */
  readonly #members: Member<W>[] = [];
  /** The queue of a large tier; undefined while it is scanned. */
  #queue: PriorityQueue<Member<W>> | undefined = undefined;
  /** Workers parked for a single choice because that lease's cost did not fit them. */
  readonly #skipped: Member<W>[] = [];
  /** Workers with a finite capacity: while there are none, a scan need not check that a cost fits. */
  #bounded = 0;
  /**
   * The cost of the last choice that found no worker to fit it, while no worker has room for it
   * since (every change comes through `changed`, which asks, or a join, which forgets it): a cost
   * as large fails at once. Finding that none fits parks every worker in turn, O(n log n); back-pressure polling
   * (`acquire` until a lease is released) paid it at every call, 33 ms at 100,000 workers.
   */
  #noFit = Infinity;
  /**
   * While `#noFit` is set: the workers that became available or lost their passed-over mark since
   * (changed or picked), so that a choice the memo refuses marks them as the walk it saves would
   * have marked every available worker. Longer than the tier, the memo is dropped instead.
   */
  readonly #sinceNoFit: Member<W>[] = [];

  constructor(ranking: Ranking<W>, arena: Arena) {
    this.#ranking = ranking;
    this.#arena = arena;
  }

  add(member: Member<W>): void {
    const ranking = this.#ranking;
    const fastest = ranking.fastestRate;
    ranking.onAdd?.(member);
    try {
      this.#join(member);
    } catch (error) {
      // A refused add leaves no trace: the rate it brought would move the rebases on.
      if (fastest !== undefined) ranking.fastestRate = fastest;
      throw error;
    }
  }

  remove(member: Member<W>): void {
    const members = this.#members;
    unlist(members, member);
    if (member.capacity !== Infinity) this.#bounded--;
    const queue = this.#queue;
    if (queue === undefined) return;
    queue.remove(member.handle!);
    member.handle = undefined;
    if (members.length < SCAN_LIMIT >> 1) {
      this.#queue = undefined;
      for (const other of members) other.handle = undefined;
      queue.dispose();
    }
  }

  changed(member: Member<W>, weightChanged = false): void {
    const ranking = this.#ranking;
    const wasParked = member.key === PARKED;
    const parked = !available(member);
    if (weightChanged) ranking.onWeight?.(member);
    // Back from PARKED, or from being passed over for costs that did not fit when its room may
    // have grown (a release, a report): away either way. A weight change gives no room.
    if (!parked && (wasParked || (member.skipped && !weightChanged))) {
      member.skipped = false;
      ranking.onReturn?.(member);
    }
    member.key = this.#keyOf(member, parked);
    this.#queue?.update(member.handle!, member.key);
    // The remembered cost still fits no one unless this worker can now take it (room only grows
    // through a change of its own): back-pressure polling stays cheap while small leases churn.
    if (this.#noFit !== Infinity && !parked) {
      if (fits(member, this.#noFit)) this.#forgetNoFit();
      else this.#noteSinceNoFit(member);
    }
  }

  choose(cost: number): Member<W> | undefined {
    const queue = this.#queue;
    if (queue === undefined) return this.#scan(cost);
    if (queue.size === 0 || queue.peekPriority() === PARKED) return undefined;
    const best = queue.peek() as Member<W>;
    if (fits(best, cost)) return best;
    if (cost >= this.#noFit) return this.#passOverSinceNoFit();
    // The best worker cannot take this cost (mixed costs near a capacity): park each such worker
    // until one fits, then restore them. Keys and sequence numbers come back unchanged, so this
    // choice leaves the order as it found it; each skipped worker costs two O(log n) updates.
    // Past a share of the tier (many idle workers too small for the cost), the scan finds the
    // same worker and passes over the same ones for a fraction of that.
    const skipped = this.#skipped;
    const walkLimit = Math.max(8, this.#members.length >>> 5);
    try {
      skipped.push(best);
      best.skipped = true;
      queue.update(best.handle!, PARKED);
      while (queue.peekPriority() !== PARKED) {
        const next = queue.peek() as Member<W>;
        if (fits(next, cost)) return next;
        if (skipped.length === walkLimit) break;
        skipped.push(next);
        next.skipped = true;
        queue.update(next.handle!, PARKED);
      }
      if (skipped.length < walkLimit) {
        this.#rememberNoFit(cost);
        return undefined;
      }
    } finally {
      for (const member of skipped) queue.update(member.handle!, member.key);
      skipped.length = 0;
    }
    return this.#scan(cost);
  }

  picked(member: Member<W>): void {
    const ranking = this.#ranking;
    if (member.skipped) {
      // Picked for a cost that fits after being passed over for others: it was away.
      member.skipped = false;
      ranking.onReturn?.(member);
    }
    ranking.onPicked?.(member);
    member.key = this.#keyOf(member);
    this.#queue?.update(member.handle!, member.key, BEHIND_EQUALS);
    if (ranking.rebase?.(this.#members)) this.#rekey();
    if (this.#noFit !== Infinity && member.key !== PARKED) this.#noteSinceNoFit(member);
  }

  restore(member: Member<W>): void {
    this.#ranking.onRestore?.(member);
    this.#join(member);
  }

  /** Keys every worker again (their order among equal keys kept), after the ranking moved them all. */
  #rekey(): void {
    const queue = this.#queue;
    for (const member of this.#members) {
      if (member.key === PARKED) continue;
      member.key = this.#keyOf(member, false);
      queue?.update(member.handle!, member.key);
    }
  }

  get virtualTime(): number {
    return this.#ranking.virtualTime ?? 0;
  }

  set virtualTime(value: number) {
    if (this.#ranking.virtualTime !== undefined) this.#ranking.virtualTime = value;
  }

  get fastestRate(): number {
    return this.#ranking.fastestRate ?? 1;
  }

  set fastestRate(value: number) {
    if (this.#ranking.fastestRate !== undefined) this.#ranking.fastestRate = value;
  }

  get noFit(): number {
    return this.#noFit;
  }

  /** Restored: the available workers not marked as passed over are those a refused choice marks. */
  set noFit(cost: number) {
    this.#forgetNoFit();
    this.#noFit = cost;
    if (cost === Infinity) return;
    for (const member of this.#members) if (member.key !== PARKED && !member.skipped) this.#noteSinceNoFit(member);
  }

  dispose(): void {
    this.#queue?.dispose();
  }

  /**
   * The lowest (key, stamp) among the workers that are not parked and can take `cost`. Every real
   * key is at most MAX_KEY and a parked one is above it, so the key comparison alone passes over
   * parked workers; the stamps are distinct, so ties need no other order.
   */
  #scan(cost: number): Member<W> | undefined {
    const members = this.#members;
    const bounded = this.#bounded > 0;
    let best: Member<W> | undefined;
    let bestKey = MAX_KEY;
    let bestStamp = Infinity;
    let missed = false;
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      const key = member.key;
      if (key > bestKey || (key === bestKey && member.stamp > bestStamp)) continue;
      if (bounded && !fits(member, cost)) {
        missed = true;
        continue;
      }
      best = member;
      bestKey = key;
      bestStamp = member.stamp;
    }
    if (!missed) return best;
    // As the heap's walk in `choose` does: the workers ahead of the choice that this cost did not
    // fit are passed over (all available ones when none fitted, and the cost is remembered; a cost
    // remembered already marks those noted since).
    if (best === undefined) {
      if (cost >= this.#noFit) return this.#passOverSinceNoFit();
      this.#rememberNoFit(cost);
    }
    for (const member of members) {
      const key = member.key;
      if (key !== PARKED && (key < bestKey || (key === bestKey && member.stamp < bestStamp)) && !fits(member, cost)) member.skipped = true;
    }
    return best;
  }

  /**
   * Keys `member` and takes it in; past SCAN_LIMIT workers into the queue, which is built then
   * (pushed in stamp order, so that its FIFO among equals is the stamps' order). A full arena
   * throws CapacityError with nothing changed.
   */
  #join(member: Member<W>): void {
    this.#forgetNoFit();
    member.key = this.#keyOf(member);
    const members = this.#members;
    if (this.#queue !== undefined) {
      member.handle = this.#queue.push(member, member.key);
    } else if (members.length >= SCAN_LIMIT) {
      const queue = new PriorityQueue<Member<W>>({ arena: this.#arena });
      try {
        for (const other of [...members, member].sort((a, b) => a.stamp - b.stamp)) other.handle = queue.push(other, other.key);
      } catch (error) {
        queue.dispose();
        for (const other of members) other.handle = undefined;
        member.handle = undefined;
        throw error;
      }
      this.#queue = queue;
    }
    if (member.capacity !== Infinity) this.#bounded++;
    member.index = members.push(member) - 1;
  }

  /** After a walk that found no worker for `cost` and marked every available one passed over. */
  #rememberNoFit(cost: number): void {
    this.#noFit = cost;
    this.#sinceNoFit.length = 0;
  }

  #forgetNoFit(): void {
    this.#noFit = Infinity;
    this.#sinceNoFit.length = 0;
  }

  #noteSinceNoFit(member: Member<W>): void {
    if (this.#sinceNoFit.length >= this.#members.length) this.#forgetNoFit();
    else this.#sinceNoFit.push(member);
  }

  /** A choice the memo refuses: marks what the walk would have (every available worker), and finds none. */
  #passOverSinceNoFit(): undefined {
    for (const member of this.#sinceNoFit) if (member.key !== PARKED) member.skipped = true;
    this.#sinceNoFit.length = 0;
    return undefined;
  }

  /** The key of a worker that is available (`parked` false), else PARKED. */
  #keyOf(member: Member<W>, parked = !available(member)): number {
    return parked ? PARKED : Math.min(this.#ranking.key(member), MAX_KEY);
  }
}
