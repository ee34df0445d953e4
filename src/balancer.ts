import { arenaOption, type Arena } from './core/arena.js';
import { CapacityError, InvalidArgumentError, NotFoundError, StateError, asCall, describe } from './core/errors.js';
import { codecOption, RESTORE_OPTIONS, type RestoreOptions, type SnapshotBytes, type SnapshotOptions } from './core/snapshot.js';
import { booleanOption, functionOption, boundOption, oneOf, optionNames, options as checkOptions, weight as checkWeight } from './core/validate.js';
import { EarliestDeadline } from './balancer/weighted-round-robin.js';
import { HeapTier } from './balancer/heap-tier.js';
import { Lease } from './balancer/lease.js';
import { leastLoaded } from './balancer/least-loaded.js';
import { addLoad, resetLoad, type Member, type WorkerId } from './balancer/member.js';
import { PowerOfTwoTier } from './balancer/power-of-two.js';
import { roundRobin } from './balancer/round-robin.js';
import { SlowStart, rampStep, type SlowStartOptions } from './balancer/slow-start.js';
import { readBalancerSnapshot, writeBalancerSnapshot, type SavedBalancer, type SavedWorker } from './balancer/snapshot.js';
import type { Tier } from './balancer/tier.js';

export { Lease } from './balancer/lease.js';
export { seededRandom } from './balancer/random.js';
export type { WorkerId } from './balancer/member.js';
export type { SlowStartOptions } from './balancer/slow-start.js';

export type BalancerStrategy = 'least-loaded' | 'p2c' | 'weighted-round-robin' | 'round-robin';

const STRATEGIES: readonly BalancerStrategy[] = ['least-loaded', 'p2c', 'weighted-round-robin', 'round-robin'];

export interface BalancerOptions {
  /**
   * How the next worker is chosen:
   * - `'least-loaded'`: the lowest load / weight, exactly (an indexed heap, O(log n) per lease);
   * - `'p2c'`: the lower load / weight of two workers sampled at random (O(1));
   * - `'weighted-round-robin'`: turns in proportion to weights, spread out (earliest deadline first);
   * - `'round-robin'`: equal turns, weights ignored.
   *
   * Ties go to the worker picked least recently, so equal workers take turns (with `'p2c'`, a tie
   * between its two samples).
   * @default 'least-loaded'
   */
  readonly strategy?: BalancerStrategy | undefined;
  /**
   * The time source for slow start, in any unit (`slowStart.window` is in the same unit).
   * @default () => performance.now()
   */
  readonly clock?: (() => number) | undefined;
  /**
   * The random source p2c samples with: a function returning numbers in [0, 1). Pass
   * `seededRandom(seed)` to make choices reproducible.
   * @default Math.random
   */
  readonly random?: (() => number) | undefined;
  /**
   * Ramp a new or recovered worker's weight up from a floor over a window, so a cold worker is not
   * flooded (weighted strategies only: round-robin ignores weights). Off when absent.
   */
  readonly slowStart?: SlowStartOptions | undefined;
  /**
   * The arena whose memory holds the balancer's queues.
   * @default the realm's default arena
   */
  readonly arena?: Arena | undefined;
}

export interface AddWorkerOptions {
  /**
   * The worker's id for `remove`, `drain`, `setLoad`…
   * @default the worker itself when it is a string or a finite number, else a number issued from 1 up
   */
  readonly id?: WorkerId | undefined;
  /**
   * Its share relative to the others (least-loaded and p2c compare load / weight).
   * @default 1
   * @minimum 1e-9
   * @maximum 1e9
   */
  readonly weight?: number | undefined;
  /**
   * The most load it takes: a lease whose cost would pass it goes elsewhere. Unbounded when absent.
   * @minimum 1 (integer)
   */
  readonly capacity?: number | undefined;
  /**
   * A backup worker is picked only when no primary worker can take the lease.
   * @default false
   */
  readonly backup?: boolean | undefined;
  /**
   * Whether the worker ramps up under the balancer's `slowStart` (false: it is warm already).
   * @default true when the balancer has `slowStart`
   */
  readonly slowStart?: boolean | undefined;
}

