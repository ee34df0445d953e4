import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Arena, CapacityError, InvalidArgumentError, NumericPriorityQueue, NumericQueue, NumericStack, Queue, SnapshotError, type NumericPriorityQueueOptions, type NumericQueueOptions, type NumericRestoreOptions, type NumericStackOptions } from '../../src/index.js';
import { crc32, encodeIds, encodeNumbers, writeSnapshot } from '../../src/core/snapshot.js';
import { debugArena } from '../helpers/builds.js';
import { fillArena } from '../helpers/fill-arena.js';

const arena = new Arena({ maxMemory: 16 << 20 });
const id = fc.integer({ min: 0, max: 0xffff_ffff });
/** Few distinct values, so that ties (and -0 beside 0) are common, and any finite double. */
const priority = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(-0), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** [id, priority] pairs in pop order, with -0 kept apart from 0 by toEqual. */
const entries = (queue: NumericPriorityQueue) => [...queue.entries()];

function sampleQueue(): NumericPriorityQueue {
  return NumericPriorityQueue.from([[7, 2], [8, -0], [9, 2], [10, 0], [11, 2]], { max: true, arena });
}

describe('NumericPriorityQueue snapshots', () => {
  it('restore ids, priorities (even -0), order among equals and max mode; the queue is unchanged', () => {
    for (const max of [false, true]) {
      const queue = NumericPriorityQueue.from([[1, 3], [2, -0], [3, 3], [4, 0], [5, -1.5], [6, 3], [7, -0]], { max, arena });
      const before = entries(queue);
      const restored = NumericPriorityQueue.restore(queue.snapshot(), { arena });
      expect(restored.max).toBe(max);
      expect(entries(restored)).toEqual(before);
      expect(before.filter(([, p]) => Object.is(p, -0)).map(([i]) => i)).toEqual([2, 7]);
      expect(entries(queue)).toEqual(before);
      // It goes on as the original does: a new id behind its equals.
      queue.push(99, 3);
      restored.push(99, 3);
      expect(entries(restored)).toEqual(entries(queue));
      queue.dispose();
      restored.dispose();
    }
    const empty = new NumericPriorityQueue({ arena });
    expect(NumericPriorityQueue.restore(empty.snapshot(), { arena }).size).toBe(0);
  });

  it('a queue in runs mode snapshots in pop order; on a full arena it refuses by name, nothing changed', () => {
    const { arena: small, core } = debugArena({ maxMemory: 2 << 20 });
    core.debug_heapRunsShape(48, 64, 4, 8, 256); // value heaps in runs from 48 entries
    const queue = new NumericPriorityQueue({ arena: small });
    for (let i = 0; i < 5000; i++) queue.push(i, (i * 7919) % 101);
    const before = entries(queue);
    const bytes = queue.snapshot();
    const restored = NumericPriorityQueue.restore(bytes, { arena });
    expect(entries(restored)).toEqual(before);
    restored.dispose();
    // Only a queue in runs mode needs memory to be read in order: this one is in it.
    const free = fillArena(small, 0);
    expect(() => queue.snapshot()).toThrow(CapacityError);
    expect(() => queue.snapshot()).toThrow(/^NumericPriorityQueue\.snapshot: the arena's memory \(maxMemory 2097152 bytes\)/);
    free();
    expect(queue.snapshot()).toEqual(bytes);
    queue.dispose();
  });

  it('random contents: snapshot, restore, same contents and order; the original unchanged', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(id, priority), { maxLength: 80 }), fc.nat(10), (max, pairs, pops) => {
        const queue = NumericPriorityQueue.from(pairs, { max, arena });
        for (let k = 0; k < pops; k++) queue.pop();
        const before = entries(queue);
        const bytes = queue.snapshot();
        const restored = NumericPriorityQueue.restore(bytes, { arena });
        expect([restored.max, entries(restored)]).toEqual([max, before]);
        expect(entries(queue)).toEqual(before);
        expect(queue.snapshot()).toEqual(bytes);
        queue.dispose();
        restored.dispose();
      }),
      { numRuns: 200 },
    );
  });
});

