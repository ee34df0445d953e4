import type { Arena } from '../core/arena.js';
import { InvalidArgumentError, describe } from '../core/errors.js';
import { MIN_WEIGHT, integerOption, optionNames, options as checkOptions } from '../core/validate.js';
import { PriorityQueue } from '../structures/priority-queue.js';
import type { Member } from './member.js';

export interface SlowStartOptions {
  /**
   * How long a new or recovered worker takes to reach its full weight, in the clock's unit
   * (milliseconds with the default clock).
   * @minimum > 0
   */
  readonly window: number;
  /**
   * The share of its weight a worker starts with.
   * @default 0.1
   * @minimum > 0; at most 1
   */
  readonly floor?: number | undefined;
  /**
   * In how many equal steps the weight rises over the window. Each step re-keys the worker once,
   * so a ramp costs `steps` heap updates however many picks happen meanwhile.
   * @default 10
   * @minimum 1
   */
  readonly steps?: number | undefined;
}

/** The clock time at which step `k` of a ramp begun at `start` is reached. */
export function stepTime(start: number, k: number, window: number, steps: number): number {
  // window · (k / steps), not k · window / steps: the product overflowed for windows near 1e308.
  return start + window * (k / steps);
}

/** The ramp's step at `now`: the largest k from 0 to `steps` whose step time has come. */
export function rampStep(start: number, now: number, window: number, steps: number): number {
  // At `start` itself too: a window too small for the clock's magnitude (1e-3 at Date.now's)
  // puts step times on `start`, and a step whose time has come must count, or `advance` would
  // schedule it at `now` again forever.
  if (!(now >= start)) return 0;
  // The division gives the step up to rounding; the comparisons make it agree with stepTime.
  // The ratio first, as in stepTime: (now - start) · steps overflowed for windows near 1e308, and
  // from Infinity the walk below came down one step at a time.
  let k = Math.min(steps, Math.floor(((now - start) / window) * steps));
  while (k < steps && stepTime(start, k + 1, window, steps) <= now) k++;
  while (k > 0 && stepTime(start, k, window, steps) > now) k--;
  return k;
}

/**
 * A worker's weight at ramp step `step`: a `floor` share at first, its full weight at the end, and
 * never below the smallest weight (1e-9): a floor of 1e-300 under a weight of 1e-9 gave a
 * subnormal weight, whose turns were an infinite time apart.
 */
export function rampedWeight(weight: number, step: number, steps: number, floor: number): number {
  return step >= steps ? weight : Math.max(MIN_WEIGHT, weight * Math.max(floor, step / steps));
}

/**
 * The ramps in progress, in a priority queue keyed by the time of each worker's next step, so a
 * pick only re-keys the workers whose step has come (amortised O(log n)) instead of recomputing
 * every ramping worker on every pick.
 * @internal
 */
export class SlowStart<W> {
  readonly window: number;
  readonly floor: number;
  readonly steps: number;
  readonly #due: PriorityQueue<Member<W>>;

  constructor(where: string, value: SlowStartOptions, arena: Arena) {
    const { window, floor = 0.1, steps = 10 } = checkOptions(`${where}: slowStart`, value, optionNames<SlowStartOptions>()(['window', 'floor', 'steps']));
    if (typeof window !== 'number' || !(window > 0) || window === Infinity) {
      throw new InvalidArgumentError(`${where}: expected \`slowStart.window\` to be a finite number > 0, got ${describe(window)}`);
    }
    if (typeof floor !== 'number' || !(floor > 0 && floor <= 1)) {
      throw new InvalidArgumentError(`${where}: expected \`slowStart.floor\` to be a number > 0 and <= 1, got ${describe(floor)}`);
    }
    this.window = window;
    this.floor = floor;
    this.steps = integerOption(where, 'slowStart.steps', steps);
    this.#due = new PriorityQueue<Member<W>>({ arena });
  }

  /** Starts (or restarts) the ramp of `member` at `now`. */
  begin(member: Member<W>, now: number): void {
    const handle = this.#due.push(member, stepTime(now, 1, this.window, this.steps));
    this.end(member);
    member.rampHandle = handle;
    member.rampStart = now;
    member.effectiveWeight = rampedWeight(member.weight, 0, this.steps, this.floor);
  }

  /**
   * Takes back a ramp from a snapshot: begun at `start`, at `step` already (its effective weight as
   * saved), its next step scheduled as `advance` would have.
   */
  resume(member: Member<W>, start: number, step: number): void {
    member.rampStart = start;
    member.rampHandle = step < this.steps ? this.#due.push(member, stepTime(start, step + 1, this.window, this.steps)) : undefined;
    if (member.rampHandle === undefined) member.rampStart = undefined;
  }

  /** Stops the ramp of `member` (removed, or its weight is full); it keeps its current weight. */
  end(member: Member<W>): void {
    if (member.rampHandle !== undefined) this.#due.remove(member.rampHandle);
    member.rampHandle = undefined;
    member.rampStart = undefined;
  }

  /** The effective weight of `member` at `now` (its weight when it does not ramp). */
  weightAt(member: Member<W>, now: number): number {
    if (member.rampStart === undefined) return member.weight;
    return rampedWeight(member.weight, rampStep(member.rampStart, now, this.window, this.steps), this.steps, this.floor);
  }

  /** Moves every ramp whose next step has come to its step at `now`; calls `changed` for each. */
  advance(now: number, changed: (member: Member<W>) => void): void {
    const due = this.#due;
    while (due.size > 0 && (due.peekPriority() as number) <= now) {
      const member = due.pop() as Member<W>;
      const start = member.rampStart as number;
      const step = rampStep(start, now, this.window, this.steps);
      member.effectiveWeight = rampedWeight(member.weight, step, this.steps, this.floor);
      if (step < this.steps) {
        member.rampHandle = due.push(member, stepTime(start, step + 1, this.window, this.steps));
      } else {
        member.rampHandle = undefined;
        member.rampStart = undefined;
      }
      changed(member);
    }
  }

  dispose(): void {
    this.#due.dispose();
  }
}
