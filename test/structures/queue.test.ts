import { describe, expect, it } from 'vitest';
import { Arena, CapacityError, InvalidArgumentError, NumericQueue, NumericStack, PriorityQueue, Queue, Stack } from '../../src/index.js';

describe('Queue', () => {
  it('is a FIFO with deque operations, Array/denque names', () => {
    const q = Queue.from(['b', 'c']);
    q.unshift('a');
    q.push('d');
    expect([q.size, q.peek(), q.peekBack(), q.at(1), q.at(-1)]).toEqual([4, 'a', 'd', 'b', 'd']);
    expect([q.shift(), q.pop(), q.shift(), q.shift(), q.shift()]).toEqual(['a', 'd', 'b', 'c', undefined]);
  });

  it('at(i) reads as Array#at does, also when the ring is exactly full or wrapped', () => {
    for (const [capacity, count, shifted] of [[Infinity, 16, 0], [Infinity, 16, 5], [3, 3, 0], [Infinity, 20, 7]] as const) {
      const q = new Queue<number>({ capacity });
      const model: number[] = [];
      for (let i = 0; i < count; i++) {
        q.push(i);
        model.push(i);
      }
      for (let i = 0; i < shifted; i++) {
        q.shift();
        model.shift();
        q.push(100 + i);
        model.push(100 + i);
      }
      for (let i = -model.length - 2; i <= model.length + 2; i++) expect(q.at(i), `at(${i}) of ${model.length}`).toBe(model.at(i));
    }
  });

  it('at and shiftMany refuse an index or a count that is not an integer, changing nothing', () => {
    const q = new Queue<string>();
    q.pushMany(['a', 'b', 'c']);
    expect(() => q.at(1.5)).toThrow(new InvalidArgumentError('Queue.at: expected an integer index, got 1.5'));
    expect(() => q.shiftMany(1.5)).toThrow(new InvalidArgumentError('Queue.shiftMany: expected `max` to be an integer >= 0, got 1.5'));
    expect(() => q.shiftMany('2' as never)).toThrow(new InvalidArgumentError('Queue.shiftMany: expected `max` to be an integer >= 0, got "2"'));
    expect([...q]).toEqual(['a', 'b', 'c']);
  });

  it('rejects at capacity by default with a message naming the limit, changing nothing', () => {
    const q = new Queue<number>({ capacity: 2 });
    q.push(1);
    q.push(2);
    expect(() => q.push(3)).toThrow(new CapacityError('Queue.push: capacity (2) exceeded'));
    expect(() => q.pushMany([3])).toThrow(CapacityError);
    expect(q.toArray()).toEqual([1, 2]);
  });

  it("drops the oldest with overflow: 'drop-oldest'", () => {
    const q = new Queue<number>({ capacity: 3, overflow: 'drop-oldest' });
    q.pushMany([1, 2, 3, 4, 5]);
    expect(q.drain()).toEqual([3, 4, 5]);
  });

  it('from and pushMany refuse what is not iterable, naming the call (nothing built, nothing pushed)', () => {
    const q = Queue.from([1]);
    for (const bad of [5, null, {}, 'abc']) {
      expect(() => q.pushMany(bad as never)).toThrow(`Queue.pushMany: expected an iterable of items, got`);
      expect(() => Queue.from(bad as never)).toThrow(`Queue.from: expected an iterable of items`);
      expect(() => Stack.from(bad as never)).toThrow(`Stack.from: expected an iterable of items`);
      expect(() => NumericQueue.from(bad as never)).toThrow(`NumericQueue.from: expected an iterable of ids`);
      expect(() => NumericStack.from(bad as never)).toThrow(`NumericStack.from: expected an iterable of ids`);
      expect(() => PriorityQueue.from(bad as never)).toThrow(`PriorityQueue.from: expected an iterable of [item, priority] pairs`);
    }
    expect(() => PriorityQueue.from([5] as never)).toThrow('PriorityQueue.from: entries[0]: expected an [item, priority] pair, got 5');
    expect(q.toArray()).toEqual([1]);
  });

  it('pushMany is all or nothing at capacity, counting what the iterable yields (not an array\'s length)', () => {
    const q = new Queue<number>({ capacity: 3 });
    q.push(0);
    const lying = [1];
    Object.defineProperty(lying, Symbol.iterator, { value: function* () { yield* [1, 2, 3, 4]; } });
    expect(() => q.pushMany(lying)).toThrow('Queue.pushMany: capacity (3) exceeded: 1 held, more than 2 pushed');
    expect(q.toArray()).toEqual([0]);
  });

  it('pushMany into a bounded queue stops reading as soon as the batch is over the room: an endless iterable is refused', () => {
    const q = new Queue<number>({ capacity: 3 });
    q.push(0);
    let read = 0;
    function* endless() {
      for (;;) yield read++;
    }
    expect(() => q.pushMany(endless())).toThrow(CapacityError);
    expect(read).toBe(3);
    expect(q.toArray()).toEqual([0]);
  });

  it('pushMany judges the room as an iterable that pushes into or shifts from the same queue left it', () => {
    const q = new Queue<string>({ capacity: 4 });
    q.push('a');
    function* pushing() {
      yield 'x';
      q.push('r1');
      q.push('r2');
      yield 'y';
    }
    // The iterable's own pushes are its calls; nothing of the refused batch goes in.
    expect(() => q.pushMany(pushing())).toThrow('Queue.pushMany: capacity (4) exceeded: 3 held, more than 1 pushed');
    expect(q.toArray()).toEqual(['a', 'r1', 'r2']);
    q.shift();
    q.shift();
    function* pushingLast() {
      yield 'x';
      yield 'y';
      q.push('r3');
      q.push('r4');
    }
    expect(() => q.pushMany(pushingLast())).toThrow('Queue.pushMany: capacity (4) exceeded: 3 held, 2 pushed');
    expect(q.toArray()).toEqual(['r2', 'r3', 'r4']);
    q.push('b');
    function* shifting() {
      q.shift();
      q.shift();
      yield 'x';
      q.shift();
      yield 'y';
      yield 'z';
    }
    expect(q.pushMany(shifting())).toBe(4);
    expect(q.toArray()).toEqual(['b', 'x', 'y', 'z']);
  });

  it('validates its options', () => {
    expect(() => new Queue({ capacity: -3 })).toThrow(new InvalidArgumentError('Queue: expected `capacity` to be an integer >= 1, got -3'));
    expect(() => new Queue({ capacity: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new Queue({ overflow: 'drop' as never })).toThrow(/expected `overflow` to be 'reject' or 'drop-oldest', got "drop"/);
    expect(() => new NumericQueue({ capacity: 0 })).toThrow(InvalidArgumentError);
  });

  it('is iterable and printable', () => {
    const q = Queue.from([1, 2, 3]);
    expect([...q]).toEqual([1, 2, 3]);
    expect(JSON.stringify(q)).toBe('[1,2,3]');
  });
});

describe('NumericQueue', () => {
  it('a batch that wraps around the ring’s end goes in two runs and touches no neighbour in the arena', () => {
    for (const length of [15, 16, 30, 63]) {
      const arena = new Arena({ maxMemory: 4 << 20 });
      const q = new NumericQueue({ arena });
      for (let i = 0; i < 40; i++) q.push(i); // a ring of 64
      const neighbours = Array.from({ length: 8 }, (_, k) => NumericQueue.from(Array.from({ length: 40 }, (_, i) => 1000 * k + i), { arena }));
      for (let i = 0; i < 39; i++) q.shift(); // the head near the end: the batch wraps
      const batch = Uint32Array.from({ length }, (_, i) => 900_000 + i);
      q.pushMany(batch);
      expect([...q]).toEqual([39, ...batch]);
      neighbours.forEach((neighbour, k) => expect([...neighbour]).toEqual(Array.from({ length: 40 }, (_, i) => 1000 * k + i)));
      expect(arena.poisoned).toBe(false);
    }
  });

  it('from with a bad id leaves nothing in the arena', () => {
    const arena = new Arena({ maxMemory: 4 << 20 });
    const before = arena.bytesInUse;
    // Each error names the call made, not the push inside it.
    expect(() => NumericStack.from([1, 2, -1], { arena })).toThrow(new InvalidArgumentError('NumericStack.from: ids[2]: expected an integer from 0 to 4294967295, got -1'));
    const caught = (() => {
      try {
        NumericQueue.from([1, 1.5], { arena });
      } catch (error) {
        return error as Error;
      }
    })();
    expect(caught?.cause).toBeInstanceOf(InvalidArgumentError); // the inner call's error, kept
    expect((caught?.cause as Error).message).toMatch(/^NumericQueue\.pushMany: /);
    expect(() => NumericQueue.from([1, 1.5], { arena })).toThrow(new InvalidArgumentError('NumericQueue.from: ids[1]: expected an integer from 0 to 4294967295, got 1.5'));
    expect(() => PriorityQueue.from([['a', 1], ['b', NaN]], { arena })).toThrow(/^PriorityQueue\.from: priorities\[1\]: expected a finite number priority, got NaN$/);
    const bytes = new PriorityQueue<number>().snapshot();
    expect(() => PriorityQueue.restore(bytes, { arena: 5 as never })).toThrow(new InvalidArgumentError('PriorityQueue.restore: expected `arena` to be an Arena, got 5'));
    expect(() => PriorityQueue.restore(bytes, { eagerLookup: 'yes' as never })).toThrow(/^PriorityQueue\.restore: expected `eagerLookup` to be a boolean/);
    expect(arena.bytesInUse).toBe(before);
  });

  it('holds ids in the core; batch forms move typed arrays', () => {
    const q = new NumericQueue();
    q.pushMany(Uint32Array.from({ length: 10_000 }, (_, i) => i));
    const out = new Uint32Array(6000);
    expect(q.shiftMany(out)).toBe(6000);
    expect(out[5999]).toBe(5999);
    expect(q.shiftMany(out)).toBe(4000);
    expect(out[3999]).toBe(9999);
    expect(q.size).toBe(0);
  });

  it('rejects ids outside 0 .. 2^32 - 1, changing nothing', () => {
    const q = new NumericQueue();
    q.push(1);
    for (const bad of [-1, 2 ** 32, 1.5, NaN, '1', undefined]) expect(() => q.push(bad as number)).toThrow(InvalidArgumentError);
    expect(() => q.pushMany([1, 2, -3])).toThrow(/ids\[2\]/);
    expect([...q]).toEqual([1]);
  });
});
