import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Balancer, History, InvalidArgumentError, NumericPriorityQueue, NumericQueue, NumericStack, PriorityQueue, Queue, Scheduler, SnapshotError, Stack, type Codec } from '../../src/index.js';
import { crc32, encodeNumbers, encodePayloads, jsonCodec, writeSnapshot } from '../../src/core/snapshot.js';

const sample = () => {
  const pq = new PriorityQueue<{ job: string }>({ max: true });
  pq.push({ job: 'a' }, 1);
  pq.push({ job: 'b' }, 3);
  pq.push({ job: 'c' }, 1);
  pq.push({ job: 'zero' }, -0);
  return pq;
};

describe('snapshots', () => {
  it('PriorityQueue: restores items, priorities (even -0), order among equals and max mode', () => {
    const bytes = sample().snapshot();
    const restored = PriorityQueue.restore<{ job: string }>(bytes);
    expect(restored.max).toBe(true);
    expect([...restored.entries()]).toEqual([
      [{ job: 'b' }, 3],
      [{ job: 'a' }, 1],
      [{ job: 'c' }, 1],
      [{ job: 'zero' }, -0],
    ]);
    expect(Object.is(restored.priorityOf(restored.push({ job: 'x' }, 5)), 5)).toBe(true);
  });

  it('Queue and Stack: restore items and options', () => {
    const q = new Queue<number>({ capacity: 5, overflow: 'drop-oldest' });
    q.pushMany([1, 2, 3, 4, 5, 6]);
    const rq = Queue.restore<number>(q.snapshot());
    expect([rq.toArray(), rq.capacity]).toEqual([[2, 3, 4, 5, 6], 5]);
    rq.push(7);
    expect(rq.toArray()).toEqual([3, 4, 5, 6, 7]);

    const s = Stack.from(['v1', 'v2', 'v3'], { limit: 3 });
    const rs = Stack.restore<string>(s.snapshot());
    expect([rs.toArray(), rs.limit]).toEqual([['v3', 'v2', 'v1'], 3]);
  });

  it('payloads go through a caller-supplied codec', () => {
    const codec: Codec<Date> = { encode: (d) => d.toISOString(), decode: (t) => new Date(t) };
    const pq = new PriorityQueue<Date>();
    pq.push(new Date('2026-01-02T03:04:05Z'), 1);
    const restored = PriorityQueue.restore(pq.snapshot({ codec }), { codec });
    expect(restored.pop()).toEqual(new Date('2026-01-02T03:04:05Z'));
    expect(() => Queue.from([() => {}]).snapshot()).toThrow(/Queue.snapshot: payload 0: the JSON codec cannot encode a function/);
  });

  it('rejects any single flipped bit, any truncation and trailing bytes with SnapshotError', () => {
    const bytes = sample().snapshot();
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
        const corrupt = bytes.slice();
        corrupt[bit >> 3]! ^= 1 << (bit & 7);
        expect(() => PriorityQueue.restore(corrupt)).toThrow(SnapshotError);
      }),
      { numRuns: 300 },
    );
    for (let length = 0; length < bytes.length; length++) {
      expect(() => PriorityQueue.restore(bytes.subarray(0, length))).toThrow(SnapshotError);
    }
    expect(() => PriorityQueue.restore(new Uint8Array([...bytes, 0]))).toThrow(SnapshotError);
    // Bytes after the body, inside a checksum made to match: the stated body length rules.
    const body = bytes.subarray(0, bytes.length - 4);
    const padded = new Uint8Array(body.length + 3 + 4);
    padded.set(body, 0);
    padded.set([0x20, 0x20, 0x20], body.length);
    new DataView(padded.buffer).setUint32(padded.length - 4, crc32(padded.subarray(0, padded.length - 4)), true);
    expect(() => PriorityQueue.restore(padded)).toThrow(/the body length does not match the snapshot's size/);
  });

  it('names what is wrong: kind, version, size, input type', () => {
    const queueBytes = Queue.from([1]).snapshot();
    expect(() => PriorityQueue.restore(queueBytes)).toThrow('PriorityQueue.restore: this is a Queue snapshot, not a PriorityQueue one');

    const future = sample().snapshot();
    new DataView(future.buffer).setUint16(4, 99, true);
    new DataView(future.buffer).setUint32(future.length - 4, crc32(future.subarray(0, future.length - 4)), true);
    expect(() => PriorityQueue.restore(future)).toThrow(/format version 99 is not supported/);

    expect(() => PriorityQueue.restore(sample().snapshot(), { maxBytes: 10 })).toThrow(/more than maxBytes \(10\)/);
    expect(() => PriorityQueue.restore('nope' as never)).toThrow(/expected the bytes a snapshot\(\) returned \(a Uint8Array, another view of them or an ArrayBuffer\), got "nope"/);
    expect(() => PriorityQueue.restore([...sample().snapshot()] as never)).toThrow(/expected the bytes a snapshot\(\) returned/);
  });

  it('every restore takes the bytes as a view at an offset, an ArrayBuffer (a fetch response) or shared memory', async () => {
    const clock = () => 0;
    const history = new History<number>({ clock });
    history.push(1);
    const scheduler = new Scheduler<string>({ clock });
    scheduler.submit('a', { priority: 2, delay: 5 });
    const balancer = new Balancer<string>({ clock });
    balancer.add('w');
    const services: [{ snapshot(): Uint8Array }, (bytes: unknown) => { snapshot(): Uint8Array }][] = [
      [sample(), (bytes) => PriorityQueue.restore(bytes as Uint8Array)],
      [Queue.from(['a', 'b']), (bytes) => Queue.restore(bytes as ArrayBuffer)],
      [Stack.from(['a', 'b']), (bytes) => Stack.restore(bytes as DataView)],
      [NumericPriorityQueue.from([[1, 2], [3, -0]]), (bytes) => NumericPriorityQueue.restore(bytes as Uint8Array)],
      [NumericQueue.from([1, 2], { capacity: 4 }), (bytes) => NumericQueue.restore(bytes as ArrayBuffer)],
      [NumericStack.from([1, 2], { limit: 4 }), (bytes) => NumericStack.restore(bytes as DataView)],
      [scheduler, (bytes) => Scheduler.restore(bytes as Uint8Array, { clock })],
      [balancer, (bytes) => Balancer.restore(bytes as Uint8Array, { clock })],
      [history, (bytes) => History.restore(bytes as Uint8Array, { clock })],
    ];
    for (const [original, restore] of services) {
      const bytes = original.snapshot();
      const padded = new Uint8Array(bytes.length + 11);
      padded.set(bytes, 7);
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
      shared.set(bytes);
      const givens = [
        bytes.slice().buffer,
        await new Response(bytes.slice()).arrayBuffer(),
        new DataView(padded.buffer, 7, bytes.length),
        Buffer.from(padded.buffer, 7, bytes.length),
        shared,
        shared.buffer,
      ];
      for (const given of givens) expect(restore(given).snapshot()).toEqual(bytes);
      // A view's own range only: the padding around it is not read.
      expect(() => restore(new DataView(padded.buffer, 6, bytes.length))).toThrow(SnapshotError);
      // What only poses as bytes is refused as such, never read through (nor a raw TypeError).
      const revoked = Proxy.revocable(bytes, {});
      revoked.revoke();
      const posing = [
        new Proxy(bytes, {}),
        revoked.proxy,
        Object.assign(Object.create(null), { ...bytes }, { [Symbol.toStringTag]: 'ArrayBuffer', length: bytes.length }),
        { [Symbol.toStringTag]: 'Uint8Array', length: 2e8 },
        new Proxy(bytes, { getPrototypeOf: () => { throw new Error('trap'); } }),
      ];
      for (const given of posing) expect(() => restore(given)).toThrow(/expected the bytes a snapshot\(\) returned/);
      // A real view with getters or fields of its own is read through its internal slots.
      const ownFields = Object.defineProperties(bytes.slice(), { buffer: { value: 5 }, byteOffset: { value: 1e9 } });
      class Shadowing extends Uint8Array<ArrayBufferLike> {
        override get buffer(): ArrayBuffer {
          throw new Error('not this one');
        }
        static get [Symbol.species]() {
          return Array;
        }
      }
      const shadowing = new Shadowing(new SharedArrayBuffer(bytes.length) as unknown as ArrayBuffer);
      shadowing.set(bytes);
      for (const given of [ownFields, shadowing]) expect(restore(given).snapshot()).toEqual(bytes);
      const detached = bytes.slice().buffer;
      structuredClone(detached, { transfer: [detached] });
      expect(() => restore(detached)).toThrow(SnapshotError);
    }
  });

  it('a well-formed snapshot whose contents contradict themselves is a SnapshotError, nothing built', () => {
    const items = encodePayloads('forged', [1, 2, 3, 4, 5], jsonCodec);
    for (const overflow of ['reject', 'drop-oldest']) {
      expect(() => Queue.restore(writeSnapshot('Queue', { capacity: 3, overflow, payloads: items }))).toThrow('Queue.restore: 5 items exceed the capacity (3)');
    }
    expect(() => Stack.restore(writeSnapshot('Stack', { limit: 3, payloads: items }))).toThrow('Stack.restore: 5 items exceed the limit (3)');
    expect(Stack.restore(writeSnapshot('Stack', { limit: 5, payloads: items })).toArray()).toEqual([5, 4, 3, 2, 1]);
    for (const bad of [NaN, Infinity, -Infinity]) {
      const forged = writeSnapshot('PriorityQueue', { max: false, payloads: encodePayloads('forged', ['a', 'b'], jsonCodec), priorities: encodeNumbers([1, bad]) });
      expect(() => PriorityQueue.restore(forged)).toThrow(SnapshotError);
    }
    const two = encodePayloads('forged', ['a', 'b'], jsonCodec);
    for (const priorities of [[1], [1, 2, 3]]) {
      expect(() => PriorityQueue.restore(writeSnapshot('PriorityQueue', { max: false, payloads: two, priorities: encodeNumbers(priorities) }))).toThrow(SnapshotError);
    }
    expect(() => PriorityQueue.restore(writeSnapshot('PriorityQueue', { max: 'yes', payloads: two, priorities: encodeNumbers([1, 2]) }))).toThrow(SnapshotError);
  });

  it('a codec passed where the options belong is refused, also a class instance with no keys of its own', () => {
    class MapCodec {
      encode(map: Map<string, number>) {
        return JSON.stringify([...map]);
      }
      decode(text: string) {
        return new Map<string, number>(JSON.parse(text));
      }
    }
    const pq = new PriorityQueue<Map<string, number>>();
    pq.push(new Map([['a', 1]]), 1);
    expect(() => pq.snapshot(new MapCodec() as never)).toThrow(/got a codec where options were expected; pass it as \{ codec \}/);
    expect(() => PriorityQueue.restore(pq.snapshot({ codec: new MapCodec() }), new MapCodec() as never)).toThrow(/pass it as \{ codec \}/);
    expect(PriorityQueue.restore(pq.snapshot({ codec: new MapCodec() }), { codec: new MapCodec() }).peek()).toEqual(new Map([['a', 1]]));
  });

  it('a payload the codec cannot decode fails the restore before anything is built', () => {
    const bytes = sample().snapshot();
    const failing: Codec<unknown> = {
      encode: JSON.stringify,
      decode: (t) => {
        if (t.includes('zero')) throw new Error('bad');
        return JSON.parse(t);
      },
    };
    expect(() => PriorityQueue.restore(bytes, { codec: failing })).toThrow(/payload 3 could not be decoded/);
    // An encode that returns no string would write a snapshot no restore accepts: refused at once.
    expect(() => sample().snapshot({ codec: { encode: () => 5 as never, decode: JSON.parse } })).toThrow("PriorityQueue.snapshot: payload 0: the codec's encode returned 5, not a string");
  });

  it('every snapshot and restore checks its options: InvalidArgumentError, never a silent default', () => {
    const history = new History<number>();
    history.push(1);
    const scheduler = new Scheduler<string>();
    scheduler.submit('a');
    const balancer = new Balancer<string>();
    balancer.add('w');
    const kinds = [
      ['PriorityQueue', sample(), PriorityQueue],
      ['Queue', Queue.from([1]), Queue],
      ['Stack', Stack.from([1]), Stack],
      ['History', history, History],
      ['Scheduler', scheduler, Scheduler],
      ['Balancer', balancer, Balancer],
    ] as const;
    for (const [kind, structure, type] of kinds) {
      const bytes = structure.snapshot();
      const restore = (options: unknown) => () => (type.restore as (bytes: Uint8Array, options: unknown) => unknown)(bytes, options);
      for (const codec of [5, null, {}, { encode: JSON.stringify }, { encode: JSON.stringify, decode: 'parse' }]) {
        expect(restore({ codec }), `${kind} codec ${JSON.stringify(codec)}`).toThrow(`${kind}.restore: expected \`codec\` to be an object with encode and decode functions`);
        expect(() => structure.snapshot({ codec } as never)).toThrow(`${kind}.snapshot: expected \`codec\``);
      }
      for (const maxBytes of [Number.NaN, 'big', 0, -1, 1.5, null]) {
        expect(restore({ maxBytes }), `${kind} maxBytes ${String(maxBytes)}`).toThrow(`${kind}.restore: expected \`maxBytes\` to be an integer >= 1`);
      }
      expect(restore(5)).toThrow(InvalidArgumentError);
      expect(() => structure.snapshot(5 as never)).toThrow(InvalidArgumentError);
      // A codec in the options' place (as in `restore(bytes, codec)`): refused, not ignored for JSON.
      const codec: Codec<unknown> = { encode: JSON.stringify, decode: JSON.parse };
      expect(restore(codec)).toThrow(`${kind}.restore: got a codec where options were expected; pass it as { codec }`);
      expect(() => structure.snapshot(codec as never)).toThrow(`${kind}.snapshot: got a codec where options were expected; pass it as { codec }`);
      expect(restore({ maxBytes: bytes.length })).not.toThrow();
    }
    // Options the structure's constructor checks are named as restore's too.
    expect(() => PriorityQueue.restore(sample().snapshot(), { arena: {} as never })).toThrow(/^PriorityQueue\.restore: expected `arena` to be an Arena/);
    expect(() => PriorityQueue.restore(sample().snapshot(), { eagerLookup: 1 as never })).toThrow(/^PriorityQueue\.restore: expected `eagerLookup`/);
    expect(() => new Scheduler({ order: null as never })).toThrow("Scheduler: expected `order` to be 'min' or 'max', got null");
    // A bound the constructor would refuse is a damaged snapshot, not a bad argument.
    const queueBody = { capacity: 2 ** 53, overflow: 'reject', payloads: [] };
    expect(() => Queue.restore(writeSnapshot('Queue', queueBody))).toThrow('Queue.restore: malformed field `capacity`');
    expect(() => Stack.restore(writeSnapshot('Stack', { limit: 1e300, payloads: [] }))).toThrow(SnapshotError);
  });
});
