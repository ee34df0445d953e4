/**
 * Every error flatsched throws is an instance of one of these classes. Messages start with the
 * call that failed and name the offending value: `Queue.push: capacity (1024) exceeded`.
 */

/** The base class: `err instanceof FlatschedError` catches everything the library throws. */
export class FlatschedError extends Error {
  // Names are spelled out (not taken from the constructor) so they survive a minifier.
  override name: string = 'FlatschedError';
}

/** A bound (`capacity`, `limit`, the arena's `maxMemory`) would be exceeded. Nothing changed. */
export class CapacityError extends FlatschedError {
  override name = 'CapacityError';
}

/** An argument of the wrong type or outside its range. Nothing changed. */
export class InvalidArgumentError extends FlatschedError {
  override name = 'InvalidArgumentError';
}

/** A priority that is not a finite number (NaN, ±Infinity, a string, a bigint, undefined). */
export class InvalidPriorityError extends InvalidArgumentError {
  override name = 'InvalidPriorityError';
}

/** A handle or job id whose item has already left the structure. */
export class StaleHandleError extends FlatschedError {
  override name = 'StaleHandleError';
}

/** An id, revision or worker that the structure does not know. */
export class NotFoundError extends FlatschedError {
  override name = 'NotFoundError';
}

/** A call that the current state does not allow (a second release, a job not in flight, …). */
export class StateError extends FlatschedError {
  override name = 'StateError';
}

/** A snapshot that is truncated, corrupted, of another format version or another kind. */
export class SnapshotError extends FlatschedError {
  override name = 'SnapshotError';
}

/**
 * The arena's core trapped, so its memory can no longer be trusted: every structure in that arena
 * throws this from then on. Structures in other arenas are untouched.
 */
export class PoisonedArenaError extends FlatschedError {
  override name = 'PoisonedArenaError';
}

/** A value as an error message shows it: strings quoted, bigints with their `n`, objects by type. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  return Array.isArray(value) ? 'an array' : 'an object';
}
