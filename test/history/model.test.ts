import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityError, NotFoundError, StateError } from '../../src/core/errors.js';
import { History, type HistoryMode, type HistoryRecord, type RevisionStatus } from '../../src/history.js';

// A plain-array history: revisions oldest first, `current` an index, every rule written out with
// slice and splice. The real History must agree with it after every command.
interface Rec {
  revision: number;
  entry: string;
  status: RevisionStatus;
  reason: string | undefined;
  at: number;
  pinned: boolean;
}

class Model {
  revisions: Rec[] = [];
  current = -1;
  next = 1;
  time = 0;
  constructor(readonly mode: HistoryMode, readonly limit: number) {}

  static mark(rec: Rec, status: RevisionStatus): void {
    if (rec.status !== 'failed') rec.status = status;
  }

  /** The index limit would drop if one more revision joined `kept`, -1 for none, or 'full'. */
  dropIndex(kept: Rec[]): number | 'full' {
    if (kept.length + 1 <= this.limit) return -1;
    const index = kept.findIndex((r) => !r.pinned);
    return index < 0 ? 'full' : index;
  }

  append(kept: Rec[], entry: string, reason: string | undefined, left: RevisionStatus, drop: number): void {
    if (this.current >= 0) Model.mark(this.revisions[this.current]!, left);
    kept.push({ revision: this.next++, entry, status: 'deployed', reason, at: this.time, pinned: false });
    if (drop >= 0) kept.splice(drop, 1);
    this.revisions = kept;
    this.current = kept.length - 1;
  }

  /** What rolling back to `index` makes current; applies it unless `dryRun`. Throws like History. */
  rollbackTo(index: number, dryRun: boolean, reason?: string): string {
    const target = this.revisions[index]!;
    if (index === this.current) return target.entry;
    if (this.mode === 'roll-forward') {
      const kept = [...this.revisions];
      const drop = this.dropIndex(kept);
      if (drop === 'full') throw new CapacityError('full');
      if (!dryRun) this.append(kept, target.entry, reason ?? `rollback to ${target.revision}`, 'rolled-back', drop);
      return target.entry;
    }
    if (!dryRun) {
      this.revisions = this.revisions.slice(0, index + 1);
      Model.mark(target, 'deployed');
      this.current = index;
    }
    return target.entry;
  }

  records(): HistoryRecord<string>[] {
    return [...this.revisions].reverse().map((r) => ({ ...r }));
  }
}

interface Real {
  history: History<string>;
  clock: { now: number };
}

type Command = fc.Command<Model, Real>;

function compare(model: Model, real: Real): void {
  const { history } = real;
  expect(history.list()).toEqual(model.records());
  expect(history.size).toBe(model.revisions.length);
  expect(history.current).toBe(model.revisions[model.current]?.entry);
  expect(history.currentRevision).toBe(model.revisions[model.current]?.revision);
  expect(history.canUndo).toBe(model.current > 0);
  expect(history.canRedo).toBe(model.current < model.revisions.length - 1);
}

/** Runs `real` and `expected` (the model's version); both must throw the same class or agree. */
function same(model: Model, real: Real, call: () => unknown, expected: () => unknown): void {
  const before = model.records();
  let expectedError: unknown;
  let expectedValue: unknown;
  try {
    expectedValue = expected();
  } catch (error) {
    expectedError = error;
  }
  if (expectedError !== undefined) {
    expect(call).toThrow((expectedError as Error).constructor as new () => Error);
    expect(real.history.list()).toEqual(before);
  } else {
    expect(call()).toEqual(expectedValue);
  }
  compare(model, real);
}

const entries = fc.constantFrom('v1', 'v2', 'v3', 'v4');
const reasons = fc.constantFrom(undefined, 'fix', 'release');
const dryRuns = fc.constantFrom(false, false, true);
/** A revision number near those in use, so most refer to kept revisions and some do not. */
const revisionPicks = fc.integer({ min: 0, max: 1000 });

function pickRevision(model: Model, n: number): number {
  if (model.revisions.length === 0 || n % 7 === 0) return model.next + (n % 3);
  const kept = model.revisions[n % model.revisions.length]!.revision;
  // Now and then the number just below a kept one, which may have been dropped or discarded.
  return n % 5 === 0 && kept > 1 ? kept - 1 : kept;
}

