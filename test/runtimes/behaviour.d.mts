export class CheckFailure extends Error {}

export interface Check {
  readonly name: string;
  /** The exported classes the check exercises. */
  readonly classes: readonly string[];
  /** A class the check needs; while the library does not export it, the check is skipped. */
  readonly requires?: string;
  run(lib: Record<string, unknown>): void | Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why the check did not run. */
  readonly skipped?: string;
  readonly message?: string;
}

export const checks: Check[];

export function unavailable(check: Check, lib: Record<string, unknown>): string | undefined;

export function runChecks(lib: Record<string, unknown>): Promise<CheckResult[]>;