describe('NumericQueue snapshots', () => {
  it('restore ids front to back, capacity and overflow, also across the ring’s wrap', () => {
    const wrapped = NumericQueue.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], { arena });
    for (let k = 0; k < 10; k++) wrapped.shift();
    wrapped.pushMany([17, 18, 19, 20, 21, 22, 23, 24]);
    const restored = NumericQueue.restore(wrapped.snapshot(), { arena });
    expect([[...restored.toArray()], restored.capacity]).toEqual([[...wrapped.toArray()], Infinity]);

    const dropping = NumericQueue.from([1, 2, 3, 4, 5, 6], { capacity: 4, overflow: 'drop-oldest', arena });
    const copy = NumericQueue.restore(dropping.snapshot(), { arena });
    expect([[...copy.toArray()], copy.capacity]).toEqual([[3, 4, 5, 6], 4]);
    copy.push(7); // drops the oldest, as the original would
    expect([...copy.toArray()]).toEqual([4, 5, 6, 7]);

    const rejecting = NumericQueue.restore(NumericQueue.from([1, 2], { capacity: 2, arena }).snapshot(), { arena });
    expect(() => rejecting.push(3)).toThrow(new CapacityError('NumericQueue.push: capacity (2) exceeded'));
    expect([...rejecting.toArray()]).toEqual([1, 2]);
  });

  it('random contents and options: snapshot, restore, same ids and behaviour; the original unchanged', () => {
    const capacity = fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined });
    const overflow = fc.constantFrom('reject' as const, 'drop-oldest' as const);
    // A number pushes (at the back, or the front when odd), undefined shifts.
    const ops = fc.array(fc.option(id, { nil: undefined, freq: 4 }), { maxLength: 80 });
    fc.assert(
      fc.property(capacity, overflow, ops, id, (capacity, overflow, ops, next) => {
        const queue = new NumericQueue({ capacity, overflow, arena });
        for (const op of ops) {
          try {
            if (op === undefined) queue.shift();
            else if (op % 2 === 1) queue.unshift(op);
            else queue.push(op);
          } catch (error) {
            expect(error).toBeInstanceOf(CapacityError); // a rejecting queue at capacity
          }
        }
        const before = [...queue.toArray()];
        const bytes = queue.snapshot();
        const restored = NumericQueue.restore(bytes, { arena });
        expect([[...restored.toArray()], restored.capacity]).toEqual([before, capacity ?? Infinity]);
        expect([...queue.toArray()]).toEqual(before);
        expect(queue.snapshot()).toEqual(bytes);
        const push = (q: NumericQueue) => {
          try {
            q.push(next);
          } catch (error) {
            return (error as Error).message;
          }
          return [...q.toArray()];
        };
        expect(push(restored)).toEqual(push(queue));
        queue.dispose();
        restored.dispose();
      }),
      { numRuns: 200 },
    );
  });
});

describe('NumericStack snapshots', () => {
  it('restore ids bottom to top and the limit, unbounded and bounded', () => {
    const unbounded = NumericStack.from([5, 6, 7, 0, 0xffff_ffff], { arena });
    const copy = NumericStack.restore(unbounded.snapshot(), { arena });
    expect([copy.toArray(), copy.limit]).toEqual([[0xffff_ffff, 0, 7, 6, 5], Infinity]);

    const bounded = NumericStack.from([1, 2, 3, 4, 5], { limit: 3, arena });
    const restored = NumericStack.restore(bounded.snapshot(), { arena });
    expect([restored.toArray(), restored.limit]).toEqual([[5, 4, 3], 3]);
    restored.push(6); // the bottom id gives way, as in the original
    expect(restored.toArray()).toEqual([6, 5, 4]);
  });

  it('random contents and limits: snapshot, restore, same ids and behaviour; the original unchanged', () => {
    const limit = fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined });
    const ops = fc.array(fc.option(id, { nil: undefined, freq: 4 }), { maxLength: 80 }); // undefined pops
    fc.assert(
      fc.property(limit, ops, id, (limit, ops, next) => {
        const stack = new NumericStack({ limit, arena });
        for (const op of ops) {
          if (op === undefined) stack.pop();
          else stack.push(op);
        }
        const before = stack.toArray();
        const bytes = stack.snapshot();
        const restored = NumericStack.restore(bytes, { arena });
        expect([restored.toArray(), restored.limit]).toEqual([before, limit ?? Infinity]);
        expect(stack.toArray()).toEqual(before);
        expect(stack.snapshot()).toEqual(bytes);
        stack.push(next);
        restored.push(next);
        expect(restored.toArray()).toEqual(stack.toArray());
        stack.dispose();
        restored.dispose();
      }),
      { numRuns: 200 },
    );
  });
});

