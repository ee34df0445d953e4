import { CapacityError, InvalidArgumentError, SnapshotError, describe } from '../core/errors.js';
import { bodyObject, boundField, codecOption, decodePayloads, encodePayloads, field, readSnapshot, RESTORE_OPTIONS, writeSnapshot, type RestoreOptions, type SnapshotBytes, type SnapshotOptions } from '../core/snapshot.js';
import { boundOption, integerOption, iterable, oneOf, optionNames, options as checkOptions } from '../core/validate.js';
import { builtFrom } from './built-from.js';

export type Overflow = 'reject' | 'drop-oldest';

export interface QueueOptions {
  /**
   * The most items the queue holds. Unbounded when absent.
   * @minimum 1
   */
  readonly capacity?: number | undefined;
  /**
   * What a push does when a bounded queue is full: `'reject'` throws CapacityError and changes
   * nothing; `'drop-oldest'` makes room by dropping the item at the other end.
   * @default 'reject'
   */
  readonly overflow?: Overflow | undefined;
}

const QUEUE_OPTIONS = optionNames<QueueOptions>()(['capacity', 'overflow']);

const MIN_CAPACITY = 16;

/**
 * A FIFO queue and double-ended queue of any payloads, with Array/denque names: `push`, `shift`,
 * `unshift`, `pop`, `peek`.
 */
// Why this one is not a Wasm ring: the payloads are JS values and must live in a JS array anyway,
// and at a given ring position the payload's index *is* the position, so a core-side ring would
// hold nothing but a copy of the indices. A push/shift here is a few array stores (~2.5 ns); a
// single JS→Wasm call alone costs about as much (docs/design.md). So the object Queue keeps its
// ring in a JS array, and the core's ring (assembly/ring.ts) serves NumericQueue, where the items
// themselves live in linear memory (read and written from JS, crossing only to grow).
export class Queue<T> implements Iterable<T> {
  #items: (T | undefined)[] = new Array(MIN_CAPACITY);
  #mask = MIN_CAPACITY - 1;
  #head = 0;
  #size = 0;
  /** The size at which a push must make room: the array's length, or the capacity if smaller. */
  #room = MIN_CAPACITY;
  readonly #capacity: number;
  readonly #dropOldest: boolean;

  constructor(options?: QueueOptions) {
    const { capacity, overflow = 'reject' } = checkOptions('Queue', options, QUEUE_OPTIONS);
    this.#capacity = boundOption('Queue', 'capacity', capacity);
    this.#dropOldest = oneOf('Queue', 'overflow', overflow, ['reject', 'drop-oldest']) === 'drop-oldest';
    this.#room = Math.min(MIN_CAPACITY, this.#capacity);
  }

  /** A queue holding `items` in order. */
  static from<T>(items: Iterable<T>, options?: QueueOptions): Queue<T> {
    const list = [...iterable<T>('Queue.from', items, 'items')];
    return builtFrom('Queue.from', () => newQueue<T>(options), (queue) => {
      for (const item of list) queue.push(item); // past a rejecting capacity: CapacityError
    });
  }

  /** Restores a queue (items, capacity, overflow) from `snapshot()` bytes, validated first. */
  static restore<T>(bytes: SnapshotBytes, options?: RestoreOptions<T>): Queue<T> {
    const where = 'Queue.restore';
    // The constructor's options too (one object may serve a restore-or-create): the snapshot's own are kept.
    const codec = codecOption(where, options, [...RESTORE_OPTIONS, ...QUEUE_OPTIONS]); // checks the options first
    const body = bodyObject(where, readSnapshot(where, 'Queue', bytes, options?.maxBytes));
    const capacity = boundField(where, body, 'capacity');
    const overflow = field<Overflow>(where, body, 'overflow', (v) => v === 'reject' || v === 'drop-oldest');
    const items = decodePayloads(where, body.payloads, codec);
    if (capacity !== null && items.length > capacity) throw new SnapshotError(`${where}: ${items.length} items exceed the capacity (${capacity})`);
    const queue = newQueue<T>(capacity === null ? { overflow } : { capacity, overflow });
    for (const item of items) queue.push(item);
    return queue;
  }

  /** The queue's items front to back, and its options, as bytes; payloads through `codec`. */
  snapshot(options?: SnapshotOptions<T>): Uint8Array {
    return writeSnapshot('Queue', {
      capacity: this.#capacity === Infinity ? null : this.#capacity,
      overflow: this.#dropOldest ? 'drop-oldest' : 'reject',
      payloads: encodePayloads('Queue.snapshot', this.toArray(), codecOption('Queue.snapshot', options)),
    });
  }

  get size(): number {
    return this.#size;
  }

