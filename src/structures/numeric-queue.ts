import { Arena, arenaOption, disposedArena } from '../core/arena.js';
import { CapacityError, InvalidArgumentError, describe } from '../core/errors.js';
import { integerOption, oneOf, options as checkOptions, word as checkWord } from '../core/validate.js';
import { blockRegistry } from './core-block.js';
import type { Overflow } from './queue.js';

export interface NumericQueueOptions {
  /** The most ids the queue holds; unbounded when absent. @minimum 1 */
  readonly capacity?: number;
  /** At capacity: `'reject'` (CapacityError, nothing changed) or `'drop-oldest'`. @default 'reject' */
  readonly overflow?: Overflow;
  /** The arena whose memory holds the queue. @default the realm's default arena */
  readonly arena?: Arena;
}

/**
 * A FIFO queue / deque of ids (integers 0 .. 2^32 - 1) in a growable power-of-two ring buffer in
 * the core (assembly/ring.ts). Batch forms move up to 4,096 ids per core call through typed
 * arrays and allocate nothing.
 */
export class NumericQueue implements Iterable<number> {
  #arena: Arena;
  readonly #header: number;
  readonly #capacity: number;
  readonly #dropOldest: boolean;
  #disposed = false;

  constructor(options?: NumericQueueOptions) {
    const { capacity, overflow = 'reject', arena } = checkOptions('NumericQueue', options);
    this.#capacity = capacity === undefined ? Infinity : integerOption('NumericQueue', 'capacity', capacity, 1, 2 ** 31);
    const dropOldest = oneOf('NumericQueue', 'overflow', overflow, ['reject', 'drop-oldest']) === 'drop-oldest';
    this.#dropOldest = dropOldest;
    this.#arena = arenaOption('NumericQueue', arena);
    const header = this.#arena.core.ring_create(capacity ?? 0, dropOldest ? 1 : 0);
    if (!header) throw new CapacityError('NumericQueue: the arena has no memory left for a new queue');
    this.#header = header;
    blockRegistry.register(this, { arena: this.#arena, header, dispose: 'ring_dispose' }, this);
  }

  static from(ids: Iterable<number>, options?: NumericQueueOptions): NumericQueue {
    const queue = new NumericQueue(options);
    queue.pushMany([...ids]);
    return queue;
  }

  get size(): number {
    return this.#arena.core.ring_length(this.#header);
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Adds `id` at the back; returns the new size. */
  push(id: number): number {
    checkWord('NumericQueue.push', id);
    const size = this.#arena.core.ring_pushBack(this.#header, id);
    if (size < 0) throw this.#full('NumericQueue.push');
    return size;
  }

  /** Adds `id` at the front; returns the new size. */
  unshift(id: number): number {
    checkWord('NumericQueue.unshift', id);
    const size = this.#arena.core.ring_pushFront(this.#header, id);
    if (size < 0) throw this.#full('NumericQueue.unshift');
    return size;
  }

  shift(): number | undefined {
    const id = this.#arena.core.ring_popFront(this.#header);
    return id < 0 ? undefined : id;
  }

  pop(): number | undefined {
    const id = this.#arena.core.ring_popBack(this.#header);
    return id < 0 ? undefined : id;
  }

  peek(): number | undefined {
    const id = this.#arena.core.ring_at(this.#header, 0);
    return id < 0 ? undefined : id;
  }

  peekBack(): number | undefined {
    const size = this.size;
    return size === 0 ? undefined : this.#arena.core.ring_at(this.#header, size - 1);
  }

  /** The id at `index` from the front (negative counts from the back). */
  at(index: number): number | undefined {
    if (!Number.isInteger(index)) throw new InvalidArgumentError(`NumericQueue.at: expected an integer index, got ${describe(index)}`);
    const size = this.size;
    const i = index < 0 ? size + index : index;
    if (i < 0 || i >= size) return undefined;
    return this.#arena.core.ring_at(this.#header, i);
  }

  /**
   * Adds every id at the back, in order. With `'reject'`, all or nothing; with `'drop-oldest'`, the
   * front gives way. Returns the new size.
   */
  pushMany(ids: ArrayLike<number>): number {
    const where = 'NumericQueue.pushMany';
    if (ids === null || typeof ids !== 'object') throw new InvalidArgumentError(`${where}: expected an array-like of ids, got ${describe(ids)}`);
    if (!(ids instanceof Uint32Array)) for (let i = 0; i < ids.length; i++) checkWord(`${where}: ids[${i}]`, ids[i]);
    if (this.#capacity !== Infinity && this.size + ids.length > this.#capacity && !this.#dropOldest) {
      throw new CapacityError(`${where}: capacity (${this.#capacity}) exceeded: ${this.size} held, ${ids.length} pushed`);
    }
    const arena = this.#arena;
    if (!arena.core.ring_reserve(this.#header, ids.length)) throw this.#full(where);
    for (let start = 0; start < ids.length; start += arena.stagingItems) {
      const count = Math.min(arena.stagingItems, ids.length - start);
      const words = arena.stagingWords();
      if (ids instanceof Uint32Array) words.set(ids.subarray(start, start + count));
      else for (let k = 0; k < count; k++) words[k] = ids[start + k]!;
      arena.core.ring_pushMany(this.#header, count); // cannot fail: room was reserved
    }
    return this.size;
  }

  /** Removes up to `out.length` ids from the front into `out`; returns how many. */
  shiftMany(out: Uint32Array): number {
    if (!(out instanceof Uint32Array)) throw new InvalidArgumentError(`NumericQueue.shiftMany: expected a Uint32Array, got ${describe(out)}`);
    const arena = this.#arena;
    let total = 0;
    while (total < out.length) {
      const count = arena.core.ring_popManyFront(this.#header, Math.min(out.length - total, arena.stagingItems));
      if (count === 0) break;
      out.set(arena.stagingWords().subarray(0, count), total);
      total += count;
    }
    return total;
  }

  clear(): void {
    this.#arena.core.ring_clear(this.#header);
  }

  shrink(): void {
    this.#arena.core.ring_shrink(this.#header);
  }

  get bytes(): number {
    return this.#arena.core.ring_bytes(this.#header);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    blockRegistry.unregister(this);
    if (!this.#arena.poisoned) this.#arena.core.ring_dispose(this.#header);
    this.#arena = disposedArena('NumericQueue');
  }

  *[Symbol.iterator](): IterableIterator<number> {
    yield* this.toArray();
  }

  /** Ids front to back, as a Uint32Array; the queue is not changed. */
  toArray(): Uint32Array {
    const arena = this.#arena;
    const out = new Uint32Array(this.size);
    for (let from = 0; from < out.length; ) {
      const count = arena.core.ring_read(this.#header, from, arena.stagingItems);
      out.set(arena.stagingWords().subarray(0, count), from);
      from += count;
    }
    return out;
  }

  toJSON(): number[] {
    return [...this.toArray()];
  }

  get [Symbol.toStringTag](): string {
    return 'NumericQueue';
  }

  #full(call: string): CapacityError {
    if (this.size >= this.#capacity) return new CapacityError(`${call}: capacity (${this.#capacity}) exceeded`);
    return new CapacityError(`${call}: the arena's memory (maxMemory ${this.#arena.maxMemory} bytes) is exhausted at ${this.size} ids`);
  }
}
