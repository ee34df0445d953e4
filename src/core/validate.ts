import { InvalidArgumentError, InvalidPriorityError, describe } from './errors.js';

/** `value` when it is an integer ≥ `min` (and ≤ `max`), else an InvalidArgumentError naming `where`. */
export function integerOption(where: string, name: string, value: unknown, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    // Past 2^53 - 1 ">= 1" would contradict the value shown, so the bound is named.
    const tooLarge = typeof value === 'number' && value > max && value !== Infinity;
    const range = max !== Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : tooLarge ? `from ${min} to 2^53 - 1` : `>= ${min}`;
    throw new InvalidArgumentError(`${where}: expected \`${name}\` to be an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

/**
 * A bound (a capacity, a limit): Infinity when absent or Infinity, which is what the bound's getter
 * answers for none, so that a bound read back is accepted; else `integerOption`.
 */
export function boundOption(where: string, name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  return value === undefined || value === Infinity ? Infinity : integerOption(where, name, value, 1, max);
}

/**
 * `value` when it is a finite number (-0 as 0, which orders the same and is what JSON snapshots
 * give back), else an InvalidPriorityError naming the call.
 */
export function priority(where: string, value: unknown): number {
  if (typeof value !== 'number' || value - value !== 0) {
    throw new InvalidPriorityError(`${where}: expected a finite number priority, got ${describe(value)}`);
  }
  return value + 0;
}

/**
 * Checks a batch of priorities. The message (naming the first bad index) is built only on failure:
 * building it per item was most of a batch's JS time.
 */
export function priorities(where: string, values: ArrayLike<unknown>): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || value - value !== 0) priority(`${where}: priorities[${i}]`, value);
  }
}

/**
 * A batch's numbers (`what`), read once: a typed array over memory no other thread can write, as
 * it is; anything else (an array, an array-like, a view of shared memory) copied first. A batch
 * checks its input and then stages it: read twice, a getter, a Proxy or another thread could show
 * the second read other values (NaN, ids out of range) than the check saw. Anything that is no
 * array-like (a DataView has no length) is an InvalidArgumentError naming `where`.
 */
export function readOnce(where: string, values: unknown, what: 'ids' | 'priorities'): ArrayLike<number> {
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const shared = typeof SharedArrayBuffer === 'function' && values.buffer instanceof SharedArrayBuffer;
    return shared ? Array.from(values as unknown as ArrayLike<number>) : (values as unknown as ArrayLike<number>);
  }
  const length = typeof values === 'object' && values !== null ? (values as { length?: unknown }).length : undefined;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > 0xffff_ffff) {
    throw new InvalidArgumentError(`${where}: expected an array-like of ${what}, got ${describe(values)}`);
  }
  if (Array.isArray(values)) return values.slice() as number[];
  // By the length checked, read once: a getter's second answer could pass any bound.
  const items = values as ArrayLike<unknown>;
  const copy: number[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const value = items[i];
    // Refused at its index before the rest is read: `{ length: 2 ** 32 - 1 }` is not copied in full first.
    if (typeof value !== 'number') {
      if (what === 'ids') word(`${where}: ids[${i}]`, value);
      priority(`${where}: priorities[${i}]`, value);
    }
    copy[i] = value as number;
  }
  return copy;
}

/** Checks a batch of ids (a Uint32Array holds nothing else, so it passes unread). */
export function words(where: string, values: ArrayLike<unknown>): void {
  if (values instanceof Uint32Array) return;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || value >>> 0 !== value) word(`${where}: ids[${i}]`, value);
  }
}

/** `value` when it is an integer from 0 to 2^32 - 1 (what the core stores), else an error. */
export function word(where: string, value: unknown): number {
  if (typeof value !== 'number' || value >>> 0 !== value) {
    throw new InvalidArgumentError(`${where}: expected an integer from 0 to 4294967295, got ${describe(value)}`);
  }
  return value;
}

/**
 * Weights (a tenant's, a worker's) are shares from 1e-9 to 1e9. A turn moves virtual time on by
 * 1 / weight and least-loaded compares load / weight: a weight near zero took those past the
 * largest double within a few turns, and the next take or pick failed halfway through.
 */
export const MIN_WEIGHT = 1e-9;
const MAX_WEIGHT = 1e9;

export function isWeight(value: unknown): value is number {
  return typeof value === 'number' && value >= MIN_WEIGHT && value <= MAX_WEIGHT;
}

/** `value` when it is a weight (`isWeight`), else an InvalidArgumentError naming `where`. */
export function weight(where: string, value: unknown): number {
  if (!isWeight(value)) throw new InvalidArgumentError(`${where}: expected \`weight\` to be a number from 1e-9 to 1e9, got ${describe(value)}`);
  return value;
}