/** One worker as `stats()` reports it. */
export interface WorkerStats<W> {
  readonly id: WorkerId;
  readonly worker: W;
  readonly load: number;
  readonly weight: number;
  /** The weight picks use now: `weight`, or less while slow start ramps it up. */
  readonly effectiveWeight: number;
  /** Infinity when unbounded. */
  readonly capacity: number;
  /** Outstanding leases. */
  readonly leases: number;
  /** Times `acquire` or `pick` chose it. */
  readonly picks: number;
  readonly healthy: boolean;
  readonly draining: boolean;
  readonly backup: boolean;
}

const BALANCER_OPTIONS = optionNames<BalancerOptions>()(['strategy', 'clock', 'random', 'slowStart', 'arena']);
const ADD_OPTIONS = optionNames<AddWorkerOptions>()(['id', 'weight', 'capacity', 'backup', 'slowStart']);

/**
 * Hands tasks to workers: `acquire()` picks a worker by the strategy and adds the task's cost to
 * its load until `release(lease)`. Workers have weights, capacities, health and draining; backups
 * serve only when no primary can. Least-loaded and the round-robins keep their order in the Wasm
 * core's indexed heap (one per tier), scanned in JS instead up to 32 workers; p2c needs no order.
 * This class holds the policy.
 */
export class Balancer<W> implements Iterable<W> {
  readonly #strategy: BalancerStrategy;
  /** The arena of its queues: a poisoned one refuses every call at its entry, named. */
  readonly #arena: Arena;
  readonly #clock: () => number;
  readonly #slowStart: SlowStart<W> | undefined;
  readonly #primary: Tier<W>;
  readonly #backup: Tier<W>;
  readonly #members = new Map<WorkerId, Member<W>>();
  #nextId = 1;
  /** Counts arrivals and picks; a member's stamp orders ties (lowest = picked least recently). */
  #tick = 0;
  #disposed = false;
  /** The latest clock reading: an earlier one is taken as this, so a ramp never runs backwards. */
  #lastNow = -Infinity;
  /**
   * Set while the clock or the random source runs (and once disposed): a call back into the
   * balancer from them would land in the middle of a pick, so it is refused.
   */
  #blocked = false;

