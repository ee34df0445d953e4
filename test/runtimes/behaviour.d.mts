export class CheckFailure extends Error {}

export interface Check {
  readonly name: string;
  /** The exported classes the check exercises. */
  readonly classes: readonly string[];
  run(lib: Record<string, unknown>): void | Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly message?: string;
}

export const checks: Check[];

export function runChecks(lib: Record<string, unknown>): Promise<CheckResult[]>;