/** `value` when it is an iterable object (an array, a Set, a generator), else an InvalidArgumentError; a string, passed as items, is a slip. */
export function iterable<T>(where: string, value: unknown, what: string): Iterable<T> {
  if (typeof value !== 'object' || value === null || typeof (value as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError(`${where}: expected an iterable of ${what}, got ${describe(value)}`);
  }
  return value as Iterable<T>;
}

/**
 * Rejects options objects that are not plain objects (a common slip: passing a number) and, given
 * the names the call takes (`optionNames`), an option it does not take: a misspelt one
 * (`{ capcity: 1 }`) would otherwise be ignored, and its default used without a word. Calls made
 * once per item (a job's submit, an update) pass no names: reading the keys costs more than the call.
 */
export function options<T extends object>(where: string, value: T | undefined, names?: readonly string[]): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${where}: expected an options object, got ${describe(value)}`);
  }
  if (names !== undefined) {
    for (const key of Object.keys(value)) if (!names.includes(key)) unknownOption(where, value, key, names);
  }
  return value;
}

function unknownOption(where: string, value: object, key: string, names: readonly string[]): never {
  refuseCodecInPlace(where, value);
  throw new InvalidArgumentError(`${where}: unknown option ${describe(key)}; it takes ${names.map((name) => `\`${name}\``).join(', ')}`);
}

/**
 * A codec passed where options belong (`restore(bytes, codec)`, as a first design sketch wrote it)
 * is refused by name: ignored, its payloads would silently go through JSON (a Map back as {}).
 */
export function refuseCodecInPlace(where: string, value: object): void {
  const { encode, decode } = value as { encode?: unknown; decode?: unknown };
  if (typeof encode === 'function' && typeof decode === 'function') {
    throw new InvalidArgumentError(`${where}: got a codec where options were expected; pass it as { codec }`);
  }
}

/**
 * The names an options type takes, as a list the compiler checks both ways: a name the type lacks
 * is an error, and so is a list that leaves one out (it becomes `never`), so the check cannot drift.
 */
export function optionNames<T>() {
  return <const K extends readonly (keyof T & string)[]>(names: K & (Exclude<keyof T, K[number]> extends never ? unknown : never)): readonly string[] => names;
}

/** `value` when it is a boolean, else an InvalidArgumentError naming `where` and the option. */
export function booleanOption(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${where}: expected \`${name}\` to be a boolean, got ${describe(value)}`);
  return value;
}

/** `value` when it is a function, else an InvalidArgumentError naming `where` and the option. */
export function functionOption<F>(where: string, name: string, value: F): F {
  if (typeof value !== 'function') throw new InvalidArgumentError(`${where}: expected \`${name}\` to be a function, got ${describe(value)}`);
  return value;
}

/** `value` when it is one of `choices`, else an InvalidArgumentError listing them. */
export function oneOf<C extends string>(where: string, name: string, value: unknown, choices: readonly C[]): C {
  if (!choices.includes(value as C)) {
    throw new InvalidArgumentError(`${where}: expected \`${name}\` to be ${choices.map((c) => `'${c}'`).join(' or ')}, got ${describe(value)}`);
  }
  return value as C;
}