  constructor(options?: BalancerOptions) {
    const { strategy = 'least-loaded', clock = () => performance.now(), random = Math.random, slowStart, arena } = checkOptions('Balancer', options, BALANCER_OPTIONS);
    oneOf('Balancer', 'strategy', strategy, STRATEGIES);
    functionOption('Balancer', 'clock', clock);
    functionOption('Balancer', 'random', random);
    const memory = (this.#arena = arenaOption('Balancer', arena));
    memory.refuseIfPoisoned('Balancer');
    this.#strategy = strategy;
    this.#clock = clock;
    const guardedRandom = () => {
      this.#blocked = true;
      try {
        return random();
      } finally {
        this.#blocked = this.#disposed;
      }
    };
    const tier = (): Tier<W> => {
      switch (strategy) {
        case 'p2c':
          return new PowerOfTwoTier<W>(guardedRandom);
        case 'weighted-round-robin':
          return new HeapTier<W>(new EarliestDeadline<W>(), memory);
        case 'round-robin':
          return new HeapTier<W>(roundRobin, memory);
        default:
          return new HeapTier<W>(leastLoaded, memory);
      }
    };
    try {
      this.#slowStart = slowStart === undefined ? undefined : new SlowStart<W>('Balancer', slowStart, memory);
    } catch (error) {
      throw asCall('Balancer', error); // its queue of ramp steps, in a full arena
    }
    this.#primary = tier();
    this.#backup = tier();
  }

  get strategy(): BalancerStrategy {
    return this.#strategy;
  }

  /** How many workers the balancer holds (draining and unhealthy ones included). */
  get size(): number {
    return this.#members.size;
  }

  /**
   * Adds a worker and returns its id. It is available at once (under slow start, at a reduced
   * weight at first). A duplicate id is an error.
   */
  add(worker: Exclude<W, undefined>, options?: AddWorkerOptions): WorkerId {
    this.#live('Balancer.add');
    const { id, weight = 1, capacity, backup = false, slowStart = true } = checkOptions('Balancer.add', options, ADD_OPTIONS);
    if (worker === undefined) throw new InvalidArgumentError('Balancer.add: expected a worker, got undefined');
    if (id !== undefined) this.#checkId('Balancer.add', id);
    const drawn = id === undefined && !isOwnId(worker);
    const chosen = id ?? (drawn ? this.#freeId() : (worker as WorkerId));
    const workerId = chosen === 0 ? 0 : chosen; // -0 as 0, as Map keys and snapshots have it
    if (this.#members.has(workerId)) throw new InvalidArgumentError(`Balancer.add: a worker with id ${describe(workerId)} is already present`);
    checkWeight('Balancer.add', weight);
    const bound = boundOption('Balancer.add', 'capacity', capacity);
    booleanOption('Balancer.add', 'backup', backup);
    booleanOption('Balancer.add', 'slowStart', slowStart);
    const ramp = slowStart ? this.#slowStart : undefined;
    const now = ramp ? this.#now('Balancer.add') : 0;

    const member: Member<W> = {
      id: workerId,
      worker,
      weight,
      effectiveWeight: weight,
      capacity: bound,
      backup,
      load: 0,
      loadError: 0,
      leases: 0,
      reported: false,
      picks: 0,
      stamp: this.#tick + 1,
      draining: false,
      healthy: true,
      removed: false,
      rampStart: undefined,
      rampHandle: undefined,
      key: 0,
      handle: undefined,
      index: -1,
      turnBase: 0,
      turnsServed: 0,
      turnRate: 1,
      skipped: false,
    };
    const tier = this.#tierOf(member);
    try {
      if (ramp) ramp.begin(member, now);
      tier.add(member);
    } catch (error) {
      ramp?.end(member);
      throw asCall('Balancer.add', error);
    }
    // Counters move only once the worker is in: a refused add leaves the balancer as it was.
    this.#members.set(workerId, member);
    this.#tick = member.stamp;
    if (drawn || workerId === this.#nextId) this.#nextId = (workerId as number) + 1;
    return workerId;
  }

  /**
   * Removes a worker at once. Its outstanding leases stay valid: releasing them later ends them
   * quietly (they no longer count anywhere). To let its tasks finish first, `drain` it.
   */
  remove(id: WorkerId): void {
    const member = this.#member('Balancer.remove', id);
    this.#tierOf(member).remove(member);
    this.#slowStart?.end(member);
    member.removed = true;
    this.#members.delete(id);
  }

  /** Whether a worker with this id was added and not removed; an id that is no id throws. */
  has(id: WorkerId): boolean {
    this.#live('Balancer.has');
    if (this.#members.has(id)) return true;
    this.#checkId('Balancer.has', id);
    return false;
  }

  /** The worker with this id, or undefined; an id that is no id throws. */
  get(id: WorkerId): W | undefined {
    this.#live('Balancer.get');
    const member = this.#members.get(id);
    if (member !== undefined) return member.worker;
    this.#checkId('Balancer.get', id);
    return undefined;
  }

  /** Gives a worker a new weight (from 1e-9 to 1e9); a slow-start ramp continues toward it. */
  setWeight(id: WorkerId, weight: number): void {
    const member = this.#member('Balancer.setWeight', id);
    checkWeight('Balancer.setWeight', weight);
    const ramp = member.rampStart === undefined ? undefined : this.#slowStart;
    const now = ramp ? this.#now('Balancer.setWeight') : 0;
    member.weight = weight;
    member.effectiveWeight = ramp ? ramp.weightAt(member, now) : weight;
    this.#tierOf(member).changed(member, true);
  }

  /** Stops new picks of a worker; its outstanding leases finish normally. */
  drain(id: WorkerId): void {
    const member = this.#member('Balancer.drain', id);
    if (member.draining) return;
    member.draining = true;
    this.#tierOf(member).changed(member);
  }

  /** Makes a draining worker available again. */
  undrain(id: WorkerId): void {
    const member = this.#member('Balancer.undrain', id);
    if (!member.draining) return;
    member.draining = false;
    this.#tierOf(member).changed(member);
  }

  /**
   * Marks a worker healthy or not. An unhealthy worker is not picked; one that recovers starts
   * slow start again (when the balancer has it).
   */
  setHealthy(id: WorkerId, healthy: boolean): void {
    const member = this.#member('Balancer.setHealthy', id);
    if (typeof healthy !== 'boolean') throw new InvalidArgumentError(`Balancer.setHealthy: expected a boolean, got ${describe(healthy)}`);
    if (member.healthy === healthy) return;
    const ramp = healthy ? this.#slowStart : undefined;
    let ramped = false;
    if (ramp) {
      const now = this.#now('Balancer.setHealthy');
      try {
        ramp.begin(member, now);
        ramped = true;
      } catch (error) {
        // A full arena has no room for the ramp's next step: the worker comes back without a new
        // ramp rather than stay out.
        if (!(error instanceof CapacityError)) throw error;
      }
    }
    member.healthy = healthy;
    this.#tierOf(member).changed(member, ramped);
  }

  /**
   * Sets a worker's load from an outside report (connections, queue depth, CPU…): a finite number
   * >= 0. Leases released later still subtract their cost, never going below 0.
   */
  setLoad(id: WorkerId, load: number): void {
    const member = this.#member('Balancer.setLoad', id);
    if (typeof load !== 'number' || !(load >= 0 && load <= MAX_LOAD)) {
      throw new InvalidArgumentError(`Balancer.setLoad: expected a number from 0 to 2^53 - 1, got ${describe(load)}`);
    }
    resetLoad(member, load + 0); // -0 as 0
    member.reported = load > 0;
    this.#tierOf(member).changed(member);
  }

  /**
   * Picks a worker for a task of `cost` (a number > 0, at most 2^53 - 1), adds the cost to its load and
   * returns the lease; undefined when no worker can take it (all at capacity, draining or
   * unhealthy). Backups are considered only when no primary can take it.
   */
  acquire(cost = 1): Lease<W> | undefined {
    this.#live('Balancer.acquire');
    checkCost('Balancer.acquire', cost);
    const member = this.#choose('Balancer.acquire', cost);
    if (member === undefined) return undefined;
    addLoad(member, cost);
    member.leases++;
    this.#picked(member);
    return new Lease<W>(this, member, cost);
  }

  /**
   * Hands a lease back: its cost leaves the worker's load. A lease of a removed worker ends
   * quietly; a second release of the same lease throws StateError.
   */
  release(lease: Lease<W>): void {
    this.#live('Balancer.release');
    const member = Lease.close<W>(lease, this);
    if (member === 'foreign') throw new InvalidArgumentError(`Balancer.release: ${describe(lease)} is not a lease of this balancer`);
    if (member === 'released') throw new StateError(`Balancer.release: the lease on worker ${describe(lease.id)} was already released`);
    if (member.removed) return;
    member.leases--;
    if (member.leases === 0 && !member.reported) resetLoad(member, 0);
    else {
      addLoad(member, -lease.cost);
      if (!(member.load > 0)) resetLoad(member, 0);
    }
    this.#tierOf(member).changed(member);
  }

  /**
   * Chooses the worker `acquire(cost)` would lease, without leasing: no load is added, but it
   * counts as a pick (round-robin and ties move on). For callers that report loads by `setLoad`.
   */
  pick(cost = 1): W | undefined {
    this.#live('Balancer.pick');
    checkCost('Balancer.pick', cost);
    const member = this.#choose('Balancer.pick', cost);
    if (member === undefined) return undefined;
    this.#picked(member);
    return member.worker;
  }

  /** Every worker's load, weights, leases and picks, in the order they were added. */
  stats(): WorkerStats<W>[] {
    this.#live('Balancer.stats');
    this.#advanceRamps('Balancer.stats');
    return [...this.#members.values()].map(statsOf);
  }

  /** The stats of one worker. */
  statsOf(id: WorkerId): WorkerStats<W> {
    const member = this.#member('Balancer.statsOf', id);
    this.#advanceRamps('Balancer.statsOf');
    return statsOf(member);
  }

  /**
   * The balancer as bytes: every worker (through `codec`, JSON by default) with its id, weights,
   * capacity, tier, health, draining, load and counters, the order of ties and turns, slow-start
   * ramps as time elapsed, and the strategy and slowStart options. Outstanding leases do not travel
   * (they are objects of this balancer); their cost is in the load.
   */
  snapshot(options?: SnapshotOptions<W>): Uint8Array {
    const where = 'Balancer.snapshot';
    this.#live(where);
    const codec = codecOption(where, options);
    const ramp = this.#slowStart;
    const now = ramp ? this.#now(where) : 0;
    if (ramp) ramp.advance(now, (member) => this.#tierOf(member).changed(member, true));
    const workers = [...this.#members.values()].map(
      (m): SavedWorker<W> => ({
        id: m.id,
        worker: m.worker,
        weight: m.weight,
        effectiveWeight: m.effectiveWeight,
        capacity: m.capacity,
        backup: m.backup,
        load: m.load,
        loadError: m.loadError,
        picks: m.picks,
        stamp: m.stamp,
        draining: m.draining,
        healthy: m.healthy,
        ramp: ramp && m.rampStart !== undefined ? { elapsed: now - m.rampStart, step: rampStep(m.rampStart, now, ramp.window, ramp.steps) } : undefined,
        turnBase: m.turnBase,
        turnsServed: m.turnsServed,
        turnRate: m.turnRate,
        skipped: m.skipped,
        index: m.index,
      }),
    );
    const state: SavedBalancer<W> = {
      strategy: this.#strategy,
      slowStart: ramp ? { window: ramp.window, floor: ramp.floor, steps: ramp.steps } : undefined,
      nextId: this.#nextId,
      tick: this.#tick,
      virtualTime: { primary: this.#primary.virtualTime, backup: this.#backup.virtualTime },
      fastestRate: { primary: this.#primary.fastestRate, backup: this.#backup.fastestRate },
      noFit: { primary: this.#primary.noFit, backup: this.#backup.noFit },
      workers,
    };
    return writeBalancerSnapshot(state, codec);
  }

  /**
   * A balancer rebuilt from `snapshot()` bytes, everything validated first (SnapshotError): the
   * same workers, loads and counters, making the same choices. Leases outstanding at the snapshot
   * are not carried over: their cost stays in the worker's load as a `setLoad` report would, and
   * `leases` starts at 0 (report the load with `setLoad` as those tasks end). Slow-start ramps are
   * re-based on the restoring clock. `clock`, `random` and `arena` are given anew.
   */
  static restore<W>(bytes: SnapshotBytes, options?: RestoreOptions<W> & Pick<BalancerOptions, 'clock' | 'random' | 'arena'>): Balancer<W> {
    const where = 'Balancer.restore';
    // The constructor's options too (one object may serve a restore-or-create): those the snapshot carries are its own.
    const names = [...RESTORE_OPTIONS, ...BALANCER_OPTIONS];
    const given = checkOptions(where, options, names);
    if (given.clock !== undefined) functionOption(where, 'clock', given.clock);
    if (given.random !== undefined) functionOption(where, 'random', given.random);
    if (given.arena !== undefined) arenaOption(where, given.arena).refuseIfPoisoned(where);
    const saved = readBalancerSnapshot<W>(bytes, codecOption(where, given, names), given.maxBytes);
    return arenaOption(where, given.arena).restoring(
      where,
      () => newBalancer<W>({ strategy: saved.strategy, slowStart: saved.slowStart, clock: given.clock, random: given.random, arena: given.arena }),
      (balancer) => balancer.#load(saved),
    );
  }

  #load(saved: SavedBalancer<W>): void {
    const now = saved.workers.some((w) => w.ramp !== undefined) ? this.#now('Balancer.restore') : 0;
    this.#nextId = saved.nextId;
    this.#tick = saved.tick;
    this.#primary.virtualTime = saved.virtualTime.primary;
    this.#backup.virtualTime = saved.virtualTime.backup;
    const members = saved.workers.map(
      (w): Member<W> => ({
        id: w.id,
        worker: w.worker,
        weight: w.weight,
        effectiveWeight: w.effectiveWeight,
        capacity: w.capacity,
        backup: w.backup,
        load: w.load,
        loadError: w.loadError,
        leases: 0,
        reported: w.load > 0,
        picks: w.picks,
        stamp: w.stamp,
        draining: w.draining,
        healthy: w.healthy,
        removed: false,
        rampStart: undefined,
        rampHandle: undefined,
        key: 0,
        handle: undefined,
        index: w.index,
        turnBase: w.turnBase,
        turnsServed: w.turnsServed,
        turnRate: w.turnRate,
        skipped: w.skipped,
      }),
    );
    for (const member of members) this.#members.set(member.id, member);
    // Heap tiers break ties by arrival in the queue, which followed the stamps; p2c samples by place.
    const order = this.#strategy === 'p2c' ? [...members].sort((a, b) => a.index - b.index) : [...members].sort((a, b) => a.stamp - b.stamp);
    for (const member of order) this.#tierOf(member).restore(member);
    if (saved.fastestRate !== undefined) {
      // Never below a restored worker's rate (a forged value would only lose precision).
      this.#primary.fastestRate = Math.max(this.#primary.fastestRate, saved.fastestRate.primary);
      this.#backup.fastestRate = Math.max(this.#backup.fastestRate, saved.fastestRate.backup);
    }
    if (saved.noFit !== undefined) {
      this.#primary.noFit = saved.noFit.primary;
      this.#backup.noFit = saved.noFit.backup;
    }
    saved.workers.forEach((w, i) => {
      if (w.ramp) this.#slowStart!.resume(members[i]!, now - w.ramp.elapsed, w.ramp.step);
    });
  }

  /** Frees the balancer's core memory now. Any later call throws StateError. */
  dispose(): void {
    if (this.#disposed) return;
    if (this.#blocked) throw new StateError('Balancer.dispose: called from the clock or random source in the middle of a pick');
    this.#disposed = true;
    this.#blocked = true;
    this.#primary.dispose();
    this.#backup.dispose();
    this.#slowStart?.dispose();
    for (const member of this.#members.values()) member.removed = true;
    this.#members.clear();
  }

  /** The workers, in the order they were added. */
  *[Symbol.iterator](): Generator<W, void, unknown> {
    this.#live('Balancer[Symbol.iterator]');
    for (const member of this.#members.values()) yield member.worker;
  }

  toJSON(): { strategy: BalancerStrategy; workers: WorkerStats<W>[] } {
    return { strategy: this.#strategy, workers: this.#disposed || this.#arena.poisoned ? [] : this.stats() };
  }

  get [Symbol.toStringTag](): string {
    return 'Balancer';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this.#disposed) return `Balancer(${this.#strategy}, disposed)`;
    if (this.#arena.poisoned) return `Balancer(${this.#strategy}, its arena is poisoned)`;
    const rows = this.stats().slice(0, 10).map((s) => {
      const flags = [s.backup && 'backup', s.draining && 'draining', !s.healthy && 'unhealthy'].filter(Boolean).join(' ');
      const bound = s.capacity === Infinity ? '' : `/${s.capacity}`;
      return `${describe(s.id)}: load ${s.load}${bound} weight ${s.effectiveWeight === s.weight ? s.weight : `${s.effectiveWeight} of ${s.weight}`}${flags ? ` ${flags}` : ''}`;
    });
    return `Balancer(${this.#strategy}, ${this.size} workers) {${rows.length ? ` ${rows.join('; ')}${this.size > 10 ? '; …' : ''} ` : ''}}`;
  }

  #choose(call: string, cost: number): Member<W> | undefined {
    this.#advanceRamps(call);
    return this.#primary.choose(cost, call) ?? this.#backup.choose(cost, call);
  }

  #picked(member: Member<W>): void {
    member.picks++;
    member.stamp = ++this.#tick;
    this.#tierOf(member).picked(member);
  }

  #advanceRamps(call: string): void {
    const ramp = this.#slowStart;
    if (ramp === undefined) return;
    ramp.advance(this.#now(call), (member) => this.#tierOf(member).changed(member, true));
  }

  #tierOf(member: Member<W>): Tier<W> {
    return member.backup ? this.#backup : this.#primary;
  }

  /** The clock's reading, never below an earlier one. */
  #now(call: string): number {
    this.#blocked = true;
    let now: number;
    try {
      now = this.#clock();
    } finally {
      this.#blocked = this.#disposed;
    }
    if (typeof now !== 'number' || now - now !== 0) throw new InvalidArgumentError(`${call}: \`clock\` returned ${describe(now)}, expected a finite number`);
    if (now < this.#lastNow) return this.#lastNow;
    this.#lastNow = now;
    return now;
  }

  #member(call: string, id: WorkerId): Member<W> {
    this.#live(call);
    const member = this.#members.get(id);
    if (member !== undefined) return member;
    this.#checkId(call, id);
    throw new NotFoundError(`${call}: no worker with id ${describe(id)}`);
  }

  #checkId(call: string, id: unknown): void {
    if (typeof id === 'string' || (typeof id === 'number' && id - id === 0)) return;
    throw new InvalidArgumentError(`${call}: expected a worker id (a string or a finite number), got ${describe(id)}`);
  }

  /** The lowest counter id from `nextId` on that no worker has. */
  #freeId(): number {
    let next = this.#nextId;
    while (this.#members.has(next)) next++;
    return next;
  }

  #live(call: string): void {
    if (this.#blocked) {
      if (this.#disposed) throw new StateError(`${call}: this balancer was disposed`);
      throw new StateError(`${call}: called from the clock or random source in the middle of a pick; they must not call back into the balancer`);
    }
    // Even a tier small enough to be scanned in JS: its queues are refused, so the whole is.
    this.#arena.refuseIfPoisoned(call);
  }
}

/**
 * The largest cost or reported load: far enough below the largest double that no sum of them
 * overflows to Infinity, which would leave the worker unusable and its snapshot unreadable.
 */
const MAX_LOAD = Number.MAX_SAFE_INTEGER;

function checkCost(call: string, cost: unknown): void {
  if (typeof cost !== 'number' || !(cost > 0 && cost <= MAX_LOAD)) {
    throw new InvalidArgumentError(`${call}: expected \`cost\` to be a number > 0 and at most 2^53 - 1, got ${describe(cost)}`);
  }
}

function statsOf<W>(member: Member<W>): WorkerStats<W> {
  return {
    id: member.id,
    worker: member.worker,
    load: member.load,
    weight: member.weight,
    effectiveWeight: member.effectiveWeight,
    capacity: member.capacity,
    leases: member.leases,
    picks: member.picks,
    healthy: member.healthy,
    draining: member.draining,
    backup: member.backup,
  };
}

/**
 * Builds a Balancer for the static methods. Outside the class: a class that names itself in its own
 * body is renamed by esbuild (`_Balancer`), and stack traces and consoles then show that name.
 */
function newBalancer<W>(options?: BalancerOptions): Balancer<W> {
  return new Balancer<W>(options);
}

/** A worker that is a string or a finite number is its own id. */
function isOwnId(worker: unknown): worker is WorkerId {
  return typeof worker === 'string' || (typeof worker === 'number' && worker - worker === 0);
}