const kinds = [
  ['NumericPriorityQueue', () => sampleQueue().snapshot(), (bytes: unknown, options?: object) => NumericPriorityQueue.restore(bytes as Uint8Array, options)],
  ['NumericQueue', () => NumericQueue.from([4, 5, 6], { capacity: 9, arena }).snapshot(), (bytes: unknown, options?: object) => NumericQueue.restore(bytes as Uint8Array, options)],
  ['NumericStack', () => NumericStack.from([4, 5, 6], { limit: 9, arena }).snapshot(), (bytes: unknown, options?: object) => NumericStack.restore(bytes as Uint8Array, options)],
] as const;

describe.each(kinds)('%s.restore refuses damaged bytes', (kind, sample, restore) => {
  it('rejects any single flipped bit, any truncation and trailing bytes with SnapshotError', () => {
    const bytes = sample();
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
        const corrupt = bytes.slice();
        corrupt[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => restore(corrupt, { arena })).toThrow(SnapshotError);
      }),
      { numRuns: 300 },
    );
    for (let length = 0; length < bytes.length; length++) expect(() => restore(bytes.subarray(0, length), { arena })).toThrow(SnapshotError);
    expect(() => restore(new Uint8Array([...bytes, 0]), { arena })).toThrow(SnapshotError);
    expect(() => restore(Queue.from([1]).snapshot())).toThrow(`${kind}.restore: this is a Queue snapshot, not a ${kind} one`);
    expect(() => restore(bytes, { maxBytes: 10 })).toThrow(`${kind}.restore: the snapshot is ${bytes.length} bytes, more than maxBytes (10)`);
    // A damaged snapshot whose checksum was made to match: the body is read as JSON, and refused.
    const body = bytes.subarray(0, bytes.length - 4);
    const resealed = new Uint8Array(bytes);
    resealed[body.length - 2] = 0x7b; // '{' in the body's last place
    new DataView(resealed.buffer).setUint32(resealed.length - 4, crc32(resealed.subarray(0, resealed.length - 4)), true);
    expect(() => restore(resealed)).toThrow(`${kind}.restore: the body is not valid JSON`);
  });

  it('checks its options first: InvalidArgumentError naming the call, never a silent default', () => {
    const bytes = sample();
    for (const options of [5, null, 'arena', [arena]]) expect(() => restore(bytes, options as never)).toThrow(`${kind}.restore: expected an options object, got`);
    expect(() => restore(bytes, { codec: { encode: String, decode: Number } })).toThrow(`${kind}.restore: unknown option "codec"; it takes \`maxBytes\``);
    expect(() => restore(bytes, { encode: String, decode: Number })).toThrow(`${kind}.restore: got a codec where options were expected; pass it as { codec }`);
    expect(() => restore(bytes, { maxBytes: 0 })).toThrow(new InvalidArgumentError(`${kind}.restore: expected \`maxBytes\` to be an integer >= 1, got 0`));
    // Before the bytes are read: a bad option is named even with bytes that are no snapshot.
    expect(() => restore('nope', { arena: 5 })).toThrow(new InvalidArgumentError(`${kind}.restore: expected \`arena\` to be an Arena, got 5`));
    expect(() => restore('nope', { capcity: 5 })).toThrow(InvalidArgumentError);
    expect(() => restore(bytes, { maxBytes: bytes.length, arena })).not.toThrow();
  });
});

