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
  /** The worker this strategy picks for a lease of `cost`, or undefined; changes nothing. */
  choose(cost: number): Member<W> | undefined;
  /** `member` was just picked (its load, picks and stamp are already updated). */
  picked(member: Member<W>): void;
  dispose(): void;
}
