import { InvalidArgumentError, describe } from '../core/errors.js';
import type { JobId } from './types.js';

/** Argument checks of the Scheduler's calls: each returns the value or throws naming the call. */

export function checkId(where: string, id: unknown): JobId {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && id - id === 0) return id === 0 ? 0 : id; // -0 and 0 are one id
  throw new InvalidArgumentError(`${where}: expected a job id (a string or a finite number), got ${describe(id)}`);
}

export function checkTime(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || value - value !== 0) {
    throw new InvalidArgumentError(`${where}: expected \`${name}\` to be a finite number of milliseconds, got ${describe(value)}`);
  }
  return value;
}

/** A number of milliseconds a job may wait: >= 0 and finite (-0 included). */
export function isDelay(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value !== Infinity;
}

export function checkDelay(where: string, value: unknown): number {
  if (!isDelay(value)) {
    throw new InvalidArgumentError(`${where}: expected \`delay\` to be a number of milliseconds >= 0, got ${describe(value)}`);
  }
  return value;
}

/** A handler's time limit in milliseconds: >= 1 and finite (setTimeout's own cap is slept in steps). */
export function isTimeLimit(value: unknown): value is number {
  return typeof value === 'number' && value >= 1 && value !== Infinity;
}

export function checkTenant(where: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(`${where}: expected \`tenant\` to be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