describe('restore-or-create: one options object for restore and the constructor', () => {
  it('restore uses its arena and keeps the snapshot’s own order and bounds', () => {
    const other = new Arena({ maxMemory: 2 << 20 });
    const before = other.bytesInUse;
    const heapOptions: NumericPriorityQueueOptions & NumericRestoreOptions = { max: false, arena: other, maxBytes: 1 << 20 };
    const queue = NumericPriorityQueue.restore(sampleQueue().snapshot(), heapOptions);
    expect([queue.max, queue.peek()]).toEqual([true, 7]);
    const ringOptions: NumericQueueOptions & NumericRestoreOptions = { capacity: 100, overflow: 'reject', arena: other };
    const ring = NumericQueue.restore(NumericQueue.from([1], { capacity: 3, overflow: 'drop-oldest', arena }).snapshot(), ringOptions);
    ring.pushMany([2, 3, 4]);
    expect([[...ring.toArray()], ring.capacity]).toEqual([[2, 3, 4], 3]);
    const stackOptions: NumericStackOptions & NumericRestoreOptions = { limit: 1, arena: other };
    const stack = NumericStack.restore(NumericStack.from([1, 2]).snapshot(), stackOptions);
    expect([stack.toArray(), stack.limit]).toEqual([[2, 1], Infinity]);
    expect(other.bytesInUse).toBeGreaterThan(before);
    for (const structure of [queue, ring, stack]) structure.dispose();
    expect(other.bytesInUse).toBe(before);
  });
});

describe('a well-formed snapshot whose contents contradict themselves', () => {
  const refused = (restore: () => unknown, message: string | RegExp) => {
    const before = arena.bytesInUse;
    expect(restore).toThrow(SnapshotError);
    expect(restore).toThrow(message);
    expect(arena.bytesInUse).toBe(before); // nothing built
  };

  it('NumericPriorityQueue: a wrong size, a bad column, a priority that is not finite', () => {
    const where = 'NumericPriorityQueue.restore';
    const forged = (body: object) => () => NumericPriorityQueue.restore(writeSnapshot('NumericPriorityQueue', { max: false, size: 2, ids: encodeIds([1, 2]), priorities: encodeNumbers([1, 2]), ...body }), { arena });
    expect(entries(forged({})())).toEqual([[1, 1], [2, 2]]);
    for (const size of [1, 3]) refused(forged({ size }), `${where}: the id column holds 2 values, expected ${size}`);
    for (const size of [-1, 1.5, '2', null, 2 ** 53, undefined]) refused(forged({ size }), `${where}: malformed field \`size\``);
    // Ids that are no u32 (a column of doubles, 1.5 and -1) cannot be written as ids: the column's length gives them away.
    refused(forged({ ids: encodeNumbers([1.5, -1]) }), `${where}: the id column holds 4 values, expected 2`);
    refused(forged({ ids: [1, 2] }), `${where}: malformed id column`);
    refused(forged({ ids: 'not base64!' }), `${where}: malformed id column`);
    refused(forged({ priorities: encodeNumbers([1, 2, 3]) }), `${where}: the number column holds 3 values, expected 2`);
    for (const bad of [NaN, Infinity, -Infinity]) refused(forged({ priorities: encodeNumbers([1, bad]) }), `${where}: a priority is not finite`);
    refused(forged({ max: 'yes' }), `${where}: malformed field \`max\``);
    refused(() => NumericPriorityQueue.restore(writeSnapshot('NumericPriorityQueue', [1, 2]), { arena }), `${where}: malformed body`);
  });

  it('NumericQueue: more ids than the capacity, a bound the constructor refuses, an unknown overflow', () => {
    const where = 'NumericQueue.restore';
    const forged = (body: object) => () => NumericQueue.restore(writeSnapshot('NumericQueue', { capacity: 5, overflow: 'reject', size: 5, ids: encodeIds([1, 2, 3, 4, 5]), ...body }), { arena });
    expect([...forged({})().toArray()]).toEqual([1, 2, 3, 4, 5]);
    for (const overflow of ['reject', 'drop-oldest']) refused(forged({ capacity: 3, overflow }), `${where}: 5 ids exceed the capacity (3)`);
    for (const capacity of [0, -1, 1.5, '5', 2 ** 31 + 1, undefined]) refused(forged({ capacity }), `${where}: malformed field \`capacity\``);
    refused(forged({ overflow: 'drop' }), `${where}: malformed field \`overflow\``);
    refused(forged({ size: 4 }), `${where}: the id column holds 5 values, expected 4`);
    expect(forged({ capacity: null })().capacity).toBe(Infinity);
  });

  it('NumericStack: more ids than the limit, a bound the constructor refuses', () => {
    const where = 'NumericStack.restore';
    const forged = (body: object) => () => NumericStack.restore(writeSnapshot('NumericStack', { limit: 5, size: 5, ids: encodeIds([1, 2, 3, 4, 5]), ...body }), { arena });
    expect(forged({})().toArray()).toEqual([5, 4, 3, 2, 1]);
    refused(forged({ limit: 3 }), `${where}: 5 ids exceed the limit (3)`);
    for (const limit of [0, 1e300, 2 ** 31 + 1, true]) refused(forged({ limit }), `${where}: malformed field \`limit\``);
    refused(forged({ size: 6 }), `${where}: the id column holds 5 values, expected 6`);
  });
});

