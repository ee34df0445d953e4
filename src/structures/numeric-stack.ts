import { Arena, arenaOption, disposedArena } from '../core/arena.js';
import { CapacityError, InvalidArgumentError, describe } from '../core/errors.js';
import { integerOption, options as checkOptions, word as checkWord } from '../core/validate.js';
import { blockRegistry } from './core-block.js';

export interface NumericStackOptions {
  /** The most ids kept; a push onto a full stack drops the bottom id. Unbounded when absent. @minimum 1 */
  readonly limit?: number;
  /** The arena whose memory holds the stack. @default the realm's default arena */
  readonly arena?: Arena;
}

/**
 * A LIFO stack of ids (integers 0 .. 2^32 - 1) in the core: a plain growable array
 * (assembly/stack.ts) or, with a `limit`, a ring used from the back so the oldest id drops in O(1).
 */
export class NumericStack implements Iterable<number> {
  #arena: Arena;
  readonly #header: number;
  readonly #bounded: boolean;
  readonly #limit: number;
  #disposed = false;

  constructor(options?: NumericStackOptions) {
    const { limit, arena } = checkOptions('NumericStack', options);
    this.#limit = limit === undefined ? Infinity : integerOption('NumericStack', 'limit', limit, 1, 2 ** 31);
    this.#bounded = limit !== undefined;
    this.#arena = arenaOption('NumericStack', arena);
    const core = this.#arena.core;
    const header = this.#bounded ? core.ring_create(this.#limit, 1) : core.stack_create();
    if (!header) throw new CapacityError('NumericStack: the arena has no memory left for a new stack');
    this.#header = header;
    blockRegistry.register(this, { arena: this.#arena, header, dispose: this.#bounded ? 'ring_dispose' : 'stack_dispose' }, this);
  }

  static from(ids: Iterable<number>, options?: NumericStackOptions): NumericStack {
    const stack = new NumericStack(options);
    stack.pushMany([...ids]);
    return stack;
  }

  get size(): number {
    const core = this.#arena.core;
    return this.#bounded ? core.ring_length(this.#header) : core.stack_length(this.#header);
  }

  get limit(): number {
    return this.#limit;
  }

  /** Pushes `id`; returns the new size. */
  push(id: number): number {
    checkWord('NumericStack.push', id);
    const core = this.#arena.core;
    const size = this.#bounded ? core.ring_pushBack(this.#header, id) : core.stack_push(this.#header, id);
    if (size < 0) throw this.#exhausted('NumericStack.push');
    return size;
  }

  pop(): number | undefined {
    const core = this.#arena.core;
    const id = this.#bounded ? core.ring_popBack(this.#header) : core.stack_pop(this.#header);
    return id < 0 ? undefined : id;
  }

  peek(): number | undefined {
    const size = this.size;
    return size === 0 ? undefined : this.#read(size - 1);
  }

  /** The id at `index` from the bottom (negative counts from the top). */
  at(index: number): number | undefined {
    if (!Number.isInteger(index)) throw new InvalidArgumentError(`NumericStack.at: expected an integer index, got ${describe(index)}`);
    const size = this.size;
    const i = index < 0 ? size + index : index;
    return i < 0 || i >= size ? undefined : this.#read(i);
  }

  /** Pushes every id, the first one lowest. Returns the new size. */
  pushMany(ids: ArrayLike<number>): number {
    const where = 'NumericStack.pushMany';
    if (ids === null || typeof ids !== 'object') throw new InvalidArgumentError(`${where}: expected an array-like of ids, got ${describe(ids)}`);
    if (!(ids instanceof Uint32Array)) for (let i = 0; i < ids.length; i++) checkWord(`${where}: ids[${i}]`, ids[i]);
    const arena = this.#arena;
    const room = this.#bounded ? arena.core.ring_reserve(this.#header, ids.length) : arena.core.stack_reserve(this.#header, ids.length);
    if (!room) throw this.#exhausted(where);
    for (let start = 0; start < ids.length; start += arena.stagingItems) {
      const count = Math.min(arena.stagingItems, ids.length - start);
      const words = arena.stagingWords();
      if (ids instanceof Uint32Array) words.set(ids.subarray(start, start + count));
      else for (let k = 0; k < count; k++) words[k] = ids[start + k]!;
      // cannot fail: room was reserved
      if (this.#bounded) arena.core.ring_pushMany(this.#header, count);
      else arena.core.stack_pushMany(this.#header, count);
    }
    return this.size;
  }

  /** Pops up to `out.length` ids, the top first, into `out`; returns how many. */
  popMany(out: Uint32Array): number {
    if (!(out instanceof Uint32Array)) throw new InvalidArgumentError(`NumericStack.popMany: expected a Uint32Array, got ${describe(out)}`);
    const arena = this.#arena;
    let total = 0;
    while (total < out.length) {
      const max = Math.min(out.length - total, arena.stagingItems);
      const count = this.#bounded ? arena.core.ring_popManyBack(this.#header, max) : arena.core.stack_popMany(this.#header, max);
      if (count === 0) break;
      out.set(arena.stagingWords().subarray(0, count), total);
      total += count;
    }
    return total;
  }

  clear(): void {
    const core = this.#arena.core;
    if (this.#bounded) core.ring_clear(this.#header);
    else core.stack_clear(this.#header);
  }

  shrink(): void {
    const core = this.#arena.core;
    if (this.#bounded) core.ring_shrink(this.#header);
    else core.stack_shrink(this.#header);
  }

  get bytes(): number {
    const core = this.#arena.core;
    return this.#bounded ? core.ring_bytes(this.#header) : core.stack_bytes(this.#header);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    blockRegistry.unregister(this);
    if (!this.#arena.poisoned) {
      if (this.#bounded) this.#arena.core.ring_dispose(this.#header);
      else this.#arena.core.stack_dispose(this.#header);
    }
    this.#arena = disposedArena('NumericStack');
  }

  /** Ids from the top down; the stack is not changed. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = this.size - 1; i >= 0; i--) yield this.#read(i);
  }

  toArray(): number[] {
    return [...this];
  }

  toJSON(): number[] {
    return this.toArray();
  }

  get [Symbol.toStringTag](): string {
    return 'NumericStack';
  }

  #read(index: number): number {
    const core = this.#arena.core;
    return this.#bounded ? core.ring_at(this.#header, index) : core.stack_at(this.#header, index);
  }

  #exhausted(call: string): CapacityError {
    return new CapacityError(`${call}: the arena's memory (maxMemory ${this.#arena.maxMemory} bytes) is exhausted at ${this.size} ids`);
  }
}