  /** The bound given as `capacity`, or Infinity. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Adds `item` at the back and returns the new size. */
  push(item: T): number {
    const size = this.#size;
    if (size >= this.#room) return this.#pushWithoutRoom(item);
    this.#items[(this.#head + size) & this.#mask] = item;
    return (this.#size = size + 1);
  }

  /** Adds `item` at the front and returns the new size. */
  unshift(item: T): number {
    if (this.#size >= this.#room) this.#makeRoom('Queue.unshift', false);
    this.#head = (this.#head - 1) & this.#mask;
    this.#items[this.#head] = item;
    return ++this.#size;
  }

  /** Removes and returns the front item, or undefined when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const head = this.#head;
    const items = this.#items;
    const item = items[head];
    items[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.#size--;
    return item;
  }

  /** Removes and returns the back item, or undefined when empty. */
  pop(): T | undefined {
    if (this.#size === 0) return undefined;
    const index = (this.#head + this.#size - 1) & this.#mask;
    const item = this.#items[index];
    this.#items[index] = undefined;
    this.#size--;
    return item;
  }

  /** The front item, left in place. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** The back item, left in place. */
  peekBack(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[(this.#head + this.#size - 1) & this.#mask];
  }

  /** The item at `index` from the front (negative counts from the back), like `Array#at`. */
  at(index: number): T | undefined {
    if (!Number.isInteger(index)) throw new InvalidArgumentError(`Queue.at: expected an integer index, got ${describe(index)}`);
    const i = index < 0 ? this.#size + index : index;
    if (i < 0 || i >= this.#size) return undefined;
    return this.#items[(this.#head + i) & this.#mask];
  }

  /** Adds every item at the back, in order. With `'reject'`, all or nothing. */
  pushMany(items: Iterable<T>): number {
    // Taken out first (an array too: its iterator may yield more than its length says), so that
    // the capacity check counts what will be pushed. Reading stops as soon as the batch is over the
    // room, so an endless iterator (or a sparse array of 2^32 - 1) is not read to its end first;
    // the room is taken afresh at each step and at the end, as the iterator may push into or shift
    // from this queue.
    const most = this.#dropOldest ? Infinity : this.#capacity;
    const list: T[] = [];
    for (const item of iterable<T>('Queue.pushMany', items, 'items')) {
      const room = most - this.#size;
      if (list.length >= room) {
        throw new CapacityError(`Queue.pushMany: capacity (${this.#capacity}) exceeded: ${this.#size} held, more than ${room} pushed`);
      }
      list.push(item);
    }
    if (list.length > most - this.#size) {
      throw new CapacityError(`Queue.pushMany: capacity (${this.#capacity}) exceeded: ${this.#size} held, ${list.length} pushed`);
    }
    for (const item of list) this.push(item);
    return this.#size;
  }

  /** Removes and returns up to `max` items from the front, in order. */
  shiftMany(max: number = this.#size): T[] {
    integerOption('Queue.shiftMany', 'max', max, 0);
    const count = Math.min(max, this.#size);
    const out: T[] = new Array(count);
    for (let k = 0; k < count; k++) out[k] = this.shift() as T;
    return out;
  }

  /** Removes and returns every item, front first. */
  drain(): T[] {
    return this.shiftMany(this.#size);
  }

  /**
   * Gives back the slots a spike took: the ring keeps the largest size it held until then (or
   * `clear()`), as the other structures keep their blocks, so that a refill does not grow it again.
   */
  shrink(): void {
    let length = MIN_CAPACITY;
    while (length < this.#size) length *= 2;
    if (length < this.#items.length) this.#resize(length);
  }

  clear(): void {
    this.#items = new Array(MIN_CAPACITY);
    this.#mask = MIN_CAPACITY - 1;
    this.#room = Math.min(MIN_CAPACITY, this.#capacity);
    this.#head = 0;
    this.#size = 0;
  }

  /** Items front to back; the queue is not changed. */
  *[Symbol.iterator](): Generator<T, void, unknown> {
    for (let i = 0; i < this.#size; i++) yield this.#items[(this.#head + i) & this.#mask] as T;
  }

  toArray(): T[] {
    return [...this];
  }

  toJSON(): T[] {
    return this.toArray();
  }

  get [Symbol.toStringTag](): string {
    return 'Queue';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const head = this.toArray().slice(0, 10).map(describe);
    const bound = this.#capacity === Infinity ? '' : ` of ${this.#capacity}`;
    return `Queue(${this.#size}${bound}) [${head.join(', ')}${this.#size > 10 ? ', …' : ''}]`;
  }

  /** `push` once the array or the bound is full: kept out of `push` so that it stays small and inlined. */
  #pushWithoutRoom(item: T): number {
    this.#makeRoom('Queue.push', true);
    this.#items[(this.#head + this.#size) & this.#mask] = item;
    return ++this.#size;
  }

  /** Full array: double it. At the bound: drop the item at the other end, or refuse. */
  #makeRoom(call: string, atBack: boolean): void {
    if (this.#size >= this.#capacity) {
      if (!this.#dropOldest) throw new CapacityError(`${call}: capacity (${this.#capacity}) exceeded`);
      if (atBack) this.shift();
      else this.pop();
      return;
    }
    this.#resize(this.#items.length * 2);
  }

  /** Moves the items, front first, into an array of `length` slots (a power of two that holds them). */
  #resize(length: number): void {
    const old = this.#items;
    const items: (T | undefined)[] = new Array(length);
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & this.#mask];
    this.#items = items;
    this.#mask = length - 1;
    this.#room = Math.min(length, this.#capacity);
    this.#head = 0;
  }
}

/**
 * Builds a Queue for the static methods. Outside the class: a class that names itself in its own
 * body is renamed by esbuild (`_Queue`), and stack traces and consoles then show that name.
 */
function newQueue<T>(options?: QueueOptions): Queue<T> {
  return new Queue<T>(options);
}
