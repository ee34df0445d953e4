import type { Member } from './member.js';
import type { Ranking } from './heap-tier.js';

/**
 * Smooth weighted round-robin as earliest deadline first (the scheme Envoy uses): a worker of
 * weight w is due every 1/w units of virtual time, and the earliest deadline is picked, so a
 * worker of weight 3 among weights 3, 2, 1 gets 3 of every 6 picks, spread out (a b a c b a), not
 * in a burst.
 *
 * A deadline is `turnBase + turnsServed / turnRate` rather than a running sum of 1/w: the sum
 * drifts in floating point (0.2 added five times is not 1), and equal deadlines must stay equal
 * for the cycle to be exact. The base moves only when the rate changes (a new weight, a slow-start
 * step) or the worker returns from being unavailable.
 */
export class EarliestDeadline<W> implements Ranking<W> {
  /** The deadline of the last pick: virtual time. */
  #now = 0;

  get virtualTime(): number {
    return this.#now;
  }

  set virtualTime(value: number) {
    this.#now = value;
  }

  key(member: Member<W>): number {
    return member.turnBase + member.turnsServed / member.turnRate;
  }

  onAdd(member: Member<W>): void {
    this.#restart(member, 1);
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
    // Keep the time of its last turn, and space the next one by the new weight.
    member.turnBase += (member.turnsServed - 1) / member.turnRate;
    member.turnsServed = 1;
    member.turnRate = member.effectiveWeight;
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
  }
}
