import { Arena, arenaOption, disposedArena, openArena } from '../core/arena.js';
import { CapacityError, InvalidArgumentError, SnapshotError, describe } from '../core/errors.js';
import { boundField, encodeIds, field, idsField, readNumericSnapshot, writeSnapshot, type NumericRestoreOptions, type SnapshotBytes } from '../core/snapshot.js';
import { boundOption, oneOf, optionNames, options as checkOptions, iterable, readOnce, word as checkWord, words as checkWords } from '../core/validate.js';
import { builtFrom } from './built-from.js';
import { blockRegistry } from './core-block.js';
import type { Overflow } from './queue.js';
import { ringAppend, ringAt, ringCapacity, ringLength, ringPop, ringPushBack, ringPushFront, ringShift, ringTakeFront } from './ring-words.js';

export interface NumericQueueOptions {
  /** The most ids the queue holds; unbounded when absent. @minimum 1 */
  readonly capacity?: number | undefined;
  /** At capacity: `'reject'` (CapacityError, nothing changed) or `'drop-oldest'`. @default 'reject' */
  readonly overflow?: Overflow | undefined;
  /** The arena whose memory holds the queue. @default the realm's default arena */
  readonly arena?: Arena | undefined;
}

const NUMERIC_QUEUE_OPTIONS = optionNames<NumericQueueOptions>()(['capacity', 'overflow', 'arena']);
/** The constructor's options too (one object may serve a restore-or-create): `capacity` and `overflow` are the snapshot's own. */
const RESTORE_NUMERIC_QUEUE_OPTIONS = optionNames<NumericRestoreOptions & NumericQueueOptions>()(['maxBytes', 'capacity', 'overflow', 'arena']);
/** The largest `capacity`: the core's ring indexes 32-bit words. */
const MAX_CAPACITY = 2 ** 31;

/**
 * The queue's ring header address in u32 words, for the code in this package that reads and writes
 * the ring itself (ring-words.ts): the scheduler's ready lines. Not exported from the package.
 * @internal
 */
export let ringAddress: (queue: NumericQueue) => number;

/**
 * A FIFO queue / deque of ids (integers 0 .. 2^32 - 1) in a growable ring buffer in the core's
 * memory, with batch forms over typed arrays.
 */
// Single and batch operations read and write the ring (assembly/ring.ts) from JS (ring-words.ts)
// and cross into the core to grow, clear, shrink or read it in bulk. Each first asks
// `arena.memoryOpen`: false once the arena is poisoned or the queue disposed, and then the call
// throws the matching error under its own name (`openArena`, or a core call through `arena.call`).
export class NumericQueue implements Iterable<number> {
  #arena: Arena;
  readonly #header: number;
  /** The header's address in u32 words. */
  readonly #at: number;
  readonly #capacity: number;
  readonly #dropOldest: boolean;
  #disposed = false;

  static {
    ringAddress = (queue) => queue.#at;
  }

