/**
 * - `deployed`: the current revision;
 * - `superseded`: an older revision that was current once and was replaced by a newer one;
 * - `failed`: marked by `markFailed` (it stays failed whatever happens next);
 * - `rolled-back`: a revision that was left by `undo` or by a roll-forward `rollback`.
 */
export type RevisionStatus = 'deployed' | 'superseded' | 'failed' | 'rolled-back';

/** One revision as `list()` and `get()` report it (a snapshot: later changes do not show in it). */
export interface HistoryRecord<T> {
  /** Numbered from 1 in the order revisions were made; a number is never used twice. */
  readonly revision: number;
  readonly entry: T;
  readonly status: RevisionStatus;
  /** The reason given to `push` (or the rollback that made it); undefined when none was given. */
  readonly reason: string | undefined;
  /** When the revision was made, by the history's clock. */
  readonly at: number;
  /** Whether `pin` keeps it from being dropped by `limit`. */
  readonly pinned: boolean;
}

/** The mutable record the history keeps; users only see frozen copies. @internal */
export interface Revision<T> {
  readonly revision: number;
  readonly entry: T;
  status: RevisionStatus;
  readonly reason: string | undefined;
  readonly at: number;
  pinned: boolean;
}

/** A frozen copy of a revision. @internal */
export function snapshotOf<T>(revision: Revision<T>): HistoryRecord<T> {
  return Object.freeze({ ...revision });
}

/** Marks a revision with `status`, except that a failed revision stays failed. @internal */
export function setStatus(revision: Revision<unknown>, status: RevisionStatus): void {
  if (revision.status !== 'failed') revision.status = status;
}
