// A linear-scan balancer: every choice looks at every worker. The model-based test drives it and
// the real Balancer with the same commands and compares choices, loads and counters.
import { rampStep, rampedWeight } from '../../src/balancer/slow-start.js';
import type { BalancerStrategy } from '../../src/balancer.js';

/** Slow-start options with every field given. */
export type FullSlowStart = { readonly window: number; readonly floor: number; readonly steps: number };

export interface ModelWorker {
  id: string;
  weight: number;
  effectiveWeight: number;
  capacity: number;
  backup: boolean;
  load: number;
  leases: number;
  picks: number;
  stamp: number;
  draining: boolean;
  healthy: boolean;
  rampStart: number | undefined;
  // weighted round-robin bookkeeping, as the earliest-deadline rule defines it
  turnBase: number;
  turnsServed: number;
  turnRate: number;
  /** Passed over for a cost that did not fit since its last pick: counted as away. */
  skipped: boolean;
}

export interface ModelLease {
  worker: ModelWorker;
  cost: number;
  released: boolean;
}

const MAX_KEY = 1e308;

export class BalancerModel {
  readonly workers = new Map<string, ModelWorker>();
  now = 0;
  #tick = 0;
  /** Virtual time of weighted round-robin, one per tier. */
  readonly #virtualNow = { primary: 0, backup: 0 };
  /** Per tier, a cost remembered as fitting no worker until some worker changes or joins (no one is passed over again for it). */
  readonly strategy: BalancerStrategy;
  readonly slowStart: FullSlowStart | undefined;

  constructor(strategy: BalancerStrategy, slowStart?: FullSlowStart) {
    this.strategy = strategy;
    this.slowStart = slowStart;
  }

  static available(w: ModelWorker): boolean {
    return w.healthy && !w.draining && w.load < w.capacity;
  }

  static fits(w: ModelWorker, cost: number): boolean {
    return w.load + cost <= w.capacity;
  }

  pureWeight(w: ModelWorker): number {
    const s = this.slowStart;
    if (!s || w.rampStart === undefined) return w.weight;
    return rampedWeight(w.weight, rampStep(w.rampStart, this.now, s.window, s.steps), s.steps, s.floor);
  }

  add(id: string, weight: number, capacity: number, backup: boolean, ramp: boolean): void {
    const w: ModelWorker = {
      id, weight, effectiveWeight: weight, capacity, backup, load: 0, leases: 0, picks: 0, stamp: ++this.#tick,
      draining: false, healthy: true, rampStart: undefined, turnBase: 0, turnsServed: 0, turnRate: 1, skipped: false,
    };
    if (ramp && this.slowStart) {
      w.rampStart = this.now;
      w.effectiveWeight = this.pureWeight(w);
    }
    w.turnBase = this.#virtualNow[this.#tier(w)];
    w.turnsServed = 1;
    w.turnRate = w.effectiveWeight;
    this.workers.set(id, w);
  }

  /** Applies `change` to a worker and the weighted round-robin rules for what changed. */
  update(w: ModelWorker, change: () => void, weightChanged = false): void {
    const wasAvailable = BalancerModel.available(w);
    change();
    this.#onWeight(w);
    // Back from being unavailable, or from being passed over for costs that did not fit when its
    // room may have grown (not by a weight change).
    if (BalancerModel.available(w) && (!wasAvailable || (w.skipped && !weightChanged))) {
      w.skipped = false;
      this.#returned(w);
    }
  }

  /** Away while its turn passed: due now. */
  #returned(w: ModelWorker): void {
    if (this.strategy !== 'weighted-round-robin' || this.#deadline(w) >= this.#virtualNow[this.#tier(w)]) return;
    w.turnBase = this.#virtualNow[this.#tier(w)];
    w.turnsServed = 0;
    w.turnRate = w.effectiveWeight;
  }

  /** Brings slow-start weights up to `now`, as the balancer does before every choice. */
  advance(): void {
    for (const w of this.workers.values()) {
      if (w.rampStart === undefined) continue;
      const weight = this.pureWeight(w);
      if (weight !== w.effectiveWeight) this.update(w, () => (w.effectiveWeight = weight), true);
    }
  }

  /** Which workers may take `cost`, in the tier that serves it. */
  candidates(cost: number): ModelWorker[] {
    const all = [...this.workers.values()].filter((w) => BalancerModel.available(w) && BalancerModel.fits(w, cost));
    const primary = all.filter((w) => !w.backup);
    return primary.length > 0 ? primary : all.filter((w) => w.backup);
  }

  /** The exact choice for the deterministic strategies (undefined for p2c or when none can). */
  choose(cost: number): ModelWorker | undefined {
    for (const backup of [false, true]) {
      const tier = [...this.workers.values()].filter((w) => w.backup === backup && BalancerModel.available(w));
      let best: ModelWorker | undefined;
      for (const w of tier) if (BalancerModel.fits(w, cost) && (best === undefined || this.#before(w, best))) best = w;
      // The tier passes over the workers ahead of its choice that the cost did not fit (all, if
      // none did: also when it remembers that cost as fitting no one, which only saves the walk).
      for (const w of tier) if (!BalancerModel.fits(w, cost) && (best === undefined || this.#before(w, best))) w.skipped = true;
      if (best) return best;
    }
    return undefined;
  }

  picked(w: ModelWorker, cost: number | undefined): void {
    if (cost !== undefined) {
      w.load += cost;
      w.leases++;
    }
    if (w.skipped) {
      w.skipped = false;
      this.#returned(w);
    }
    w.picks++;
    w.stamp = ++this.#tick;
    if (this.strategy === 'weighted-round-robin') {
      const tier = this.#tier(w);
      this.#virtualNow[tier] = Math.max(this.#virtualNow[tier], this.#deadline(w));
      w.turnsServed++;
    }
  }

  release(lease: ModelLease): void {
    lease.released = true;
    const w = lease.worker;
    if (this.workers.get(w.id) !== w) return;
    this.update(w, () => {
      w.load = Math.max(0, w.load - lease.cost);
      w.leases--;
    });
  }

  #key(w: ModelWorker): number {
    switch (this.strategy) {
      case 'round-robin':
        return 0;
      case 'weighted-round-robin':
        return Math.min(this.#deadline(w), MAX_KEY);
      default:
        return Math.min(w.load / w.effectiveWeight, MAX_KEY);
    }
  }

  #before(a: ModelWorker, b: ModelWorker): boolean {
    const ka = this.#key(a);
    const kb = this.#key(b);
    return ka < kb || (ka === kb && a.stamp < b.stamp);
  }

  #deadline(w: ModelWorker): number {
    return w.turnBase + w.turnsServed / w.turnRate;
  }

  #onWeight(w: ModelWorker): void {
    if (w.turnRate === w.effectiveWeight) return;
    w.turnBase += (w.turnsServed - 1) / w.turnRate;
    w.turnsServed = 1;
    w.turnRate = w.effectiveWeight;
    // Never due before now: no turns made up for.
    if (this.strategy === 'weighted-round-robin' && this.#deadline(w) < this.#virtualNow[this.#tier(w)]) {
      w.turnBase = this.#virtualNow[this.#tier(w)];
      w.turnsServed = 0;
    }
  }

  #tier(w: ModelWorker): 'primary' | 'backup' {
    return w.backup ? 'backup' : 'primary';
  }
}
