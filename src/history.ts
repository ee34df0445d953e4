import { CapacityError, InvalidArgumentError, NotFoundError, StateError, describe } from './core/errors.js';
import { codecOption, RESTORE_OPTIONS, type RestoreOptions, type SnapshotBytes, type SnapshotOptions } from './core/snapshot.js';
import { booleanOption, functionOption, integerOption, oneOf, optionNames, options as checkOptions } from './core/validate.js';
import { Queue } from './structures/queue.js';
import { setStatus, snapshotOf, type HistoryRecord, type Revision, type RevisionStatus } from './history/record.js';
import { readHistorySnapshot, writeHistorySnapshot } from './history/snapshot.js';

export type { HistoryRecord, RevisionStatus } from './history/record.js';

export type HistoryMode = 'default' | 'roll-forward';

export interface HistoryOptions {
  /**
   * The most revisions kept; a push past it drops the oldest revision that is not pinned.
   * @default 10 (as Helm's `--history-max`)
   * @minimum 1
   */
  readonly limit?: number | undefined;
  /**
   * What a rollback does with the revisions newer than its target:
   * - `'default'`: discards them, as popping a stack of deployments does;
   * - `'roll-forward'`: keeps them (the one left gets status `'rolled-back'`) and re-applies the
   *   target's entry as a new revision, as `kubectl rollout undo` and `helm rollback` do.
   * @default 'default'
   */
  readonly mode?: HistoryMode | undefined;
  /**
   * The time source for each record's `at`, recorded as read (a wall clock set back shows as such).
   * It must not call back into the history.
   * @default Date.now
   */
  readonly clock?: (() => number) | undefined;
}

export interface HistoryPushOptions {
  /** Why this revision was made (a commit message, a ticket, "hotfix"…). */
  readonly reason?: string | undefined;
}

export interface RollbackOptions {
  /** Return the entry that would become current, and change nothing. @default false */
  readonly dryRun?: boolean | undefined;
  /**
   * The reason recorded on the revision a roll-forward rollback makes.
   * @default `rollback to <revision>`
   */
  readonly reason?: string | undefined;
}

export interface UndoOptions {
  /** Return the entry that would become current, and change nothing. @default false */
  readonly dryRun?: boolean | undefined;
}

const HISTORY_OPTIONS = optionNames<HistoryOptions>()(['limit', 'mode', 'clock']);
const UNDO_OPTIONS = optionNames<UndoOptions>()(['dryRun']);
const ROLLBACK_OPTIONS = optionNames<RollbackOptions>()(['dryRun', 'reason']);

/** Picks the revision to roll back to; called on older revisions, newest first. */
export type RevisionPredicate<T> = (entry: T, record: HistoryRecord<T>) => boolean;

/**
 * A bounded history of revisions (deployments, configurations, documents) with rollback, undo and
 * redo. Revisions are numbered from 1 and a number is never reused; each has a status, a reason and
 * a time. `rollback`, `undo` and `redo` return the entry that is current afterwards.
 *
 * The revisions sit in a double-ended queue, oldest first, and `#current` is the index of the
 * current one; the ones after it are the redo side. Pushing appends, `limit` drops from the front,
 * a default-mode rollback pops from the back, and since revision numbers only grow along the
 * queue, `get(revision)` is a binary search.
 */
export class History<T> implements Iterable<HistoryRecord<T>> {
  readonly #limit: number;
  readonly #mode: HistoryMode;
  readonly #clock: () => number;
  readonly #revisions = new Queue<Revision<T>>();
  /** Index of the current revision in #revisions; -1 when the history is empty. */
  #current = -1;
  #nextRevision = 1;
  /** Set while a predicate or the clock runs: a change made from them would land mid-change. */
  #busy = false;

  constructor(options?: HistoryOptions) {
    const { limit = 10, mode = 'default', clock = Date.now } = checkOptions('History', options, HISTORY_OPTIONS);
    this.#limit = integerOption('History', 'limit', limit);
    this.#mode = oneOf('History', 'mode', mode, ['default', 'roll-forward']);
    this.#clock = functionOption('History', 'clock', clock);
  }

