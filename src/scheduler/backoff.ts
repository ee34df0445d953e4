import { InvalidArgumentError, describe } from '../core/errors.js';
import { booleanOption, oneOf, optionNames, options as checkOptions } from '../core/validate.js';

export type BackoffType = 'fixed' | 'linear' | 'exponential';

/**
 * How long a failed job waits before retry n (n = 1 for the first retry): fixed = base,
 * linear = base·n, exponential = base·2^(n−1), each capped by `max`. With `jitter`, the wait is
 * drawn uniformly from [0, that) ("full jitter"), which spreads out retries that failed together.
 */
export interface Backoff {
  readonly type: BackoffType;
  /**
   * Milliseconds.
   * @minimum 0
   */
  readonly base: number;
  /**
   * The longest wait in milliseconds.
   * @default Infinity
   * @minimum 0
   */
  readonly max?: number | undefined;
  /** @default false */
  readonly jitter?: boolean | undefined;
}

const BACKOFF_OPTIONS = optionNames<Backoff>()(['type', 'base', 'max', 'jitter']);

/** A backoff with every field filled in, as the scheduler keeps it. */
export interface BackoffPolicy {
  readonly type: BackoffType;
  readonly base: number;
  readonly max: number;
  readonly jitter: boolean;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ type: 'exponential', base: 100, max: 30_000, jitter: false });

/** Waits are capped here so that `now + wait` is always a finite due time the core accepts. */
const LONGEST_WAIT = Number.MAX_SAFE_INTEGER;

function milliseconds(where: string, name: string, value: unknown, allowInfinity: boolean): number {
  if (typeof value !== 'number' || !(value >= 0) || (!allowInfinity && value === Infinity)) {
    throw new InvalidArgumentError(`${where}: expected \`${name}\` to be a number of milliseconds >= 0, got ${describe(value)}`);
  }
  return value;
}

/** A backoff option (an object, or a number meaning a fixed wait) as a filled-in policy. */
export function backoffPolicy(where: string, value: unknown): BackoffPolicy {
  if (typeof value === 'number') return Object.freeze({ type: 'fixed', base: milliseconds(where, 'backoff', value, false), max: Infinity, jitter: false });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${where}: expected \`backoff\` to be an object or a number of milliseconds, got ${describe(value)}`);
  }
  const { type, base, max = Infinity, jitter = false } = checkOptions(`${where}: backoff`, value as Backoff, BACKOFF_OPTIONS);
  const policy: BackoffPolicy = {
    type: oneOf(where, 'backoff.type', type, ['fixed', 'linear', 'exponential']),
    base: milliseconds(where, 'backoff.base', base, false),
    max: milliseconds(where, 'backoff.max', max, true),
    jitter: booleanOption(where, 'backoff.jitter', jitter),
  };
  return Object.freeze(policy);
}

/** The wait before retry `retry` (1 for the first retry), in milliseconds, before jitter. */
export function backoffWait(policy: BackoffPolicy, retry: number): number {
  const { type, base, max } = policy;
  const wait = type === 'fixed' ? base : type === 'linear' ? base * retry : base * 2 ** (retry - 1);
  // base 0 times 2^(n-1) overflowing to Infinity gives NaN; a zero base always means no wait.
  return base === 0 ? 0 : Math.min(wait, max, LONGEST_WAIT);
}

/**
 * The wait with jitter applied when the policy asks for it. `random` is checked, because a source
 * returning 1.5 or NaN would otherwise schedule a retry outside the documented bounds.
 */
export function retryWait(where: string, policy: BackoffPolicy, retry: number, random: () => number): number {
  const wait = backoffWait(policy, retry);
  if (!policy.jitter) return wait;
  const draw = random();
  if (typeof draw !== 'number' || !(draw >= 0 && draw < 1)) {
    throw new InvalidArgumentError(`${where}: expected \`random\` to return a number in [0, 1), got ${describe(draw)}`);
  }
  return draw * wait;
}
