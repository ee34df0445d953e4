/**
 * A suite is a list of cases. Suites over classes that are still being written check the public
 * entry point first and are skipped, with the reason printed and recorded, until the class is exported.
 */
import * as flatsched from '../src/index.js';
import type { Config } from './config.js';
import type { Case } from './harness.js';

export interface Suite {
  readonly name: string;
  /** Cases are built when they run, so the data of one is garbage during the next. */
  cases(config: Config): (() => Case)[];
  /** Why the suite cannot run now, or undefined when it can. */
  unavailable?(): string | undefined;
}

/** A class of the public API by name, or undefined while `src/index.ts` does not export it. */
export function exported<C>(name: string): C | undefined {
  return (flatsched as Record<string, unknown>)[name] as C | undefined;
}

export function notExported(name: string): string | undefined {
  return exported(name) === undefined ? `${name} is not exported from src/index.ts yet` : undefined;
}