  /** How many revisions are kept (the redo side included). */
  get size(): number {
    return this.#revisions.size;
  }

  get limit(): number {
    return this.#limit;
  }

  get mode(): HistoryMode {
    return this.#mode;
  }

  /** The current entry, or undefined when the history is empty. */
  get current(): T | undefined {
    return this.#current < 0 ? undefined : this.#at(this.#current).entry;
  }

  /** The current revision number, or undefined when the history is empty. */
  get currentRevision(): number | undefined {
    return this.#current < 0 ? undefined : this.#at(this.#current).revision;
  }

  /** Whether `undo` has an older revision to go back to. */
  get canUndo(): boolean {
    return this.#current > 0;
  }

  /** Whether `redo` has an undone revision to go forward to. */
  get canRedo(): boolean {
    return this.#current < this.#revisions.size - 1;
  }

  /**
   * Makes `entry` the current revision and returns its revision number. The previous one becomes
   * `superseded`; the redo side is cleared: `redo` no longer reaches it (in `'roll-forward'` mode its
   * revisions stay listed, before the new one: nothing is discarded). Past `limit`, the oldest revision that is not pinned is
   * dropped; when every one that could go is pinned, this throws CapacityError and changes nothing.
   */
  push(entry: Exclude<T, undefined>, options?: HistoryPushOptions): number {
    this.#enter('History.push');
    const { reason } = checkOptions('History.push', options, optionNames<HistoryPushOptions>()(['reason']));
    if (entry === undefined) throw new InvalidArgumentError('History.push: expected an entry, got undefined');
    checkReason('History.push', reason);
    const at = this.#now('History.push');
    const keep = this.#mode === 'default' ? this.#current + 1 : this.#revisions.size;
    const drop = this.#dropPlan('History.push', keep);
    return this.#append(entry, reason, at, keep, drop, 'superseded');
  }