function commands(): fc.Arbitrary<Command>[] {
  const push = fc.tuple(entries, reasons).map(([entry, reason]): Command => ({
    check: () => true,
    run(model, real) {
      real.clock.now = ++model.time;
      same(model, real, () => real.history.push(entry, reason === undefined ? undefined : { reason }), () => {
        const kept = model.mode === 'default' ? model.revisions.slice(0, model.current + 1) : [...model.revisions];
        const drop = model.dropIndex(kept);
        if (drop === 'full') throw new CapacityError('full');
        const revision = model.next;
        model.append(kept, entry, reason, 'superseded', drop);
        return revision;
      });
    },
    toString: () => `push(${entry}${reason ? `, ${reason}` : ''})`,
  }));
  const rollback = fc.tuple(fc.integer({ min: 1, max: 4 }), dryRuns).map(([steps, dryRun]): Command => ({
    check: () => true,
    run(model, real) {
      real.clock.now = ++model.time;
      same(model, real, () => real.history.rollback(steps, { dryRun }), () => {
        if (steps > Math.max(model.current, 0)) throw new StateError('too far');
        return model.rollbackTo(model.current - steps, dryRun);
      });
    },
    toString: () => `rollback(${steps}${dryRun ? ', dry' : ''})`,
  }));
  const rollbackToRevision = fc.tuple(revisionPicks, dryRuns).map(([n, dryRun]): Command => ({
    check: () => true,
    run(model, real) {
      real.clock.now = ++model.time;
      const revision = pickRevision(model, n);
      same(model, real, () => real.history.rollbackTo(revision, { dryRun, reason: 'back' }), () => {
        const index = model.revisions.findIndex((r) => r.revision === revision);
        if (index < 0) throw new NotFoundError('none');
        if (index > model.current && model.mode === 'default') throw new StateError('newer');
        return model.rollbackTo(index, dryRun, 'back');
      });
    },
    toString: () => `rollbackTo(revision #${n}${dryRun ? ', dry' : ''})`,
  }));
  const rollbackToEntry = fc.tuple(entries, dryRuns).map(([entry, dryRun]): Command => ({
    check: () => true,
    run(model, real) {
      real.clock.now = ++model.time;
      same(model, real, () => real.history.rollbackTo((e) => e === entry, { dryRun }), () => {
        for (let i = model.current - 1; i >= 0; i--) if (model.revisions[i]!.entry === entry) return model.rollbackTo(i, dryRun);
        throw new NotFoundError('none');
      });
    },
    toString: () => `rollbackTo(e => e === ${entry}${dryRun ? ', dry' : ''})`,
  }));
  const lastGood = dryRuns.map((dryRun): Command => ({
    check: () => true,
    run(model, real) {
      real.clock.now = ++model.time;
      same(model, real, () => real.history.rollbackToLastGood({ dryRun }), () => {
        for (let i = model.current; i >= 0; i--) if (model.revisions[i]!.status !== 'failed') return model.rollbackTo(i, dryRun);
        throw new StateError('none good');
      });
    },
    toString: () => `rollbackToLastGood(${dryRun ? 'dry' : ''})`,
  }));
  const undo = dryRuns.map((dryRun): Command => ({
    check: () => true,
    run(model, real) {
      same(model, real, () => real.history.undo({ dryRun }), () => {
        if (model.current <= 0) throw new StateError('nothing');
        const target = model.revisions[model.current - 1]!;
        if (!dryRun) {
          Model.mark(model.revisions[model.current]!, 'rolled-back');
          Model.mark(target, 'deployed');
          model.current--;
        }
        return target.entry;
      });
    },
    toString: () => `undo(${dryRun ? 'dry' : ''})`,
  }));
  const redo = dryRuns.map((dryRun): Command => ({
    check: () => true,
    run(model, real) {
      same(model, real, () => real.history.redo({ dryRun }), () => {
        if (model.current >= model.revisions.length - 1) throw new StateError('nothing');
        const target = model.revisions[model.current + 1]!;
        if (!dryRun) {
          Model.mark(model.revisions[model.current]!, 'superseded');
          Model.mark(target, 'deployed');
          model.current++;
        }
        return target.entry;
      });
    },
    toString: () => `redo(${dryRun ? 'dry' : ''})`,
  }));
  const markFailed = fc.option(revisionPicks).map((n): Command => ({
    check: () => true,
    run(model, real) {
      const revision = n === null ? undefined : pickRevision(model, n);
      same(model, real, () => real.history.markFailed(revision).revision, () => {
        const rec = revision === undefined ? model.revisions[model.current] : model.revisions.find((r) => r.revision === revision);
        if (rec === undefined) throw revision === undefined ? new StateError('empty') : new NotFoundError('none');
        rec.status = 'failed';
        return rec.revision;
      });
    },
    toString: () => `markFailed(${n === null ? '' : `#${n}`})`,
  }));
  const pin = fc.tuple(revisionPicks, fc.boolean()).map(([n, pinned]): Command => ({
    check: () => true,
    run(model, real) {
      const revision = pickRevision(model, n);
      same(model, real, () => (pinned ? real.history.pin(revision) : real.history.unpin(revision)), () => {
        const rec = model.revisions.find((r) => r.revision === revision);
        if (rec === undefined) throw new NotFoundError('none');
        rec.pinned = pinned;
      });
    },
    toString: () => `${pinned ? 'pin' : 'unpin'}(#${n})`,
  }));
  const get = revisionPicks.map((n): Command => ({
    check: () => true,
    run(model, real) {
      const revision = pickRevision(model, n);
      const rec = model.revisions.find((r) => r.revision === revision);
      expect(real.history.get(revision)).toEqual(rec === undefined ? undefined : { ...rec });
    },
    toString: () => `get(#${n})`,
  }));
  const clear = fc.constant<Command>({
    check: () => true,
    run(model, real) {
      real.history.clear();
      model.revisions = [];
      model.current = -1;
      compare(model, real);
    },
    toString: () => 'clear()',
  });
  // Snapshot and restore: the restored history goes on exactly as the original would.
  const restore = fc.constant<Command>({
    check: () => true,
    run(model, real) {
      real.history = History.restore<string>(real.history.snapshot(), { clock: () => real.clock.now });
      compare(model, real);
    },
    toString: () => 'snapshot+restore',
  });
  return [push, push, push, push, rollback, rollback, rollbackToRevision, rollbackToEntry, lastGood, undo, undo, redo, redo, markFailed, pin, pin, get, clear, restore];
}

function run(mode: HistoryMode, numRuns: number): void {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.commands(commands(), { maxCommands: 150, size: 'max' }), (limit, cmds) => {
      const clock = { now: 0 };
      fc.modelRun(() => ({ model: new Model(mode, limit), real: { history: new History<string>({ limit, mode, clock: () => clock.now }), clock } }), cmds);
    }),
    { numRuns },
  );
}

describe('History against a plain array model', () => {
  it('default mode', () => run('default', 200));
  it('roll-forward mode', () => run('roll-forward', 200));
});
