import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SnapshotError, StateError } from '../../src/core/errors.js';
import { writeSnapshot, type Codec } from '../../src/core/snapshot.js';
import { History } from '../../src/history.js';
import { expectRejectsDamage } from '../scheduler/corruption.js';

/** A history with every kind of state: statuses, reasons, pins, a dropped revision and a redo side. */
function sample(mode: 'default' | 'roll-forward' = 'default') {
  let now = 1000;
  const h = new History<{ tag: string }>({ limit: 4, mode, clock: () => (now += 10) });
  h.push({ tag: '1.0' }, { reason: 'first' });
  h.push({ tag: '1.1' });
  h.pin(2);
  h.push({ tag: '1.2' }, { reason: 'feature' });
  h.markFailed();
  h.push({ tag: '1.3' });
  h.push({ tag: '1.4' }, { reason: 'drops r1' });
  h.undo();
  return h;
}

describe('History snapshots', () => {
  for (const mode of ['default', 'roll-forward'] as const) {
    it(`${mode}: restores revisions, statuses, reasons, times, pins, the current one, the redo side, numbering, mode and limit`, () => {
      const h = sample(mode);
      const r = History.restore<{ tag: string }>(h.snapshot(), { clock: () => 5000 });
      expect(r.list()).toEqual(h.list());
      expect([r.mode, r.limit, r.size, r.currentRevision, r.canUndo, r.canRedo]).toEqual([mode, 4, h.size, 4, true, true]);
      expect(r.current).toEqual({ tag: '1.3' });
      expect(r.redo()).toEqual({ tag: '1.4' });
      // Numbering carries on; the pin still holds when the limit drops one.
      expect(r.push({ tag: '1.5' })).toBe(6);
      expect(r.list().map((x) => x.revision)).toEqual([6, 5, 4, 2]);
      expect(r.get(6)?.at).toBe(5000);
      expect(h.push({ tag: '1.5' })).toBe(6);
    });
  }

  it('restores an empty history, and one that was cleared (numbering carries on)', () => {
    const empty = History.restore<string>(new History<string>().snapshot());
    expect([empty.size, empty.current, empty.limit]).toEqual([0, undefined, 10]);
    const h = new History<string>();
    h.push('a');
    h.push('b');
    h.clear();
    const r = History.restore<string>(h.snapshot());
    expect(r.push('c')).toBe(3);
  });

  it('entries go through a codec; one it cannot encode or decode is a SnapshotError', () => {
    const codec: Codec<Map<string, number>> = { encode: (m) => JSON.stringify([...m]), decode: (t) => new Map(JSON.parse(t)) };
    const h = new History<Map<string, number>>();
    h.push(new Map([['timeoutMs', 200]]));
    const r = History.restore(h.snapshot({ codec }), { codec });
    expect(r.current).toEqual(new Map([['timeoutMs', 200]]));
    expect(() => h.snapshot()).not.toThrow(); // a Map is JSON ({}), if not a useful one
    const withFunction = new History<() => void>();
    withFunction.push(() => {});
    expect(() => withFunction.snapshot()).toThrow('History.snapshot: the entry of revision 1: the JSON codec cannot encode a function');
    const toUndefined: Codec<unknown> = { encode: JSON.stringify, decode: () => undefined };
    expect(() => History.restore(h.snapshot({ codec }), { codec: toUndefined })).toThrow('History.restore: the entry of revision 1 decoded to undefined');
  });

  it('a codec that calls back in (undo, push, markFailed) does not change the snapshot it is writing', () => {
    const h = new History<string>();
    h.push('v1');
    h.push('v2');
    h.push('v3');
    let calls = 0;
    const meddling: Codec<string> = {
      encode: (entry) => {
        if (calls++ === 0) {
          h.undo();
          h.markFailed();
          h.push('v4');
        }
        return JSON.stringify(entry);
      },
      decode: (text) => JSON.parse(text) as string,
    };
    const bytes = h.snapshot({ codec: meddling });
    const r = History.restore(bytes, { codec: meddling });
    expect(r.current).toBe('v3');
    expect([...r].map((record) => [record.revision, record.status])).toEqual([[3, 'deployed'], [2, 'superseded'], [1, 'superseded']]); // newest first
    expect(h.current).toBe('v4');
  });

  it('rejects flipped bits, truncation, trailing bytes, another version or kind, too many bytes', () => {
    expectRejectsDamage('History.restore', sample().snapshot(), (bytes, maxBytes) => History.restore(bytes, { maxBytes }));
  });

  it('rejects inconsistent contents before building anything', () => {
    const bytes = sample().snapshot();
    const body = JSON.parse(new TextDecoder().decode(bytes.subarray(44 + 'History'.length, bytes.length - 4)));
    const forge = (change: (b: typeof body) => void) => {
      const copy = structuredClone(body);
      change(copy);
      return writeSnapshot('History', copy);
    };
    const cases: [(b: typeof body) => void, RegExp][] = [
      [(b) => (b.limit = 2), /4 revisions exceed the limit \(2\)/],
      [(b) => (b.limit = 3), /4 revisions exceed the limit \(3\)/],
      [(b) => (b.revisions[2].revision = b.revisions[1].revision), /malformed field `revision`/],
      [(b) => (b.revisions[2].revision = 2), /malformed field `revision`/],
      [(b) => (b.nextRevision = 5), /malformed field `revision`/],
      [(b) => (b.nextRevision = Number.MAX_SAFE_INTEGER), /malformed field `nextRevision`/],
      [(b) => (b.current = 4), /malformed field `current`/],
      [(b) => (b.current = -1), /malformed field `current`/],
      [(b) => (b.revisions[0].status = 'deployed'), /revision 2 is deployed, yet not current/],
      [(b) => (b.revisions[2].status = 'superseded'), /revision 4 is superseded, yet current/],
      [(b) => (b.revisions[0].status = 'live'), /malformed field `status`/],
      [(b) => (b.revisions[0].reason = 5), /malformed field `reason`/],
      [(b) => (b.revisions[0].at = null), /malformed field `at`/],
      [(b) => (b.mode = 'stack'), /malformed field `mode`/],
      [(b) => b.payloads.pop(), /3 payloads for 4 revisions/],
    ];
    for (const [change, message] of cases) {
      expect(() => History.restore(forge(change))).toThrow(SnapshotError);
      expect(() => History.restore(forge(change))).toThrow(message);
    }
    expect(History.restore(forge(() => {})).size).toBe(4);
  });

  it('checks the clock it is given under its own name, before reading', () => {
    const bytes = sample().snapshot();
    expect(() => History.restore(bytes, { clock: 5 as never })).toThrow('History.restore: expected `clock` to be a function, got 5');
    expect(() => History.restore(new Uint8Array(3), { clock: 5 as never })).toThrow(/`clock`/);
  });
});

