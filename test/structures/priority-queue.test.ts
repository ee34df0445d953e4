import { describe, expect, it } from 'vitest';
import {
  Arena,
  CapacityError,
  FlatschedError,
  InvalidArgumentError,
  InvalidPriorityError,
  NumericPriorityQueue,
  NumericQueue,
  NumericStack,
  PriorityQueue,
  Queue,
  StaleHandleError,
  StateError,
  type Handle,
} from '../../src/index.js';
import { seededRandom } from '../../src/balancer.js';

describe('PriorityQueue', () => {
  it('pops a large queue one by one in order with the right payloads, min and max, before and after a lookup', () => {
    // Past 16,384 items `pop` reads the top's payload before the core pops: this checks that read.
    for (const max of [false, true]) {
      const random = seededRandom(max ? 11 : 12);
      const pq = new PriorityQueue<{ n: number } | null | undefined>({ max });
      const model: { key: number; seq: number; item: { n: number } | null | undefined }[] = [];
      let seq = 0;
      let extra = 0; // items outside the model, last out
      const add = (count: number) => {
        for (let k = 0; k < count; k++) {
          const key = Math.floor(random() * 5000); // ties: FIFO among equals
          const item = seq % 1000 === 7 ? null : seq % 1000 === 8 ? undefined : { n: seq };
          pq.push(item, key);
          model.push({ key, seq: seq++, item });
        }
        model.sort((a, b) => (max ? b.key - a.key : a.key - b.key) || a.seq - b.seq);
      };
      const popAndCheck = (count: number) => {
        for (const expected of model.splice(0, count)) {
          expect(pq.peekPriority()).toBe(expected.key);
          expect(pq.pop()).toBe(expected.item);
        }
        expect(pq.size).toBe(model.length + extra);
      };
      add(40_000);
      popAndCheck(15_000);
      add(10_000);
      const handle = pq.push({ n: -1 }, max ? -1 : 1e9);
      extra = 1;
      expect(pq.has(handle)).toBe(true); // the heap links its entries from here on
      popAndCheck(35_000 - 16_000);
      expect(pq.size).toBe(16_001);
      popAndCheck(model.length);
      expect(pq.pop()).toEqual({ n: -1 });
      expect(pq.pop()).toBeUndefined();
      pq.dispose();
    }
  });

  it('keeps order and payloads past 2^20 items, where a batch-loaded queue keeps sorted runs, through its first lookup', () => {
    const random = seededRandom(21);
    const n = (1 << 20) + 50_000;
    const keys = Float64Array.from({ length: n }, () => Math.floor(random() * 1e6)); // ties: FIFO
    const items = Array.from({ length: n }, (_, i) => ({ id: i }));
    const pq = new PriorityQueue<{ id: number }>();
    const handles = pq.pushMany(items, keys);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
    let next = 0;
    let wrong = 0;
    // The hold pattern, one by one and by popPush; every new item orders after all the loaded ones.
    for (let i = 0; i < 100_000; i++) {
      const later = { id: n + i };
      const popped = i % 2 === 0 ? pq.pop() : pq.popPush(later, 1e6 + i);
      if (popped !== items[order[next++]!]) wrong++;
      if (i % 2 === 0) pq.push(later, 1e6 + i);
    }
    expect(wrong).toBe(0);
    expect(pq.size).toBe(n);
    // The first lookup by handle puts the items back into one array; order and payloads hold.
    const probe = order[next + 5]!;
    expect(pq.priorityOf(handles[probe]!)).toBe(keys[probe]);
    expect(pq.get(handles[probe]!)).toBe(items[probe]);
    expect(pq.has(handles[order[0]!]!)).toBe(false);
    for (; next < n; next++) if (pq.pop() !== items[order[next]!]) wrong++;
    for (let i = 0; i < 100_000; i++) if (pq.pop()?.id !== n + i) wrong++;
    expect(wrong).toBe(0);
    expect(pq.pop()).toBeUndefined();
    pq.dispose();
  });

  it('pops the lowest priority first, FIFO among equals', () => {
    const pq = new PriorityQueue<string>();
    pq.push('deploy-b', 2);
    pq.push('lint', 1);
    pq.push('deploy-a', 2);
    pq.push('test', 1);
    expect(pq.size).toBe(4);
    expect([pq.pop(), pq.pop(), pq.pop(), pq.pop(), pq.pop()]).toEqual(['lint', 'test', 'deploy-b', 'deploy-a', undefined]);
    expect(pq.size).toBe(0);
  });

  it('pops the highest first with { max: true } and reports priorities as given', () => {
    const pq = new PriorityQueue<string>({ max: true });
    pq.push('low', -5);
    pq.push('high', 7.5);
    pq.push('zero', -0);
    expect(pq.peek()).toBe('high');
    expect(pq.peekPriority()).toBe(7.5);
    pq.pop();
    expect(pq.pop()).toBe('zero');
    expect(pq.pop()).toBe('low');
    expect(pq.peekPriority()).toBeUndefined();
  });

  it('treats -0 and 0 as equal priorities (arrival order decides)', () => {
    const pq = new PriorityQueue<string>();
    pq.push('first', 0);
    pq.push('second', -0);
    expect(pq.drain()).toEqual(['first', 'second']);
  });

  it('peek and peekPriority leave the queue unchanged; undefined when empty', () => {
    const pq = new PriorityQueue<number>();
    expect(pq.peek()).toBeUndefined();
    expect(pq.peekPriority()).toBeUndefined();
    pq.push(42, 3);
    expect(pq.peek()).toBe(42);
    expect(pq.peekPriority()).toBe(3);
    expect(pq.size).toBe(1);
  });

  it('rejects non-finite and non-number priorities with InvalidPriorityError, changing nothing', () => {
    const pq = new PriorityQueue<string>();
    pq.push('kept', 1);
    for (const bad of [NaN, Infinity, -Infinity, '1', 1n, undefined, null, {}]) {
      expect(() => pq.push('x', bad as number)).toThrow(InvalidPriorityError);
    }
    expect(() => pq.push('x', NaN)).toThrow('PriorityQueue.push: expected a finite number priority, got NaN');
    expect(pq.size).toBe(1);
    expect(pq.drain()).toEqual(['kept']);
  });

  it('update moves an item and keeps its arrival place among equals', () => {
    const pq = new PriorityQueue<string>();
    const a = pq.push('a', 5);
    pq.push('b', 1);
    pq.push('c', 1);
    pq.update(a, 1);
    // a arrived first, so among the priority-1 items it still comes first
    expect(pq.drain()).toEqual(['a', 'b', 'c']);
  });

  it('update with behindEquals puts the item behind its equals', () => {
    const pq = new PriorityQueue<string>();
    const a = pq.push('a', 1);
    pq.push('b', 1);
    pq.push('c', 1);
    pq.update(a, 1, { behindEquals: true });
    expect(pq.drain()).toEqual(['b', 'c', 'a']);
  });

  it('remove returns true once, then false; update of a stale handle throws StaleHandleError', () => {
    const pq = new PriorityQueue<string>();
    const a = pq.push('a', 1);
    pq.push('b', 2);
    expect(pq.remove(a)).toBe(true);
    expect(pq.remove(a)).toBe(false);
    expect(() => pq.update(a, 0)).toThrow(StaleHandleError);
    expect(pq.has(a)).toBe(false);
    expect(pq.get(a)).toBeUndefined();
    expect(pq.drain()).toEqual(['b']);
  });

  it('never applies a stale handle to the item that reuses its slot', () => {
    const pq = new PriorityQueue<string>();
    const old = pq.push('old', 1);
    expect(pq.pop()).toBe('old');
    const fresh = pq.push('fresh', 9);
    expect(fresh).not.toBe(old);
    expect(pq.remove(old)).toBe(false);
    expect(() => pq.update(old, 0)).toThrow(StaleHandleError);
    expect(pq.priorityOf(fresh)).toBe(9);
    expect(pq.pop()).toBe('fresh');
  });

  it('rejects a live handle of another queue, in the same or another arena', () => {
    const mine = new PriorityQueue<string>();
    const sibling = new PriorityQueue<string>();
    const elsewhere = new PriorityQueue<string>({ arena: new Arena({ maxMemory: 4 << 20 }) });
    mine.push('mine', 1);
    const siblingHandle = sibling.push('sibling', 1);
    const elsewhereHandle = elsewhere.push('elsewhere', 1);
    for (const foreign of [siblingHandle, elsewhereHandle]) {
      expect(() => mine.update(foreign, 0)).toThrow(InvalidArgumentError);
      expect(() => mine.remove(foreign)).toThrow(/belongs to another queue/);
      expect(mine.has(foreign)).toBe(false);
    }
    expect(sibling.peek()).toBe('sibling');
    expect(elsewhere.peek()).toBe('elsewhere');
  });

  it('rejects forged handles', () => {
    const pq = new PriorityQueue<string>();
    const h = pq.push('a', 1);
    for (const forged of [-1, 0.5, NaN, 2 ** 53, h + 2 ** 38, h + 1, '1' as unknown as Handle]) {
      expect(() => pq.remove(forged as Handle)).toThrow(InvalidArgumentError);
    }
    expect(pq.size).toBe(1);
    // Lookups name themselves when the handle is not a number.
    for (const call of ['has', 'get', 'priorityOf'] as const) {
      expect(() => pq[call]('1' as unknown as Handle)).toThrow(`PriorityQueue.${call}: "1" is not a handle`);
    }
  });

  it('from and restore work when called without their class (destructured, or passed as a callback)', () => {
    const { from, restore } = PriorityQueue;
    const timers = from<string>([['b', 2], ['a', 1]]);
    expect(restore<string>(timers.snapshot()).pop()).toBe('a');
    const queueFrom = Queue.from;
    expect(queueFrom([1, 2, 3]).shift()).toBe(1);
  });

  it('iterates in priority order without changing the queue', () => {
    const pq = PriorityQueue.from<string>([
      ['c', 3],
      ['a', 1],
      ['b', 2],
      ['a2', 1],
    ]);
    expect([...pq]).toEqual(['a', 'a2', 'b', 'c']);
    expect([...pq.entries()]).toEqual([
      ['a', 1],
      ['a2', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(pq.size).toBe(4);
    expect(pq.pop()).toBe('a');
  });

  it('an iteration yields the pairs the queue held when it began, whatever the loop does to the queue', () => {
    const arena = new Arena();
    const pq = new PriorityQueue<string>({ arena });
    const [, , c] = pq.pushMany(['a', 'b', 'c'], [1, 2, 3]);
    const other = new PriorityQueue<string>({ arena });
    const seen: [string, number][] = [];
    for (const pair of pq.entries()) {
      seen.push(pair);
      if (seen.length > 1) continue;
      // c leaves before it is reached, and its slot goes at once to the other queue's item.
      pq.remove(c!);
      other.push('of the other queue', 0);
    }
    expect(seen).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  });

  it('batches read each of the caller\'s numbers once: what was checked is what goes in', () => {
    /** An array-like whose elements read as given once, and as `later` after that. */
    const changing = (values: number[], later: number): ArrayLike<number> => {
      const reads = new Map<string, number>();
      return new Proxy(values, {
        get(target, key) {
          if (typeof key === 'string' && /^\d+$/.test(key)) {
            reads.set(key, (reads.get(key) ?? 0) + 1);
            if (reads.get(key)! > 1) return later;
          }
          return Reflect.get(target, key);
        },
      });
    };
    const pq = new PriorityQueue<string>();
    pq.pushMany(['a', 'b'], changing([2, 1], Number.NaN));
    expect([...pq.entries()]).toEqual([['b', 1], ['a', 2]]);
    const npq = new NumericPriorityQueue();
    npq.pushMany(changing([7, 8], -1), changing([2, 1], Infinity));
    expect([...npq.entries()]).toEqual([[8, 1], [7, 2]]);
    const queue = new NumericQueue();
    queue.pushMany(changing([7, 8], -1));
    expect([...queue]).toEqual([7, 8]);
    const stack = new NumericStack();
    stack.pushMany(changing([7, 8], 2 ** 40));
    expect([...stack]).toEqual([8, 7]);
    // Its length too: the one checked is the one read by.
    let lengthReads = 0;
    const lying = { 0: 5, 1: 6, get length() { return lengthReads++ === 0 ? 2 : 2 ** 33; } };
    queue.pushMany(lying);
    expect([...queue]).toEqual([7, 8, 5, 6]);
  });

  it('batches refuse what is no array-like of numbers (a DataView, a length past 2^32 - 1), changing nothing', () => {
    const view = new DataView(new ArrayBuffer(16));
    const huge = { length: 2 ** 32 } as ArrayLike<number>;
    const queue = NumericQueue.from([1, 2, 3]);
    const stack = NumericStack.from([1, 2, 3]);
    const npq = new NumericPriorityQueue();
    npq.pushMany([1, 2], [1, 2]);
    const pq = PriorityQueue.from([['a', 1]]);
    for (const bad of [view, huge]) {
      expect(() => queue.pushMany(bad as never)).toThrow('NumericQueue.pushMany: expected an array-like of ids, got an object');
      expect(() => stack.pushMany(bad as never)).toThrow('NumericStack.pushMany: expected an array-like of ids');
      expect(() => npq.pushMany(bad as never, bad as never)).toThrow('NumericPriorityQueue.pushMany: expected an array-like of ids');
      expect(() => pq.pushMany([], bad as never)).toThrow('PriorityQueue.pushMany: expected an array-like of priorities');
    }
    expect([[...queue], [...stack], [...npq], [...pq]]).toEqual([[1, 2, 3], [3, 2, 1], [1, 2], ['a']]);
  });

  it('batches refuse an array-like of 2^32 - 1 holes at its first index, before reading the rest', () => {
    const holes = { length: 2 ** 32 - 1 } as ArrayLike<number>;
    const queue = new NumericQueue({ capacity: 2 });
    const stack = new NumericStack();
    const npq = new NumericPriorityQueue();
    const pq = new PriorityQueue<string>();
    expect(() => queue.pushMany(holes)).toThrow('NumericQueue.pushMany: ids[0]: expected an integer from 0 to 4294967295, got undefined');
    expect(() => stack.pushMany(holes)).toThrow('NumericStack.pushMany: ids[0]');
    expect(() => npq.pushMany([1], holes)).toThrow(InvalidPriorityError);
    expect(() => npq.pushMany(holes, [1])).toThrow('NumericPriorityQueue.pushMany: ids[0]');
    expect(() => pq.pushMany([], holes)).toThrow('PriorityQueue.pushMany: priorities[0]: expected a finite number priority, got undefined');
    expect([queue.size, stack.size, npq.size, pq.size]).toEqual([0, 0, 0, 0]);
  });

  it('pushMany reads its items before anything else: a getter that changes the queue or the priorities runs first', () => {
    const pq = new PriorityQueue<string>();
    pq.push('held', 10);
    const priorities = new Float64Array([1, 2]);
    const popping: string[] = ['first', 'second'];
    Object.defineProperty(popping, 1, { get: () => `second after popping ${pq.pop()}` });
    pq.pushMany(popping, priorities);
    expect(pq.drain()).toEqual(['first', 'second after popping held']);
    const poisoning: string[] = ['a', 'b'];
    Object.defineProperty(poisoning, 1, { get: () => ((priorities[0] = Number.NaN), 'b') });
    expect(() => pq.pushMany(poisoning, priorities)).toThrow('PriorityQueue.pushMany: priorities[0]: expected a finite number priority, got NaN');
    expect(pq.size).toBe(0);
  });

  it('pushMany is all or nothing and returns working handles; popMany and drain keep order', () => {
    const pq = new PriorityQueue<number>();
    pq.push(-1, 0.5);
    expect(() => pq.pushMany([1, 2, 3], [1, NaN, 3])).toThrow(/priorities\[1\]/);
    expect(() => pq.pushMany([1, 2, 3], new Float64Array([1, 2, -Infinity]))).toThrow(/priorities\[2\]/);
    expect(() => pq.pushMany([1, 2, 3], [1, 2, '3' as unknown as number])).toThrow(InvalidPriorityError);
    expect(() => pq.pushMany([1, 2], [1])).toThrow(InvalidArgumentError);
    expect(pq.size).toBe(1);
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const handles = pq.pushMany(items, items.map((i) => (i * 7919) % 101));
    expect(pq.size).toBe(10_001);
    pq.update(handles[5000]!, -1);
    expect(pq.pop()).toBe(5000);
    // key 0 holds 0, 101, 202, … in arrival order; -1 (0.5) comes right after them
    expect(pq.popMany(2)).toEqual([0, 101]);
    const rest = pq.drain().filter((i) => i !== -1);
    expect(rest).toHaveLength(9_997);
    const keys = rest.map((i) => (i * 7919) % 101);
    for (let i = 1; i < keys.length; i++) {
      expect(keys[i]! > keys[i - 1]! || (keys[i] === keys[i - 1] && rest[i]! > rest[i - 1]!)).toBe(true);
    }
  });

  it('pushMany refuses items that are not an array (a string is not taken apart), changing nothing', () => {
    const pq = new PriorityQueue<string>();
    expect(() => pq.pushMany('abc' as never, [1, 2, 3])).toThrow(new InvalidArgumentError('PriorityQueue.pushMany: expected an array of items, got "abc"'));
    expect(pq.size).toBe(0);
    pq.dispose();
  });

  it('popMany with no count takes every item, in order', () => {
    const pq = new PriorityQueue<string>();
    pq.pushMany(['b', 'a', 'c'], [2, 1, 3]);
    expect(pq.popMany()).toEqual(['a', 'b', 'c']);
    expect(pq.size).toBe(0);
    pq.dispose();
  });

  it('popMany takes exactly the count asked, also one past a chunk of 4,096, and refuses a fraction naming the call', () => {
    const n = 20_000;
    const pq = new PriorityQueue<number>();
    pq.pushMany(Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => i));
    expect(() => pq.popMany(1.5)).toThrow(new InvalidArgumentError('PriorityQueue.popMany: expected `max` to be an integer >= 0, got 1.5'));
    expect(pq.size).toBe(n);
    const taken = pq.popMany(4097);
    expect(taken).toHaveLength(4097);
    expect(taken.at(-1)).toBe(4096);
    const ids = new NumericPriorityQueue();
    ids.pushMany(Uint32Array.from({ length: n }, (_, i) => i), Float64Array.from({ length: n }, (_, i) => i));
    const out = new Uint32Array(4097);
    expect(ids.popMany(out)).toBe(4097);
    expect(out[4096]).toBe(4096);
    expect(ids.size).toBe(n - 4097);
    pq.dispose();
    ids.dispose();
  });

  it('a popped item is no longer held by the queue (the payload table forgets it)', () => {
    const arena = new Arena();
    const pq = new PriorityQueue<object>({ arena });
    const popped = { big: new Array(1000).fill(1) };
    pq.push(popped, 1);
    pq.push({}, 2);
    expect(pq.pop()).toBe(popped);
    expect(arena.payloads.includes(popped)).toBe(false);
    expect(pq.popMany(1)).toHaveLength(1);
    expect(arena.payloads.filter((p) => p !== undefined)).toHaveLength(0);
    pq.dispose();
  });

  it('clear drops every item and makes their handles stale', () => {
    const pq = new PriorityQueue<string>();
    const h = pq.push('a', 1);
    pq.clear();
    expect(pq.size).toBe(0);
    expect(pq.remove(h)).toBe(false);
    pq.push('b', 1);
    expect(pq.drain()).toEqual(['b']);
  });

  it('dispose frees the memory at once and refuses later calls with StateError', () => {
    const arena = new Arena({ maxMemory: 4 << 20 });
    new PriorityQueue<number>({ arena }).push(0, 0); // the arena's handle table grows once
    const before = arena.bytesInUse;
    const pq = new PriorityQueue<number>({ arena });
    pq.pushMany([1, 2, 3], [1, 2, 3]);
    expect(arena.bytesInUse).toBeGreaterThan(before);
    pq.dispose();
    expect(arena.bytesInUse).toBe(before);
    expect(() => pq.push(4, 4)).toThrow(StateError);
    expect(() => pq.pop()).toThrow(/disposed/);
    expect(() => pq.popMany(2)).toThrow(StateError);
    expect(() => pq.drain()).toThrow(StateError);
    pq.dispose(); // idempotent
  });

  it('a full arena is a CapacityError before anything changed; other structures keep working', () => {
    const arena = new Arena({ maxMemory: 2 << 20 });
    const pq = new PriorityQueue<number>({ arena });
    const neighbour = new PriorityQueue<string>({ arena });
    neighbour.push('still here', 1);
    let pushed = 0;
    let error: unknown;
    try {
      for (;;) pq.push(pushed, pushed++ % 7);
    } catch (e) {
      error = e;
      pushed--;
    }
    expect(error).toBeInstanceOf(CapacityError);
    expect(error).toBeInstanceOf(FlatschedError);
    expect((error as Error).message).toMatch(/^PriorityQueue\.push: /);
    expect(pq.size).toBe(pushed);
    expect(arena.poisoned).toBe(false);
    expect(() => pq.pushMany([1, 2, 3], [1, 1, 1])).toThrow(CapacityError);
    expect(pq.size).toBe(pushed);
    expect(neighbour.pop()).toBe('still here');
    // nothing lost: every accepted item comes back, in order
    const out = pq.drain();
    expect(out).toHaveLength(pushed);
    pq.push(1, 1);
    expect(pq.size).toBe(1);
  });

  it('is printable and serialisable for debugging', () => {
    const pq = new PriorityQueue<string>({ max: true });
    pq.push('a', 1);
    pq.push('b', 2);
    expect(JSON.stringify(pq)).toBe('{"size":2,"max":true,"entries":[["b",2],["a",1]]}');
    expect(String(pq)).toBe('[object PriorityQueue]');
  });

  it('validates its options', () => {
    expect(() => new PriorityQueue({ max: 1 as unknown as boolean })).toThrow(InvalidArgumentError);
    expect(() => new PriorityQueue({ eagerLookup: 'yes' as unknown as boolean })).toThrow(/expected `eagerLookup` to be a boolean, got "yes"/);
    const pq = new PriorityQueue<string>();
    const h = pq.push('a', 1);
    for (const options of [true, { behindEquals: 'yes' }, { behindEquals: 1 }]) {
      expect(() => pq.update(h, 2, options as never)).toThrow(InvalidArgumentError);
    }
    expect(pq.priorityOf(h)).toBe(1);
    expect(() => new PriorityQueue({ arena: {} as Arena })).toThrow(/expected `arena` to be an Arena/);
    expect(() => new PriorityQueue(5 as never)).toThrow(InvalidArgumentError);
  });
});

describe('NumericPriorityQueue batches', () => {
  it('pushMany checks every id and priority first and names the first bad index; nothing is pushed', () => {
    const q = new NumericPriorityQueue();
    q.push(7, 0);
    expect(() => q.pushMany([1, 2, -3], [1, 2, 3])).toThrow(/ids\[2\]/);
    expect(() => q.pushMany(new Uint32Array([1, 2]), new Float64Array([1, NaN]))).toThrow(/priorities\[1\]/);
    q.pushMany(new Uint32Array([1, 2]), [1, 2 ** 0.5]);
    expect(q.size).toBe(3);
    expect(() => q.pushMany(new Uint32Array([1]), new Float64Array([1, 2]))).toThrow(InvalidArgumentError);
    expect(q.size).toBe(3);
    const ids = new Uint32Array(3);
    const priorities = new Float64Array(3);
    expect(q.popMany(ids, priorities)).toBe(3);
    expect([...ids]).toEqual([7, 1, 2]);
    expect([...priorities]).toEqual([0, 1, 2 ** 0.5]);
    q.dispose();
  });

  it('popPush over a queue whose first id is 0 returns 0; popMany refuses a priorities array shorter than ids, popping nothing', () => {
    const q = new NumericPriorityQueue();
    q.push(0, 1);
    q.push(7, 2);
    expect(q.popPush(5, 3)).toBe(0);
    expect([...q.entries()]).toEqual([[7, 2], [5, 3]]);
    expect(() => q.popMany(new Uint32Array(2), new Float64Array(1))).toThrow(InvalidArgumentError);
    expect(q.size).toBe(2);
    q.dispose();
  });

  it('a max queue negates typed-array priorities on the way in and back on the way out', () => {
    const q = new NumericPriorityQueue({ max: true });
    q.pushMany(new Uint32Array([1, 2, 3]), new Float64Array([-0, 5, -2]));
    const ids = new Uint32Array(3);
    const priorities = new Float64Array(3);
    q.popMany(ids, priorities);
    expect([...ids]).toEqual([2, 1, 3]);
    expect(Object.is(priorities[1], -0)).toBe(true);
    expect([...priorities]).toEqual([5, -0, -2]);
    q.dispose();
  });
});
