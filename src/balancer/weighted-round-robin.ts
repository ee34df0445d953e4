import type { Member } from './member.js';
import type { Ranking } from './heap-tier.js';

/**
 * Virtual time is moved back once it reaches this over the fastest rate ever seen: there a turn of
 * the heaviest weight is still 2^10 steps of a double, so spacing and ties stay exact. Without it
 * a worker of weight 1e-9 serving alone (1e9 a pick) took virtual time so far that weights 10 and
 * 1 came out 908:192 over 1,100 picks, and equal turns in the end.
 */
const REBASE_SCALE = 2 ** 42;

/**
 * Smooth weighted round-robin as earliest deadline first (the scheme Envoy uses): a worker of
 * weight w is due every 1/w units of virtual time, and the earliest deadline is picked, so a
 * worker of weight 3 among weights 3, 2, 1 gets 3 of every 6 picks, spread out (a b a c b a), not
 * in a burst.
 *
 * A deadline is `turnBase + turnsServed / turnRate` rather than a running sum of 1/w: the sum
 * drifts in floating point (0.2 added five times is not 1), and equal deadlines must stay equal
 * for the cycle to be exact. The base moves only when the rate changes (a new weight, a slow-start
 * step), the worker returns from being away, or virtual time is moved back (`rebase`).
 */
export class EarliestDeadline<W> implements Ranking<W> {
  /** The deadline of the last pick: virtual time. */
  #now = 0;
  /** The fastest turn rate ever given, and the virtual time at which deadlines are moved back for it. */
  #fastest = 1;
  #rebaseAt = REBASE_SCALE;

  get virtualTime(): number {
    return this.#now;
  }

  set virtualTime(value: number) {
    this.#now = value;
  }

  /** The fastest turn rate ever given: it decides when deadlines move back, so snapshots keep it. */
  get fastestRate(): number {
    return this.#fastest;
  }

  set fastestRate(rate: number) {
    this.#fastest = 1;
    this.#rebaseAt = REBASE_SCALE;
    this.#ratedAt(rate);
  }

  key(member: Member<W>): number {
    return member.turnBase + member.turnsServed / member.turnRate;
  }

  onAdd(member: Member<W>): void {
    this.#restart(member, 1);
  }

  onRestore(member: Member<W>): void {
    this.#ratedAt(member.turnRate);
  }

  /**
   * Past `#rebaseAt`, moves virtual time and every worker's deadlines back by the virtual time
   * (each base then counts from its last turn, as a new weight's does) and answers true: the
   * caller re-keys the workers. Their differences, and so the order of turns, are kept.
   */
  rebase(members: readonly Member<W>[]): boolean {
    const base = this.#now;
    if (base < this.#rebaseAt) return false;
    this.#now = 0;
    for (const member of members) {
      member.turnBase += (member.turnsServed - 1) / member.turnRate - base;
      member.turnsServed = 1;
    }
    return true;
  }

  onPicked(member: Member<W>): void {
    // Max, not assignment: a worker skipped for one lease's cost may be picked later with an
    // earlier deadline than the virtual time already reached.
    this.#now = Math.max(this.#now, this.key(member));
    member.turnsServed++;
  }

  /** The balancer calls this whenever the effective weight may have changed (so turnRate tracks it). */
  onWeight(member: Member<W>): void {
    if (member.turnRate === member.effectiveWeight) return;
    // Keep the time of its last turn, and space the next one by the new weight; but not before
    // now: a worker whose last turn was long ago (throttled to a low weight, then raised) would
    // otherwise take the turns it missed one after another.
    member.turnBase += (member.turnsServed - 1) / member.turnRate;
    member.turnsServed = 1;
    member.turnRate = member.effectiveWeight;
    this.#ratedAt(member.turnRate);
    this.onReturn(member);
  }

  onReturn(member: Member<W>): void {
    // A worker that was away has an old deadline; without this it would get a burst of turns
    // until its deadline caught up with everyone else's. It rejoins as due now.
    if (this.key(member) < this.#now) this.#restart(member, 0);
  }

  #restart(member: Member<W>, turns: number): void {
    member.turnBase = this.#now;
    member.turnsServed = turns;
    member.turnRate = member.effectiveWeight;
    this.#ratedAt(member.turnRate);
  }

  #ratedAt(rate: number): void {
    if (rate <= this.#fastest) return;
    this.#fastest = rate;
    this.#rebaseAt = REBASE_SCALE / rate;
  }
}
