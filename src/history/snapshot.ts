/**
 * The History's snapshot body: what it holds and how it is checked on the way back.
 *
 * A snapshot holds the kept revisions oldest first (entries through the codec) with their numbers,
 * statuses, reasons, times and pins; the index of the current one (those after it are the redo
 * side); the next revision number; and the options that are data. `at` is kept as recorded: it is
 * a clock reading shown to people, not a time the history waits on.
 */
import { SnapshotError, describe } from '../core/errors.js';
import { bodyObject, decodePayloads, encodePayloads, field, isCounter, jsonCodec, readSnapshot, writeSnapshot, type Codec, type SnapshotBytes } from '../core/snapshot.js';
import type { Revision, RevisionStatus } from './record.js';

export const SNAPSHOT_KIND = 'History';

const STATUSES: readonly RevisionStatus[] = ['deployed', 'superseded', 'failed', 'rolled-back'];

export interface SavedHistory<T> {
  readonly mode: 'default' | 'roll-forward';
  readonly limit: number;
  readonly nextRevision: number;
  /** Index of the current revision; -1 when empty. */
  readonly current: number;
  /** Oldest first. */
  readonly revisions: readonly Revision<T>[];
}

export function writeHistorySnapshot<T>(state: SavedHistory<T>, codec: Codec<T> = jsonCodec as Codec<T>): Uint8Array {
  // The records are copied before the codec runs: it may call back in (undo, push, markFailed) and
  // change the live ones, and the bytes must describe one moment.
  const revisions = state.revisions.map((r) => ({ revision: r.revision, status: r.status, reason: r.reason ?? null, at: r.at, pinned: r.pinned }));
  const entries = state.revisions.map((r) => r.entry);
  return writeSnapshot(SNAPSHOT_KIND, {
    mode: state.mode,
    limit: state.limit,
    nextRevision: state.nextRevision,
    current: state.current,
    payloads: encodePayloads('History.snapshot', entries, codec, (i) => `the entry of revision ${state.revisions[i]!.revision}`),
    revisions,
  });
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

export function readHistorySnapshot<T>(bytes: SnapshotBytes, codec: Codec<T> = jsonCodec as Codec<T>, maxBytes?: number): SavedHistory<T> {
  const where = 'History.restore';
  const body = bodyObject(where, readSnapshot(where, SNAPSHOT_KIND, bytes, maxBytes));
  const mode = field<SavedHistory<T>['mode']>(where, body, 'mode', (v) => v === 'default' || v === 'roll-forward');
  const limit = field<number>(where, body, 'limit', isCount);
  const nextRevision = field<number>(where, body, 'nextRevision', (v) => isCounter(v, 1));
  if (!Array.isArray(body.revisions)) throw new SnapshotError(`${where}: malformed field \`revisions\` (${describe(body.revisions)})`);
  const count = body.revisions.length;
  if (count > limit) throw new SnapshotError(`${where}: ${count} revisions exceed the limit (${limit})`);
  const current = field<number>(where, body, 'current', (v) => typeof v === 'number' && Number.isInteger(v) && v >= (count === 0 ? -1 : 0) && v < count);
  const entries = decodePayloads(where, body.payloads, codec);
  if (entries.length !== count) throw new SnapshotError(`${where}: ${entries.length} payloads for ${count} revisions`);

  let previous = 0;
  const revisions = body.revisions.map((saved: unknown, i): Revision<T> => {
    const box = bodyObject(where, saved);
    const revision = field<number>(where, box, 'revision', (v) => isCount(v) && (v as number) > previous && (v as number) < nextRevision);
    previous = revision;
    const status = field<RevisionStatus>(where, box, 'status', (v) => STATUSES.includes(v as RevisionStatus));
    // Only the current revision is ever deployed, and it is deployed or failed.
    if ((status === 'deployed') !== (i === current) && !(i === current && status === 'failed')) {
      throw new SnapshotError(`${where}: revision ${revision} is ${status}${i === current ? ', yet current' : ', yet not current'}`);
    }
    if (entries[i] === undefined) throw new SnapshotError(`${where}: the entry of revision ${revision} decoded to undefined`);
    return {
      revision,
      entry: entries[i]!,
      status,
      reason: field<string | null>(where, box, 'reason', (v) => v === null || typeof v === 'string') ?? undefined,
      at: field<number>(where, box, 'at', (v) => typeof v === 'number' && Number.isFinite(v)),
      pinned: field<boolean>(where, box, 'pinned', (v) => typeof v === 'boolean'),
    };
  });
  return { mode, limit, nextRevision, current, revisions };
}