  constructor(options?: NumericQueueOptions) {
    const { capacity, overflow = 'reject', arena } = checkOptions('NumericQueue', options, NUMERIC_QUEUE_OPTIONS);
    this.#capacity = boundOption('NumericQueue', 'capacity', capacity, MAX_CAPACITY);
    const dropOldest = oneOf('NumericQueue', 'overflow', overflow, ['reject', 'drop-oldest']) === 'drop-oldest';
    this.#dropOldest = dropOldest;
    this.#arena = arenaOption('NumericQueue', arena);
    // The core's ring takes 0 for no bound.
    const header = this.#arena.call('NumericQueue', 'ring_create', this.#capacity === Infinity ? 0 : this.#capacity, dropOldest ? 1 : 0);
    if (!header) throw new CapacityError('NumericQueue: the arena has no memory left for a new queue');
    this.#header = header;
    this.#at = header >>> 2;
    blockRegistry.register(this, { arena: this.#arena, header, dispose: 'ring_dispose' }, this);
  }

  static from(ids: Iterable<number>, options?: NumericQueueOptions): NumericQueue {
    const list = [...iterable<number>('NumericQueue.from', ids, 'ids')];
    return builtFrom('NumericQueue.from', () => newNumericQueue(options), (queue) => queue.pushMany(list));
  }

  /** Restores a queue (ids, capacity, overflow) from `snapshot()` bytes, validated first. */
  static restore(bytes: SnapshotBytes, options?: NumericRestoreOptions): NumericQueue {
    const where = 'NumericQueue.restore';
    const { arena, body } = readNumericSnapshot(where, 'NumericQueue', bytes, options, RESTORE_NUMERIC_QUEUE_OPTIONS);
    const capacity = boundField(where, body, 'capacity', MAX_CAPACITY);
    const overflow = field<Overflow>(where, body, 'overflow', (v) => v === 'reject' || v === 'drop-oldest');
    const ids = idsField(where, body);
    if (capacity !== null && ids.length > capacity) throw new SnapshotError(`${where}: ${ids.length} ids exceed the capacity (${capacity})`);
    return builtFrom(where, () => newNumericQueue({ capacity: capacity ?? undefined, overflow, arena }), (queue) => queue.pushMany(ids));
  }

  /** The queue's ids front to back, and its options, as bytes; the queue is not changed. */
  snapshot(): Uint8Array {
    const ids = this.#copy('NumericQueue.snapshot');
    return writeSnapshot('NumericQueue', {
      capacity: this.#capacity === Infinity ? null : this.#capacity,
      overflow: this.#dropOldest ? 'drop-oldest' : 'reject',
      size: ids.length,
      ids: encodeIds(ids),
    });
  }

  /** 0 once disposed; a poisoned arena throws. */
  get size(): number {
    return this.#disposed ? 0 : this.#length('NumericQueue.size');
  }

  /** The size, throwing StateError or PoisonedArenaError under `where` once the arena is closed to this queue. */
  #length(where: string): number {
    return ringLength(openArena(this.#arena, where).words(), this.#at);
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Adds `id` at the back; returns the new size. */
  push(id: number): number {
    checkWord('NumericQueue.push', id);
    const arena = this.#arena;
    if (arena.memoryOpen === true) {
      const size = ringPushBack(arena.words(), this.#at, id, this.#capacity, this.#dropOldest);
      if (size !== 0) return size;
    }
    // The block is full (the core grows it), the queue is at capacity, or the arena is closed.
    const size = arena.call('NumericQueue.push', 'ring_pushBack', this.#header, id);
    if (size < 0) throw this.#full('NumericQueue.push');
    return size;
  }

  /** Adds `id` at the front; returns the new size. */
  unshift(id: number): number {
    checkWord('NumericQueue.unshift', id);
    const arena = this.#arena;
    if (arena.memoryOpen === true) {
      const size = ringPushFront(arena.words(), this.#at, id, this.#capacity, this.#dropOldest);
      if (size !== 0) return size;
    }
    const size = arena.call('NumericQueue.unshift', 'ring_pushFront', this.#header, id);
    if (size < 0) throw this.#full('NumericQueue.unshift');
    return size;
  }

  shift(): number | undefined {
    const arena = openArena(this.#arena, 'NumericQueue.shift');
    const id = ringShift(arena.words(), this.#at);
    return id < 0 ? undefined : id;
  }

  pop(): number | undefined {
    const arena = openArena(this.#arena, 'NumericQueue.pop');
    const id = ringPop(arena.words(), this.#at);
    return id < 0 ? undefined : id;
  }

  peek(): number | undefined {
    return this.#length('NumericQueue.peek') === 0 ? undefined : this.#read(0);
  }

  peekBack(): number | undefined {
    const size = this.#length('NumericQueue.peekBack');
    return size === 0 ? undefined : this.#read(size - 1);
  }

  /** The id at `index` from the front (negative counts from the back). */
  at(index: number): number | undefined {
    if (!Number.isInteger(index)) throw new InvalidArgumentError(`NumericQueue.at: expected an integer index, got ${describe(index)}`);
    const size = this.#length('NumericQueue.at');
    const i = index < 0 ? size + index : index;
    if (i < 0 || i >= size) return undefined;
    return this.#read(i);
  }

  /**
   * Adds every id at the back, in order. With `'reject'`, all or nothing; with `'drop-oldest'`, the
   * front gives way. Returns the new size.
   */
  pushMany(given: ArrayLike<number>): number {
    const where = 'NumericQueue.pushMany';
    const ids = readOnce(where, given, 'ids');
    checkWords(where, ids);
    const size = this.#length(where);
    if (size + ids.length > this.#capacity && !this.#dropOldest) {
      throw new CapacityError(`${where}: capacity (${this.#capacity}) exceeded: ${size} held, ${ids.length} pushed`);
    }
    const arena = this.#arena;
    // In drop-oldest mode the ring never needs more than its capacity.
    const needed = Math.min(size + ids.length, this.#capacity);
    if (needed > ringCapacity(arena.words(), this.#at) && !arena.call(where, 'ring_reserve', this.#header, ids.length)) throw this.#full(where);
    return ringAppend(arena.words(), this.#at, ids, this.#capacity); // re-taken: the reserve may have grown the memory
  }

  /** Removes up to `out.length` ids from the front into `out`; returns how many. */
  shiftMany(out: Uint32Array): number {
    if (!(out instanceof Uint32Array)) throw new InvalidArgumentError(`NumericQueue.shiftMany: expected a Uint32Array, got ${describe(out)}`);
    const count = Math.min(out.length, this.#length('NumericQueue.shiftMany'));
    if (count > 0) ringTakeFront(this.#arena.words(), this.#at, out, count);
    return count;
  }

  clear(): void {
    openArena(this.#arena, 'NumericQueue.clear').core.ring_clear(this.#header);
  }

  shrink(): void {
    this.#arena.tryCall('NumericQueue.shrink', 'ring_shrink', this.#header);
  }

  get bytes(): number {
    return this.#disposed ? 0 : openArena(this.#arena, 'NumericQueue.bytes').core.ring_bytes(this.#header);
  }

  /** Frees the structure's memory now. Later calls throw StateError; `size` and `bytes` answer 0. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    blockRegistry.unregister(this);
    if (!this.#arena.poisoned) this.#arena.core.ring_dispose(this.#header);
    this.#arena = disposedArena('NumericQueue');
  }

  *[Symbol.iterator](): Generator<number, void, unknown> {
    yield* this.#copy('NumericQueue[Symbol.iterator]');
  }

  /** Ids front to back, as a Uint32Array; the queue is not changed. */
  toArray(): Uint32Array {
    return this.#copy('NumericQueue.toArray');
  }

  #copy(where: string): Uint32Array {
    const arena = this.#arena;
    const out = new Uint32Array(this.#length(where));
    for (let from = 0; from < out.length; ) {
      const count = arena.core.ring_read(this.#header, from, arena.stagingItems);
      out.set(arena.stagingWords().subarray(0, count), from);
      from += count;
    }
    return out;
  }

  /** Its ids front first; empty once disposed or its arena poisoned (a log line must not throw). */
  toJSON(): number[] {
    return this.#arena.memoryOpen === true ? [...this.toArray()] : [];
  }

  get [Symbol.toStringTag](): string {
    return 'NumericQueue';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this.#disposed) return 'NumericQueue (disposed)';
    if (this.#arena.poisoned) return 'NumericQueue (its arena is poisoned)';
    const ids = this.toArray();
    const bound = this.capacity === Infinity ? '' : ` of ${this.capacity}`;
    return `NumericQueue(${ids.length}${bound}) [${[...ids.subarray(0, 10)].join(', ')}${ids.length > 10 ? ', …' : ''}]`;
  }

  /** The id `k` places from the front; `k` must be below the size, just read (so the arena is open). */
  #read(k: number): number {
    return ringAt(this.#arena.words(), this.#at, k);
  }

  #full(call: string): CapacityError {
    if (this.#length(call) >= this.#capacity) return new CapacityError(`${call}: capacity (${this.#capacity}) exceeded`);
    return new CapacityError(`${call}: the arena's memory (maxMemory ${this.#arena.maxMemory} bytes) is exhausted at ${this.#length(call)} ids`);
  }
}

/**
 * Builds a NumericQueue for the static methods. Outside the class: a class that names itself in its own
 * body is renamed by esbuild (`_NumericQueue`), and stack traces and consoles then show that name.
 */
function newNumericQueue(options?: NumericQueueOptions): NumericQueue {
  return new NumericQueue(options);
}
