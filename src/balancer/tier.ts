import type { Member } from './member.js';

/**
 * The workers of one tier (primaries, or backups) as one strategy orders them. The balancer
 * updates a member's fields first, then tells the tier what happened.
 * @internal
 */
export interface Tier<W> {
  add(member: Member<W>): void;
  remove(member: Member<W>): void;
  /** Its load, health or draining changed (not by a pick), or its weight when `weightChanged`. */
  changed(member: Member<W>, weightChanged?: boolean): void;
  /** The worker this strategy picks for a lease of `cost`, or undefined; changes nothing. `call` names the public call in errors. */
  choose(cost: number, call: string): Member<W> | undefined;
  /** `member` was just picked (its load, picks and stamp are already updated). */
  picked(member: Member<W>): void;
  /**
   * Takes back a member from a snapshot with its bookkeeping as saved (no `add` rules run). Heap
   * tiers get members in order of their stamps, p2c in order of their saved index, so ties and
   * samples come out as before.
   */
  restore(member: Member<W>): void;
  /** The strategy's own clock (weighted round-robin's virtual time), kept by snapshots; 0 otherwise. */
  virtualTime: number;
  /** The fastest rate that clock was ever set to run at (it decides when it moves back), kept by snapshots; 1 otherwise. */
  fastestRate: number;
  /**
   * The least cost remembered as fitting no worker of the tier (Infinity: none), until a worker
   * joins or a change gives one room for it; kept by snapshots, as it decides which workers a
   * choice passes over.
   */
  noFit: number;
  dispose(): void;
}
