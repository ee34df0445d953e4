import fc from 'fast-check';
import { expect } from 'vitest';
import { Queue, SnapshotError } from '../../src/index.js';
import { crc32 } from '../../src/core/snapshot.js';

/**
 * Checks that `restore` rejects every kind of damaged snapshot with SnapshotError, as
 * test/core/snapshot.test.ts does for the structures: any flipped bit, any truncation, trailing
 * bytes, a format version it does not read, a snapshot of another kind, more bytes than `maxBytes`,
 * and values that are not bytes at all.
 */
export function expectRejectsDamage(where: string, bytes: Uint8Array, restore: (bytes: Uint8Array, maxBytes?: number) => unknown): void {
  fc.assert(
    fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
      const corrupt = bytes.slice();
      corrupt[bit >> 3]! ^= 1 << (bit & 7);
      expect(() => restore(corrupt)).toThrow(SnapshotError);
    }),
    { numRuns: 300 },
  );
  for (let length = 0; length < bytes.length; length++) expect(() => restore(bytes.subarray(0, length))).toThrow(SnapshotError);
  expect(() => restore(new Uint8Array([...bytes, 0]))).toThrow(SnapshotError);

  const future = bytes.slice();
  new DataView(future.buffer).setUint16(4, 2, true);
  new DataView(future.buffer).setUint32(future.length - 4, crc32(future.subarray(0, future.length - 4)), true);
  expect(() => restore(future)).toThrow(`${where}: format version 2 is not supported`);

  expect(() => restore(Queue.from([1]).snapshot())).toThrow(SnapshotError);
  expect(() => restore(Queue.from([1]).snapshot())).toThrow(/this is a Queue snapshot, not a/);
  expect(() => restore(bytes, 64)).toThrow(`${where}: the snapshot is ${bytes.length} bytes, more than maxBytes (64)`);
  for (const junk of ['bytes', [1, 2, 3], null, undefined, new ArrayBuffer(64)]) {
    expect(() => restore(junk as never)).toThrow(SnapshotError);
  }
  // The undamaged bytes still restore.
  expect(() => restore(bytes)).not.toThrow();
}
