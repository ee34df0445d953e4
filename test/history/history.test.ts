import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CapacityError, FlatschedError, InvalidArgumentError, NotFoundError, StateError } from '../../src/core/errors.js';
import { History } from '../../src/history.js';

function summary(history: History<string>): string {
  return history
    .list()
    .map((r) => `${r.revision}:${r.entry}:${r.status}`)
    .join(' ');
}

function counter() {
  let now = 1000;
  return () => now++;
}

describe('History: pushing and limits', () => {
  it('numbers revisions from 1 and records status, reason and time, newest first', () => {
    const history = new History<string>({ clock: counter() });
    expect(history.current).toBeUndefined();
    expect(history.push('v1')).toBe(1);
    expect(history.push('v2', { reason: 'new login page' })).toBe(2);
    expect(history.current).toBe('v2');
    expect(history.currentRevision).toBe(2);
    expect(history.list()).toEqual([
      { revision: 2, entry: 'v2', status: 'deployed', reason: 'new login page', at: 1001, pinned: false },
      { revision: 1, entry: 'v1', status: 'superseded', reason: undefined, at: 1000, pinned: false },
    ]);
    expect(history.get(1)).toMatchObject({ entry: 'v1' });
    expect(history.get(3)).toBeUndefined();
  });

  it('keeps 10 revisions by default, dropping the oldest, never the newest', () => {
    const history = new History<number>();
    for (let i = 1; i <= 25; i++) history.push(i);
    expect(history.size).toBe(10);
    expect(history.list().map((r) => r.revision)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(history.current).toBe(25);
  });

  it('never reuses a revision number, through rollbacks, drops and clear', () => {
    const history = new History<string>({ limit: 3 });
    history.push('a');
    history.push('b');
    history.push('c');
    history.rollback(2);
    expect(history.push('d')).toBe(4);
    history.clear();
    expect(history.size).toBe(0);
    expect(history.current).toBeUndefined();
    expect(history.push('e')).toBe(5);
  });

  it('skips pinned revisions when the limit drops one, and refuses a push when all are pinned', () => {
    const history = new History<string>({ limit: 3 });
    history.push('stable');
    history.pin(1);
    history.push('b');
    history.push('c');
    history.push('d');
    expect(summary(history)).toBe('4:d:deployed 3:c:superseded 1:stable:superseded');
    expect(history.get(1)!.pinned).toBe(true);
    history.pin(3);
    history.pin(4);
    const before = history.list();
    expect(() => history.push('e')).toThrow(CapacityError);
    expect(() => history.push('e')).toThrow('History.push: limit (3) reached and every kept revision is pinned; unpin one first');
    expect(history.list()).toEqual(before);
    history.unpin(3);
    expect(history.push('e')).toBe(5);
    expect(summary(history)).toBe('5:e:deployed 4:d:superseded 1:stable:superseded');
  });
});

describe('History: rollback', () => {
  it('returns the entry now current and discards the newer revisions (default mode)', () => {
    const history = new History<string>();
    for (const v of ['v1', 'v2', 'v3', 'v4']) history.push(v);
    expect(history.rollback()).toBe('v3');
    expect(history.rollback(2)).toBe('v1');
    expect(summary(history)).toBe('1:v1:deployed');
    expect(history.canRedo).toBe(false);
    expect(() => history.redo()).toThrow(StateError);
  });

  it('is a typed error that changes nothing when it would go past the oldest revision', () => {
    const history = new History<string>({ limit: 3 });
    for (const v of ['v1', 'v2', 'v3', 'v4']) history.push(v);
    const before = history.list();
    expect(() => history.rollback(3)).toThrow(StateError);
    expect(() => history.rollback(3)).toThrow('History.rollback: cannot go back 3 revisions: only 2 older revisions are kept');
    expect(history.list()).toEqual(before);
    expect(() => new History().rollback()).toThrow('History.rollback: cannot go back 1 revision: no older revision is kept');
  });

  it('rolls back to a revision number or to the newest older entry a predicate picks', () => {
    const history = new History<{ tag: string }>();
    for (const tag of ['1.4.1', '1.4.2', '1.5.0', '1.4.2-hotfix', '1.6.0']) history.push({ tag });
    expect(history.rollbackTo((release) => release.tag.startsWith('1.4.2'))).toEqual({ tag: '1.4.2-hotfix' });
    expect(history.rollbackTo(1)).toEqual({ tag: '1.4.1' });
    expect(history.size).toBe(1);
    expect(() => history.rollbackTo((r) => r.tag === 'nope')).toThrow(NotFoundError);
    expect(() => history.rollbackTo(99)).toThrow('History.rollbackTo: revision 99 is not kept');
  });

  it('rolls back to the last revision not marked failed', () => {
    const history = new History<string>();
    history.push('v1');
    history.push('v2');
    history.push('v3');
    history.markFailed(2);
    expect(history.markFailed()).toMatchObject({ revision: 3, status: 'failed' });
    expect(history.rollbackToLastGood()).toBe('v1');
    expect(summary(history)).toBe('1:v1:deployed');
    expect(history.rollbackToLastGood()).toBe('v1'); // already good: nothing to do
    history.markFailed();
    expect(() => history.rollbackToLastGood()).toThrow(StateError);
  });

  it('in roll-forward mode re-applies the old entry as a new revision and keeps the newer ones', () => {
    const history = new History<string>({ mode: 'roll-forward' });
    history.push('v1');
    history.push('v2');
    history.push('v3', { reason: 'new cache layer' });
    history.markFailed();
    expect(history.rollbackToLastGood()).toBe('v2');
    expect(history.list().map((r) => [r.revision, r.entry, r.status, r.reason])).toEqual([
      [4, 'v2', 'deployed', 'rollback to 2'],
      [3, 'v3', 'failed', 'new cache layer'],
      [2, 'v2', 'superseded', undefined],
      [1, 'v1', 'superseded', undefined],
    ]);
    // Like `kubectl rollout undo` twice: the previous revision is the one just left.
    expect(history.rollback(1, { reason: 'try again' })).toBe('v3');
    expect(history.get(5)).toMatchObject({ entry: 'v3', status: 'deployed', reason: 'try again' });
    expect(history.get(4)!.status).toBe('rolled-back');
    // A newer revision is a valid target in this mode.
    expect(history.rollbackTo(1)).toBe('v1');
    expect(history.currentRevision).toBe(6);
  });
});

describe('History: undo and redo', () => {
  it('undo keeps the newer revisions for redo; push clears them', () => {
    const history = new History<string>();
    for (const v of ['a', 'b', 'c']) history.push(v);
    expect(history.undo()).toBe('b');
    expect(history.undo()).toBe('a');
    expect(summary(history)).toBe('3:c:rolled-back 2:b:rolled-back 1:a:deployed');
    expect(history.canUndo).toBe(false);
    expect(history.redo()).toBe('b');
    expect(summary(history)).toBe('3:c:rolled-back 2:b:deployed 1:a:superseded');
    expect(history.push('d')).toBe(4);
    expect(summary(history)).toBe('4:d:deployed 2:b:superseded 1:a:superseded');
    expect(() => history.redo()).toThrow('History.redo: nothing to redo');
  });

  it("in 'roll-forward' mode, push after undo keeps the undone revisions listed: the list is the timeline undo walks", () => {
    const history = new History<string>({ mode: 'roll-forward' });
    for (const v of ['a', 'b', 'c']) history.push(v);
    expect(history.undo()).toBe('b');
    expect(history.push('d')).toBe(4);
    expect(summary(history)).toBe('4:d:deployed 3:c:rolled-back 2:b:superseded 1:a:superseded');
    expect(history.canRedo).toBe(false);
    expect(history.undo()).toBe('c');
  });

  it('rollback after undo discards the redo side too', () => {
    const history = new History<string>();
    for (const v of ['a', 'b', 'c']) history.push(v);
    history.undo();
    expect(history.rollback()).toBe('a');
    expect(history.size).toBe(1);
  });

  it('throws StateError when there is nothing to undo', () => {
    const history = new History<string>();
    expect(() => history.undo()).toThrow('History.undo: nothing to undo (the history is empty)');
    history.push('a');
    expect(() => history.undo()).toThrow('History.undo: nothing to undo (the current revision is the oldest kept)');
  });
});

describe('History: dry runs', () => {
  it.each(['default', 'roll-forward'] as const)('%s: report what would become current and change nothing', (mode) => {
    const history = new History<string>({ mode, clock: counter() });
    for (const v of ['a', 'b', 'c', 'd']) history.push(v);
    history.markFailed();
    history.undo();
    const before = history.list();
    expect(history.rollback(2, { dryRun: true })).toBe('a');
    expect(history.rollbackTo(2, { dryRun: true })).toBe('b');
    expect(history.rollbackTo((e) => e === 'a', { dryRun: true })).toBe('a');
    expect(history.rollbackToLastGood({ dryRun: true })).toBe('c');
    expect(history.undo({ dryRun: true })).toBe('b');
    expect(history.redo({ dryRun: true })).toBe('d');
    expect(() => history.rollback(5, { dryRun: true })).toThrow(StateError);
    expect(history.list()).toEqual(before);
  });

  it('reports a roll-forward rollback that the limit would refuse', () => {
    const history = new History<string>({ mode: 'roll-forward', limit: 2 });
    history.push('a');
    history.push('b');
    history.pin(1);
    history.pin(2);
    expect(() => history.rollback(1, { dryRun: true })).toThrow(CapacityError);
  });
});

describe('History: bad input', () => {
  it.each([
    [{ limit: 0 }, 'History: expected `limit` to be an integer >= 1, got 0'],
    [{ limit: 2.5 }, 'History: expected `limit` to be an integer >= 1, got 2.5'],
    [{ mode: 'forward' }, "History: expected `mode` to be 'default' or 'roll-forward', got \"forward\""],
    [{ clock: 1 }, 'History: expected `clock` to be a function, got 1'],
    ['x', 'History: expected an options object, got "x"'],
  ])('constructor rejects %j', (options, message) => {
    expect(() => new History(options as never)).toThrow(InvalidArgumentError);
    expect(() => new History(options as never)).toThrow(message);
  });

  it('rejects every bad argument with a typed error and changes nothing', () => {
    const history = new History<string>({ clock: counter() });
    for (const v of ['a', 'b', 'c']) history.push(v);
    history.undo();
    const before = history.list();
    const cases: [() => unknown, new (...args: never[]) => FlatschedError, string][] = [
      [() => history.push(undefined as never), InvalidArgumentError, 'History.push: expected an entry, got undefined'],
      [() => history.push('d', { reason: 5 as never }), InvalidArgumentError, 'History.push: expected `reason` to be a string, got 5'],
      [() => history.push('d', 5 as never), InvalidArgumentError, 'History.push: expected an options object, got 5'],
      [() => history.rollback(0), InvalidArgumentError, 'History.rollback: expected `steps` to be an integer >= 1, got 0'],
      [() => history.rollback(1.5), InvalidArgumentError, 'History.rollback: expected `steps` to be an integer >= 1, got 1.5'],
      [() => history.rollback(1, { dryRun: 'yes' as never }), InvalidArgumentError, 'History.rollback: expected `dryRun` to be a boolean, got "yes"'],
      // Options are checked before the target is looked for: the bad option is what is reported.
      [() => history.rollback(5, { dryRun: 'yes' as never }), InvalidArgumentError, 'History.rollback: expected `dryRun` to be a boolean'],
      [() => history.rollbackTo(99, { reason: 5 as never }), InvalidArgumentError, 'History.rollbackTo: expected `reason` to be a string, got 5'],
      [() => history.rollbackTo(() => expect.fail('the predicate ran'), 'junk' as never), InvalidArgumentError, 'History.rollbackTo: expected an options object, got "junk"'],
      [() => new History().rollbackToLastGood({ dryRun: 1 as never }), InvalidArgumentError, 'History.rollbackToLastGood: expected `dryRun` to be a boolean, got 1'],
      [() => history.rollbackTo('2' as never), InvalidArgumentError, 'History.rollbackTo: expected a revision number (an integer >= 1) or a predicate, got "2"'],
      [() => history.rollbackTo(0), InvalidArgumentError, 'History.rollbackTo: expected a revision number'],
      [() => history.rollbackTo(3), StateError, 'History.rollbackTo: revision 3 is newer than the current revision 2; use redo()'],
      [() => history.rollbackTo(7), NotFoundError, 'History.rollbackTo: revision 7 is not kept'],
      [() => history.undo({ dryRun: 1 as never }), InvalidArgumentError, 'History.undo: expected `dryRun` to be a boolean, got 1'],
      [() => history.markFailed(9), NotFoundError, 'History.markFailed: revision 9 is not kept'],
      [() => history.markFailed(-1), InvalidArgumentError, 'History.markFailed: expected a revision number (an integer >= 1), got -1'],
      [() => history.pin(9), NotFoundError, 'History.pin: revision 9 is not kept'],
      [() => history.unpin(NaN), InvalidArgumentError, 'History.unpin: expected a revision number (an integer >= 1), got NaN'],
      [() => history.get('1' as never), InvalidArgumentError, 'History.get: expected a revision number'],
    ];
    for (const [call, type, message] of cases) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
      expect(history.list()).toEqual(before);
      expect(history.current).toBe('b');
    }
    expect(() => new History().markFailed()).toThrow('History.markFailed: the history is empty');
  });

  it('lets an error thrown by a predicate through and changes nothing', () => {
    const history = new History<string>();
    history.push('a');
    history.push('b');
    expect(() =>
      history.rollbackTo(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(history.current).toBe('b');
  });

  it('refuses a predicate that answers with a thenable, a function with `then` included, and changes nothing', () => {
    const history = new History<string>();
    for (const v of ['v1', 'v2', 'v3']) history.push(v);
    const thenableFunction = Object.assign(() => {}, { then: (resolve: (v: boolean) => void) => resolve(false) });
    for (const answer of [Promise.resolve(true), { then: () => {} }, thenableFunction]) {
      expect(() => history.rollbackTo(() => answer as never)).toThrow('History.rollbackTo: the predicate returned a promise; it must answer synchronously');
      expect(history.current).toBe('v3');
    }
  });

  it('refuses a clock reading that is not finite, Infinity included, and keeps nothing', () => {
    for (const reading of [Infinity, -Infinity, Number.NaN]) {
      const history = new History<string>({ clock: () => reading });
      expect(() => history.push('v1')).toThrow(`History.push: \`clock\` returned ${reading}, expected a finite number`);
      expect(history.size).toBe(0);
    }
  });

  it('hands out records that cannot change the history', () => {
    const history = new History<string>();
    history.push('a');
    const record = history.get(1)!;
    expect(Object.isFrozen(record)).toBe(true);
    expect(() => ((record as { status: string }).status = 'failed')).toThrow(TypeError);
    expect(history.get(1)!.status).toBe('deployed');
  });
});

describe('History: inspection', () => {
  it('iterates over the records as they were when the loop began, whatever the loop changes', () => {
    const history = new History<string>();
    for (const v of ['1.0', '1.1', '1.2', '1.3', '1.4']) history.push(v);
    const seen: string[] = [];
    for (const record of history) {
      seen.push(`${record.revision}:${record.entry}`);
      if (record.revision === 5) history.rollback(3); // walking back from the newest: three are discarded
    }
    expect(seen).toEqual(['5:1.4', '4:1.3', '3:1.2', '2:1.1', '1:1.0']);
    const limited = new History<number>({ limit: 3 });
    for (const v of [1, 2, 3]) limited.push(v);
    const revisions: number[] = [];
    for (const record of limited) {
      revisions.push(record.revision);
      if (revisions.length < 3) limited.push(10 + revisions.length); // past the limit: the oldest go
    }
    expect(revisions).toEqual([3, 2, 1]);
    expect(limited.list().map((r) => r.revision)).toEqual([5, 4, 3]);
  });

  it('is iterable newest first, JSON-serialisable and readable in the console', () => {
    const history = new History<string>({ limit: 5, mode: 'roll-forward', clock: () => 7 });
    history.push('a');
    history.push('b');
    history.pin(1);
    expect([...history].map((r) => r.entry)).toEqual(['b', 'a']);
    expect(JSON.parse(JSON.stringify(history))).toEqual({
      mode: 'roll-forward',
      limit: 5,
      current: 2,
      revisions: [
        { revision: 2, entry: 'b', status: 'deployed', at: 7, pinned: false },
        { revision: 1, entry: 'a', status: 'superseded', at: 7, pinned: true },
      ],
    });
    expect(inspect(history)).toBe('History(2 of 5, roll-forward) [r2 deployed (current): "b", r1 superseded pinned: "a"]');
    expect(Object.prototype.toString.call(history)).toBe('[object History]');
  });
});