describe('History faults: callbacks', () => {
  it('a predicate that changes the history gets StateError, and the history is as it was', () => {
    const h = sample();
    const before = JSON.stringify(h);
    for (const change of [(x: History<{ tag: string }>) => x.push({ tag: 'sneaky' }), (x: History<{ tag: string }>) => x.undo(), (x: History<{ tag: string }>) => x.clear(), (x: History<{ tag: string }>) => x.pin(3)]) {
      expect(() => h.rollbackTo(() => (change(h), true))).toThrow(StateError);
      expect(() => h.rollbackTo(() => (change(h), true))).toThrow(/called from a predicate or the clock while the history is mid-change/);
      expect(JSON.stringify(h)).toBe(before);
    }
    // A predicate that throws anything lets it through with nothing changed; reading is fine.
    for (const thrown of [new Error('bad predicate'), 'a string', undefined]) {
      let caught: unknown = 'nothing';
      try {
        h.rollbackTo(() => {
          throw thrown;
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(thrown);
      expect(JSON.stringify(h)).toBe(before);
    }
    expect(h.rollbackTo((entry) => h.get(2)!.entry === entry)).toEqual({ tag: '1.1' });
    expect(h.currentRevision).toBe(2);
  });

  it('an async predicate is refused (its promise is truthy, so it would match the first revision asked)', async () => {
    const h = sample();
    const before = JSON.stringify(h);
    const asyncMatch = async (entry: { tag: string }) => entry.tag === '1.0';
    expect(() => h.rollbackTo(asyncMatch as never)).toThrow('History.rollbackTo: the predicate returned a promise; it must answer synchronously');
    expect(() => h.rollbackTo(asyncMatch as never, { dryRun: true })).toThrow(InvalidArgumentError);
    expect(JSON.stringify(h)).toBe(before);
    // A rejecting async predicate: refused, and its rejection does not go unhandled.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      expect(() => h.rollbackTo((async () => { throw new Error('lookup failed'); }) as never)).toThrow(InvalidArgumentError);
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    // Other truthy answers match, as Array#find's do.
    expect(h.rollbackTo((entry) => (entry.tag === '1.1' ? 'yes' : '') as never)).toEqual({ tag: '1.1' });
  });

  it('a clock that changes the history or throws leaves it as it was; one set back is recorded as read', () => {
    let h: History<string> | undefined;
    let mode: 'ok' | 'call' | 'throw' = 'ok';
    let now = 10_000;
    h = new History<string>({
      mode: 'roll-forward',
      clock: () => {
        if (mode === 'call') h!.push('sneaky');
        if (mode === 'throw') throw 'clock broke';
        return now;
      },
    });
    h.push('a');
    h.push('b');
    const before = JSON.stringify(h);
    mode = 'call';
    expect(() => h!.push('c')).toThrow('History.push: called from a predicate or the clock');
    expect(() => h!.rollback()).toThrow(StateError);
    mode = 'throw';
    expect(() => h!.push('c')).toThrow('clock broke');
    expect(JSON.stringify(h)).toBe(before);
    mode = 'ok';
    now = 4_000; // set back: `at` is the reading, for people to see
    h.push('c');
    expect(h.list().map((r) => r.at)).toEqual([4_000, 10_000, 10_000]);
    // A reading of -0 is recorded as 0, so that a snapshot restores what the live history shows.
    now = -0;
    h.push('d');
    expect(Object.is(h.get(4)!.at, 0)).toBe(true);
    expect(History.restore<string>(h.snapshot()).list()).toEqual(h.list());
  });
});
