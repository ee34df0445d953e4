/**
 * Every error flatsched throws is an instance of one of these classes. Messages start with the
 * call that failed and name the offending value: `Queue.push: capacity (1024) exceeded`.
 */

/**
 * Each error's kinds (its class and the classes above it), under a registered symbol: two copies
 * of the library in one program (an ESM and a CommonJS build, a dependency bundling its own) have
 * two sets of classes, and `instanceof` goes by these kinds, so that an error from either copy is
 * an instance of both copies' classes.
 */
const KINDS = Symbol.for('flatsched.errorKinds');

/** The base class: `err instanceof FlatschedError` catches everything the library throws. */
export class FlatschedError extends Error {
  // Names and kinds are spelled out (not taken from the constructor) so they survive a minifier.
  override name: string = 'FlatschedError';
  static readonly kind: string = 'FlatschedError';

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    const kinds: string[] = [];
    for (let type: unknown = new.target; type !== Error && typeof type === 'function'; type = Object.getPrototypeOf(type)) {
      if (Object.hasOwn(type, 'kind')) kinds.push((type as typeof FlatschedError).kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const kinds = typeof value === 'object' && value !== null ? (value as { [KINDS]?: unknown })[KINDS] : undefined;
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** A bound (`capacity`, `limit`, the arena's `maxMemory`) would be exceeded. Nothing changed. */
export class CapacityError extends FlatschedError {
  static override readonly kind: string = 'CapacityError';
  override name = 'CapacityError';
}

/** An argument of the wrong type or outside its range. Nothing changed. */
export class InvalidArgumentError extends FlatschedError {
  static override readonly kind: string = 'InvalidArgumentError';
  override name = 'InvalidArgumentError';
}

/** A priority that is not a finite number (NaN, ±Infinity, a string, a bigint, undefined). */
export class InvalidPriorityError extends InvalidArgumentError {
  static override readonly kind: string = 'InvalidPriorityError';
  override name = 'InvalidPriorityError';
}

/** A handle whose item has already left its queue (a job id no longer held is a NotFoundError). */
export class StaleHandleError extends FlatschedError {
  static override readonly kind: string = 'StaleHandleError';
  override name = 'StaleHandleError';
}

/** An id, revision or worker that the structure does not know. */
export class NotFoundError extends FlatschedError {
  static override readonly kind: string = 'NotFoundError';
  override name = 'NotFoundError';
}

/** A call that the current state does not allow (a second release, a job not in flight, …). */
export class StateError extends FlatschedError {
  static override readonly kind: string = 'StateError';
  override name = 'StateError';
}

/** A snapshot that is truncated, corrupted, of another format version or another kind. */
export class SnapshotError extends FlatschedError {
  static override readonly kind: string = 'SnapshotError';
  override name = 'SnapshotError';
}

/**
 * The arena's core trapped, so its memory can no longer be trusted: every structure in that arena
 * throws this from then on. Structures in other arenas are untouched.
 */
export class PoisonedArenaError extends FlatschedError {
  static override readonly kind: string = 'PoisonedArenaError';
  override name = 'PoisonedArenaError';
}

/**
 * `error` as thrown by the public call `where`: a CapacityError raised by a structure the call uses
 * inside (`PriorityQueue.push: the arena's memory … is exhausted`) is renamed after the call, so
 * that its message starts with what the caller called; anything else passes as it is.
 */
export function asCall(where: string, error: unknown): unknown {
  if (!(error instanceof CapacityError) || error.message.startsWith(`${where}:`) || error.message.startsWith(`${where}.`)) return error;
  const colon = error.message.indexOf(': ');
  // The inner structure's count ("… exhausted at 40 items") would mean nothing to the caller.
  const text = (colon < 0 ? error.message : error.message.slice(colon + 2)).replace(/ at \d+ (?:items|ids)$/, '');
  return new CapacityError(`${where}: ${text}`, { cause: error });
}

/**
 * `error` as thrown by `where` when it made it through another public call (`Queue.from` pushing
 * each item: `Queue.push: capacity (2) exceeded` becomes `Queue.from: capacity (2) exceeded`):
 * a library error whose message starts with another call's name is rebuilt, same class, under
 * `where`, the original as its cause; anything else passes as it is.
 */
export function renamedFor(where: string, error: unknown): unknown {
  if (!(error instanceof FlatschedError)) return error;
  const call = /^[A-Za-z]+(?:\.[A-Za-z]+)?: /.exec(error.message);
  if (call === null || call[0] === `${where}: `) return error;
  const Kind = error.constructor as new (message: string, options?: ErrorOptions) => FlatschedError;
  return new Kind(`${where}: ${error.message.slice(call[0].length)}`, { cause: error });
}

/** A value as an error message shows it: strings quoted, bigints with their `n`, objects by type. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  try {
    return Array.isArray(value) ? 'an array' : 'an object';
  } catch {
    return 'a revoked Proxy'; // Array.isArray throws for one
  }
}