describe('a restore or from on a full arena', () => {
  it('throws CapacityError naming the call, and leaves nothing of the half-built structure', () => {
    const full = new Arena({ maxMemory: 2 << 20 });
    const ids = Uint32Array.from({ length: 20_000 }, (_, i) => i);
    const pairs = [...ids].map((i) => [i, i % 7] as const);
    const snapshots = [
      ['NumericPriorityQueue', NumericPriorityQueue.from(pairs, { arena }).snapshot(), (bytes: Uint8Array) => NumericPriorityQueue.restore(bytes, { arena: full })],
      ['NumericQueue', NumericQueue.from(ids, { arena }).snapshot(), (bytes: Uint8Array) => NumericQueue.restore(bytes, { arena: full })],
      ['NumericStack', NumericStack.from(ids, { arena }).snapshot(), (bytes: Uint8Array) => NumericStack.restore(bytes, { arena: full })],
      ['NumericStack', NumericStack.from(ids, { limit: 30_000, arena }).snapshot(), (bytes: Uint8Array) => NumericStack.restore(bytes, { arena: full })],
    ] as const;
    const free = fillArena(full, 1024);
    const before = full.bytesInUse;
    for (const [kind, bytes, restore] of snapshots) {
      expect(() => restore(bytes)).toThrow(CapacityError);
      expect(() => restore(bytes)).toThrow(new RegExp(`^${kind}\\.restore: the arena's memory \\(maxMemory 2097152 bytes\\) is exhausted`));
      expect(full.bytesInUse).toBe(before);
    }
    expect(() => NumericPriorityQueue.from(pairs, { arena: full })).toThrow(/^NumericPriorityQueue\.from: the arena's memory \(maxMemory 2097152 bytes\) is exhausted/);
    expect(full.bytesInUse).toBe(before);
    free();
    for (const [, bytes, restore] of snapshots) {
      const restored = restore(bytes);
      expect(restored.snapshot()).toEqual(bytes);
      restored.dispose();
    }
  });
});

describe('NumericPriorityQueue.from', () => {
  it('builds from [id, priority] pairs in O(n), max first when asked', () => {
    const queue = NumericPriorityQueue.from(new Map([[3, 1], [1, 5], [2, 1]]), { max: true, arena });
    expect(entries(queue)).toEqual([[1, 5], [3, 1], [2, 1]]);
    expect(NumericPriorityQueue.from([]).size).toBe(0);
  });

  it('refuses bad entries naming the call and the entry, nothing left in the arena', () => {
    const before = arena.bytesInUse;
    const from = (given: unknown) => () => NumericPriorityQueue.from(given as never, { arena });
    for (const bad of [5, null, {}, 'ab']) expect(from(bad)).toThrow(`NumericPriorityQueue.from: expected an iterable of [id, priority] pairs, got`);
    expect(from([[1, 1], 5])).toThrow(new InvalidArgumentError('NumericPriorityQueue.from: entries[1]: expected an [id, priority] pair, got 5'));
    expect(from([[1, 1], null])).toThrow(new InvalidArgumentError('NumericPriorityQueue.from: entries[1]: expected an [id, priority] pair, got null'));
    expect(from([[1, 1], [-1, 2]])).toThrow(new InvalidArgumentError('NumericPriorityQueue.from: ids[1]: expected an integer from 0 to 4294967295, got -1'));
    expect(from([[1, 1], [2, NaN]])).toThrow(/^NumericPriorityQueue\.from: priorities\[1\]: expected a finite number priority, got NaN$/);
    expect(() => NumericPriorityQueue.from([], { capacity: 3 } as never)).toThrow(/^NumericPriorityQueue\.from: unknown option "capacity"/);
    expect(arena.bytesInUse).toBe(before);
  });
});
