import { InvalidArgumentError, describe } from '../core/errors.js';
import { available, fits, loadPerWeight, unlist, type Member } from './member.js';
import type { Tier } from './tier.js';

/**
 * Draws after two samples that cannot take a cost, before scanning for those that can: 16, or one
 * for every 16 workers past 256. Two that fit are then found nearly always when a tenth of a large
 * fleet can take the cost (in a fleet of a few hundred, where a scan is short, about half the
 * time), and when almost none can, the draws add about a sixteenth to the scan.
 */
function extraDraws(count: number): number {
  return Math.max(16, count >>> 4);
}

/** Whether `a` is the better choice: less load per weight, then the less recently picked. */
function better(a: Member<unknown>, b: Member<unknown>): boolean {
  const ka = loadPerWeight(a);
  const kb = loadPerWeight(b);
  return ka < kb || (ka === kb && a.stamp < b.stamp);
}

/**
 * Power of two random choices: sample two distinct available workers, pick the one with less load
 * per weight. Each pick is O(1) and needs no global order, and the most loaded worker stays within
 * O(log log n) of the mean (against O(log n / log log n) for one random choice), which is why
 * gateways use it when loads are reported late or by many balancers at once.
 *
 * The available workers are kept in an array with each worker's index, so joining and leaving are
 * O(1) swaps and sampling is two random indices.
 * @internal
 */
export class PowerOfTwoTier<W> implements Tier<W> {
  readonly #available: Member<W>[] = [];
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  add(member: Member<W>): void {
    member.index = -1;
    this.changed(member);
  }

  remove(member: Member<W>): void {
    if (member.index >= 0) this.#leave(member);
  }

  changed(member: Member<W>): void {
    const isIn = member.index >= 0;
    if (available(member) === isIn) return;
    if (isIn) this.#leave(member);
    else member.index = this.#available.push(member) - 1;
  }

  choose(cost: number, call: string): Member<W> | undefined {
    const list = this.#available;
    const count = list.length;
    if (count === 0) return undefined;
    if (count === 1) return fits(list[0]!, cost) ? list[0] : undefined;
    const first = this.#index(count, call);
    let second = this.#index(count - 1, call);
    if (second >= first) second++;
    const a = list[first]!;
    const b = list[second]!;
    const aFits = fits(a, cost);
    const bFits = fits(b, cost);
    if (aFits && bFits) return better(a, b) ? a : b;
    if (aFits) return a;
    if (bFits) return b;
    // Neither sample can take this cost (mixed costs near a capacity). Drawing on until two that
    // can are found picks as the scan below does (a uniform pair among those that fit), in O(1)
    // while they are not rare; the O(n) scan is left for when they are.
    let found: Member<W> | undefined;
    for (let draw = extraDraws(count); draw > 0; draw--) {
      const c = list[this.#index(count, call)]!;
      if (!fits(c, cost) || c === found) continue;
      if (found === undefined) found = c;
      else return better(found, c) ? found : c;
    }
    const fitting = list.filter((member) => fits(member, cost));
    if (fitting.length <= 1) return fitting[0];
    const i = this.#index(fitting.length, call);
    let j = this.#index(fitting.length - 1, call);
    if (j >= i) j++;
    return better(fitting[i]!, fitting[j]!) ? fitting[i] : fitting[j];
  }

  picked(member: Member<W>): void {
    this.changed(member);
  }

  restore(member: Member<W>): void {
    this.add(member);
  }

  /** p2c keeps no clock of its own. */
  get virtualTime(): number {
    return 0;
  }

  set virtualTime(_value: number) {}

  get fastestRate(): number {
    return 1;
  }

  set fastestRate(_value: number) {}

  /** p2c remembers no cost. */
  get noFit(): number {
    return Infinity;
  }

  set noFit(_value: number) {}

  dispose(): void {
    for (const member of this.#available) member.index = -1;
    this.#available.length = 0;
  }

  #leave(member: Member<W>): void {
    unlist(this.#available, member);
  }

  /** A uniform index below `count` from the random source, which must return a number in [0, 1). */
  #index(count: number, call: string): number {
    const value = this.#random();
    if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
      throw new InvalidArgumentError(`${call}: \`random\` returned ${describe(value)}, expected a number >= 0 and < 1`);
    }
    return Math.floor(value * count);
  }
}
