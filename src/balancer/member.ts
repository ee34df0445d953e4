import type { Handle } from '../structures/handle.js';

/** A worker's id: given to `add`, or issued by the balancer. */
export type WorkerId = string | number;

/**
 * What the balancer knows of one worker. Tiers keep their own bookkeeping in the fields marked
 * for them, so a pick touches one object and no side table.
 * Not exported from the package.
 */
export interface Member<W> {
  readonly id: WorkerId;
  readonly worker: W;
  /** The weight the caller set. */
  weight: number;
  /** The weight picks use: `weight`, or less while slow start ramps it up. */
  effectiveWeight: number;
  /** The most load the worker takes; Infinity when unbounded. */
  readonly capacity: number;
  readonly backup: boolean;
  /** The sum of the costs of its outstanding leases, or the last `setLoad` report adjusted since. */
  load: number;
  /** The rounding error `load` has shed, kept to be added back (see `addLoad`); snapshots keep it. */
  loadError: number;
  /** Outstanding leases. */
  leases: number;
  /**
   * Its load holds more than its leases' costs: a `setLoad` report, or a restored load (leases do
   * not travel). Until then, its last release sets the load to exactly 0, where subtracting the
   * costs could leave a residue (0.1 + 0.2 - 0.1 - 0.2 is not 0) that ranks it behind idle workers.
   */
  reported: boolean;
  /** Times it was chosen by `acquire` or `pick`. */
  picks: number;
  /** A balancer-wide counter value of its last pick (or of its arrival): ties go to the lowest. */
  stamp: number;
  draining: boolean;
  healthy: boolean;
  /** Set once `remove` ran: its leases then end quietly. */
  removed: boolean;
  /** When slow start began for it (clock time), or undefined when it runs at full weight. */
  rampStart: number | undefined;
  /** Its entry in the slow-start schedule, while it ramps. */
  rampHandle: Handle | undefined;
  /**
   * heap tiers: passed over since its last pick because a cost did not fit. Weighted round-robin
   * then counts it as away: given room, or picked for a smaller cost, it rejoins due now.
   */
  skipped: boolean;
  /** heap tiers: its key as last computed (PARKED when it cannot be picked now). */
  key: number;
  /** heap tiers: its handle in the tier's queue, while the tier is kept in one. */
  handle: Handle | undefined;
  /** p2c: its index in the tier's list of available workers, or -1. heap tiers: in the tier's list. */
  index: number;
  /** weighted round-robin: virtual time of its last turn, turns served since, at which rate. */
  turnBase: number;
  turnsServed: number;
  turnRate: number;
}

/**
 * Adds `amount` (a cost, or a cost given back) to the worker's load as a compensated sum
 * (Neumaier's): each addition's rounding error is kept apart and added back, so fractional costs
 * that come and go leave no residue however long a lease is held beside them (1 + 0.1 + 0.2 - 0.1
 * - 0.2 is 1, where a plain sum drifts by an ulp at a time and a lease that fits is refused).
 * `fits` asks the same sum, so a lease taken never puts the stored load past the capacity.
 */
export function addLoad(member: Member<unknown>, amount: number): void {
  const total = member.load + amount;
  const error = errorWith(member, amount, total);
  const sum = total + error;
  member.load = sum;
  member.loadError = error - (sum - total);
}

/** The load `addLoad(member, amount)` would leave. */
function loadWith(member: Member<unknown>, amount: number): number {
  const total = member.load + amount;
  return total + errorWith(member, amount, total);
}

/** The worker's carried error plus what adding `amount` to its load (giving `total`) rounded away. */
function errorWith(member: Member<unknown>, amount: number, total: number): number {
  const load = member.load;
  return member.loadError + (Math.abs(load) >= Math.abs(amount) ? load - total + amount : amount - total + load);
}

/** Sets the worker's load to `load` exactly, with no error carried. */
export function resetLoad(member: Member<unknown>, load: number): void {
  member.load = load;
  member.loadError = 0;
}

/** Whether the worker may be chosen at all: healthy, not draining, below its capacity. */
export function available(member: Member<unknown>): boolean {
  return member.healthy && !member.draining && member.load < member.capacity;
}

/** Whether the worker can take a lease of `cost` without passing its capacity. */
export function fits(member: Member<unknown>, cost: number): boolean {
  return member.capacity === Infinity || loadWith(member, cost) <= member.capacity;
}

/** The load per unit of weight that least-loaded and p2c compare. */
export function loadPerWeight(member: Member<unknown>): number {
  return member.load / member.effectiveWeight;
}

/** Takes `member` out of a list that keeps each member at its `index`: the last one fills its place. */
export function unlist<W>(list: Member<W>[], member: Member<W>): void {
  const last = list.pop()!;
  if (last !== member) {
    list[member.index] = last;
    last.index = member.index;
  }
  member.index = -1;
}