  /**
   * Goes back `steps` revisions (an integer >= 1) and returns the entry now current. Going past
   * the oldest kept revision throws StateError and changes nothing.
   */
  rollback(steps = 1, options?: RollbackOptions): T {
    this.#enter('History.rollback');
    integerOption('History.rollback', 'steps', steps);
    const move = checkRollback('History.rollback', options);
    const older = Math.max(this.#current, 0);
    if (steps > older) {
      throw new StateError(`History.rollback: cannot go back ${steps} revision${steps === 1 ? '' : 's'}: ${older === 0 ? 'no older revision is kept' : `only ${older} older ${older === 1 ? 'revision is' : 'revisions are'} kept`}`);
    }
    return this.#rollbackTo('History.rollback', this.#current - steps, move);
  }

  /**
   * Rolls back to a revision number, or to the newest older revision whose entry matches
   * `predicate`, and returns the entry now current. In `'roll-forward'` mode any kept revision may
   * be the target, newer ones included.
   */
  rollbackTo(target: number | RevisionPredicate<T>, options?: RollbackOptions): T {
    const call = 'History.rollbackTo';
    this.#enter(call);
    // Options first: a bad one is the caller's error whatever the target, and the predicate has not run.
    const move = checkRollback(call, options);
    if (typeof target === 'function') {
      for (let i = this.#current - 1; i >= 0; i--) {
        const revision = this.#at(i);
        if (this.#ask(call, target, revision)) return this.#rollbackTo(call, i, move);
      }
      throw new NotFoundError(`${call}: no older revision matches the predicate`);
    }
    if (typeof target !== 'number' || !Number.isInteger(target) || target < 1) {
      throw new InvalidArgumentError(`${call}: expected a revision number (an integer >= 1) or a predicate, got ${describe(target)}`);
    }
    const index = this.#indexOf(target);
    if (index < 0) throw new NotFoundError(`${call}: revision ${target} is not kept`);
    if (index > this.#current && this.#mode === 'default') {
      throw new StateError(`${call}: revision ${target} is newer than the current revision ${this.currentRevision}; use redo()`);
    }
    return this.#rollbackTo(call, index, move);
  }

  /**
   * Rolls back to the newest revision, at or before the current one, that is not marked failed,
   * and returns its entry (the current entry when it is not failed). StateError when every one is.
   */
  rollbackToLastGood(options?: RollbackOptions): T {
    this.#enter('History.rollbackToLastGood');
    const move = checkRollback('History.rollbackToLastGood', options);
    for (let i = this.#current; i >= 0; i--) {
      if (this.#at(i).status !== 'failed') return this.#rollbackTo('History.rollbackToLastGood', i, move);
    }
    throw new StateError(`History.rollbackToLastGood: ${this.#current < 0 ? 'the history is empty' : 'every revision up to the current one is marked failed'}`);
  }

  /**
   * Steps back one revision and returns the entry now current. The revision left stays kept (with
   * status `'rolled-back'`) for `redo`, until the next push or rollback.
   */
  undo(options?: UndoOptions): T {
    this.#enter('History.undo');
    const { dryRun } = checkMove('History.undo', options);
    if (!this.canUndo) throw new StateError(`History.undo: nothing to undo (${this.#current < 0 ? 'the history is empty' : 'the current revision is the oldest kept'})`);
    const target = this.#at(this.#current - 1);
    if (dryRun) return target.entry;
    setStatus(this.#at(this.#current), 'rolled-back');
    setStatus(target, 'deployed');
    this.#current--;
    return target.entry;
  }

  /** Steps forward to the revision the last `undo` left, and returns the entry now current. */
  redo(options?: UndoOptions): T {
    this.#enter('History.redo');
    const { dryRun } = checkMove('History.redo', options);
    if (!this.canRedo) throw new StateError('History.redo: nothing to redo');
    const target = this.#at(this.#current + 1);
    if (dryRun) return target.entry;
    setStatus(this.#at(this.#current), 'superseded');
    setStatus(target, 'deployed');
    this.#current++;
    return target.entry;
  }

  /** Marks a revision (the current one by default) as failed and returns its record. */
  markFailed(revision?: number): HistoryRecord<T> {
    this.#enter('History.markFailed');
    const record = revision === undefined ? this.#currentOrThrow('History.markFailed') : this.#find('History.markFailed', revision);
    record.status = 'failed';
    return snapshotOf(record);
  }

  /** Keeps a revision from being dropped by `limit`. */
  pin(revision: number): void {
    this.#enter('History.pin');
    this.#find('History.pin', revision).pinned = true;
  }

  unpin(revision: number): void {
    this.#enter('History.unpin');
    this.#find('History.unpin', revision).pinned = false;
  }

  /** The record of a kept revision, or undefined when that revision is not kept. */
  get(revision: number): HistoryRecord<T> | undefined {
    checkRevision('History.get', revision);
    const index = this.#indexOf(revision);
    return index < 0 ? undefined : snapshotOf(this.#at(index));
  }

  /** Every kept revision, newest first (the redo side included). */
  list(): HistoryRecord<T>[] {
    const revisions = this.#revisions;
    const records: HistoryRecord<T>[] = [];
    for (let i = revisions.size - 1; i >= 0; i--) records.push(snapshotOf(revisions.at(i)!));
    return records;
  }

  /** Forgets every revision. Revision numbers carry on from where they were. */
  clear(): void {
    this.#enter('History.clear');
    this.#revisions.clear();
    this.#current = -1;
  }

  /**
   * The history as bytes: every kept revision (entries through `codec`, JSON by default) with its
   * number, status, reason, time and pin, which one is current (the redo side with it), the next
   * revision number, and the options that are data (`limit`, `mode`).
   */
  snapshot(options?: SnapshotOptions<T>): Uint8Array {
    const codec = codecOption('History.snapshot', options);
    return writeHistorySnapshot(
      { mode: this.#mode, limit: this.#limit, nextRevision: this.#nextRevision, current: this.#current, revisions: this.#revisions.toArray() },
      codec,
    );
  }

  /**
   * A history rebuilt from `snapshot()` bytes, everything validated first (SnapshotError): the
   * same revisions, current one, redo side and numbering. `at` times are kept as recorded (they
   * are the clock's readings, not ages); `clock` is given anew.
   */
  static restore<T>(bytes: SnapshotBytes, options?: RestoreOptions<T> & Pick<HistoryOptions, 'clock'>): History<T> {
    // The constructor's options too (one object may serve a restore-or-create): those the snapshot carries are its own.
    const names = [...RESTORE_OPTIONS, ...HISTORY_OPTIONS];
    const given = checkOptions('History.restore', options, names);
    if (given.clock !== undefined) functionOption('History.restore', 'clock', given.clock);
    const saved = readHistorySnapshot<T>(bytes, codecOption('History.restore', given, names), given.maxBytes);
    const history = newHistory<T>({ limit: saved.limit, mode: saved.mode, clock: given.clock });
    for (const revision of saved.revisions) history.#revisions.push(revision);
    history.#current = saved.current;
    history.#nextRevision = saved.nextRevision;
    return history;
  }

  /** Records newest first. */
  *[Symbol.iterator](): Generator<HistoryRecord<T>, void, unknown> {
    // The records as they are when the loop starts: a rollback or push inside the loop (walking
    // back to the failed revision, say) must not make it yield empty or repeated records.
    yield* this.list();
  }

  toJSON(): { mode: HistoryMode; limit: number; current: number | undefined; revisions: HistoryRecord<T>[] } {
    return { mode: this.#mode, limit: this.#limit, current: this.currentRevision, revisions: this.list() };
  }

  get [Symbol.toStringTag](): string {
    return 'History';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const rows = this.list()
      .slice(0, 10)
      .map((r) => `r${r.revision} ${r.status}${r.pinned ? ' pinned' : ''}${r.revision === this.currentRevision ? ' (current)' : ''}: ${describe(r.entry)}`);
    return `History(${this.size} of ${this.#limit}${this.#mode === 'roll-forward' ? ', roll-forward' : ''}) [${rows.join(', ')}${this.size > 10 ? ', …' : ''}]`;
  }

  /** Makes the revision at `index` current by the mode's rule, or only reports it on a dry run. */
  #rollbackTo(call: string, index: number, { dryRun, reason }: CheckedRollback): T {
    const target = this.#at(index);
    if (index === this.#current) return target.entry;
    if (this.#mode === 'roll-forward') {
      const at = this.#now(call);
      const keep = this.#revisions.size;
      const drop = this.#dropPlan(call, keep);
      if (!dryRun) this.#append(target.entry, reason ?? `rollback to ${target.revision}`, at, keep, drop, 'rolled-back');
      return target.entry;
    }
    if (dryRun) return target.entry;
    const revisions = this.#revisions;
    while (revisions.size > index + 1) revisions.pop();
    setStatus(target, 'deployed');
    this.#current = index;
    return target.entry;
  }

  /**
   * How many revisions a new one forces out when `keep` of the current ones stay: 0 or 1, as
   * the size never passes `limit`. Throws CapacityError when the one to go would have to be pinned.
   */
  #dropPlan(call: string, keep: number): number {
    if (keep + 1 <= this.#limit) return 0;
    for (let i = 0; i < keep; i++) if (!this.#at(i).pinned) return 1;
    throw new CapacityError(`${call}: limit (${this.#limit}) reached and every kept revision is pinned; unpin one first`);
  }

  /**
   * Keeps the first `keep` revisions, gives the current one status `left`, appends a new current
   * one and drops `drop` unpinned old ones.
   */
  #append(entry: T, reason: string | undefined, at: number, keep: number, drop: number, left: RevisionStatus): number {
    const revisions = this.#revisions;
    while (revisions.size > keep) revisions.pop();
    if (this.#current >= 0) setStatus(this.#at(this.#current), left);
    const revision = this.#nextRevision++;
    revisions.push({ revision, entry, status: 'deployed', reason, at, pinned: false });
    this.#current = revisions.size - 1;
    if (drop > 0) this.#dropOldestUnpinned();
    return revision;
  }

  /** Drops the oldest revision that is not pinned; pinned ones in front of it keep their order. */
  #dropOldestUnpinned(): void {
    const revisions = this.#revisions;
    const pinned: Revision<T>[] = [];
    while (revisions.peek()!.pinned) pinned.push(revisions.shift()!);
    revisions.shift();
    for (let i = pinned.length - 1; i >= 0; i--) revisions.unshift(pinned[i]!);
    this.#current--;
  }

  #at(index: number): Revision<T> {
    return this.#revisions.at(index)!;
  }

  /** The index of `revision` by binary search (numbers grow from front to back), or -1. */
  #indexOf(revision: number): number {
    let low = 0;
    let high = this.#revisions.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.#at(middle).revision;
      if (found === revision) return middle;
      if (found < revision) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  #find(call: string, revision: number): Revision<T> {
    checkRevision(call, revision);
    const index = this.#indexOf(revision);
    if (index < 0) throw new NotFoundError(`${call}: revision ${revision} is not kept`);
    return this.#at(index);
  }

  #currentOrThrow(call: string): Revision<T> {
    if (this.#current < 0) throw new StateError(`${call}: the history is empty`);
    return this.#at(this.#current);
  }

  #enter(call: string): void {
    if (this.#busy) throw new StateError(`${call}: called from a predicate or the clock while the history is mid-change; they must not change it`);
  }

  /** Runs a caller's predicate with changes refused until it returns. */
  #ask(call: string, predicate: RevisionPredicate<T>, revision: Revision<T>): boolean {
    this.#busy = true;
    let answer: unknown;
    try {
      answer = predicate(revision.entry, snapshotOf(revision));
    } finally {
      this.#busy = false;
    }
    // A promise is truthy: an async predicate would match the first revision it was asked about.
    // Refused, and its rejection (if any) handled here: the caller catches this error instead.
    if (isThenable(answer)) {
      Promise.resolve(answer).catch(() => {});
      throw new InvalidArgumentError(`${call}: the predicate returned a promise; it must answer synchronously`);
    }
    return Boolean(answer);
  }

  #now(call: string): number {
    this.#busy = true;
    let now: number;
    try {
      now = this.#clock();
    } finally {
      this.#busy = false;
    }
    if (typeof now !== 'number' || now - now !== 0) throw new InvalidArgumentError(`${call}: \`clock\` returned ${describe(now)}, expected a finite number`);
    return now + 0; // -0 as 0, as a snapshot (JSON) would restore it
  }
}

function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function checkReason(call: string, reason: unknown): void {
  if (reason !== undefined && typeof reason !== 'string') throw new InvalidArgumentError(`${call}: expected \`reason\` to be a string, got ${describe(reason)}`);
}

function checkRevision(call: string, revision: unknown): void {
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 1) {
    throw new InvalidArgumentError(`${call}: expected a revision number (an integer >= 1), got ${describe(revision)}`);
  }
}

function checkMove(call: string, options: UndoOptions | undefined, names: readonly string[] = UNDO_OPTIONS): { dryRun: boolean } {
  const { dryRun = false } = checkOptions(call, options, names);
  return { dryRun: booleanOption(call, 'dryRun', dryRun) };
}

interface CheckedRollback {
  readonly dryRun: boolean;
  readonly reason: string | undefined;
}

/** A rollback's options, checked before its target is looked for. */
function checkRollback(call: string, options: RollbackOptions | undefined): CheckedRollback {
  const { dryRun } = checkMove(call, options, ROLLBACK_OPTIONS);
  const reason = (options as RollbackOptions | undefined)?.reason;
  checkReason(call, reason);
  return { dryRun, reason };
}

/**
 * Builds a History for the static methods. Outside the class: a class that names itself in its own
 * body is renamed by esbuild (`_History`), and stack traces and consoles then show that name.
 */
function newHistory<T>(options?: HistoryOptions): History<T> {
  return new History<T>(options);
}
