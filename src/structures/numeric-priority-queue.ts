import { Arena, arenaOption, disposedArena, openArena } from '../core/arena.js';
import { CapacityError, InvalidArgumentError, SnapshotError, describe, renamedFor } from '../core/errors.js';
import { decodeNumbers, encodeIds, encodeNumbers, field, idsField, readNumericSnapshot, writeSnapshot, type NumericRestoreOptions, type SnapshotBytes } from '../core/snapshot.js';
import {
  booleanOption,
  optionNames,
  options as checkOptions,
  priorities as checkPriorities,
  priority as checkPriority,
  readOnce,
  word as checkWord,
  words as checkWords,
} from '../core/validate.js';
import { builtFrom, pairColumns } from './built-from.js';
import { blockRegistry } from './core-block.js';
import { drainHeap, readInOrder, type DrainSink } from './heap-drain.js';
import { heapSize, heapTop } from './heap-words.js';
import type { PriorityQueueOptions } from './priority-queue.js';
import { stageKeys } from './staging.js';

/** `PriorityQueue`'s options that apply to ids: `max` and `arena`. */
export type NumericPriorityQueueOptions = Pick<PriorityQueueOptions, 'max' | 'arena'>;

const NUMERIC_PRIORITY_QUEUE_OPTIONS = optionNames<NumericPriorityQueueOptions>()(['max', 'arena']);
/** The constructor's options too (one object may serve a restore-or-create): `max` is the snapshot's own. */
const RESTORE_NUMERIC_PRIORITY_QUEUE_OPTIONS = optionNames<NumericRestoreOptions & NumericPriorityQueueOptions>()(['maxBytes', 'max', 'arena']);

/**
 * A priority queue of ids (integers 0 .. 2^32 - 1) kept in the core itself: no JS payload, no
 * handle, nothing allocated per operation, and batch forms over typed arrays. FIFO among equal
 * priorities, like PriorityQueue. For update/remove by handle, use PriorityQueue.
 */
export class NumericPriorityQueue implements Iterable<number> {
  #arena: Arena;
  readonly #header: number;
  /** The header's address in u32 words, for the reads that need no core call (heap-words.ts). */
  readonly #at: number;
  readonly #sign: 1 | -1;
  #disposed = false;

  constructor(options?: NumericPriorityQueueOptions) {
    const { max = false, arena } = checkOptions('NumericPriorityQueue', options, NUMERIC_PRIORITY_QUEUE_OPTIONS);
    booleanOption('NumericPriorityQueue', 'max', max);
    this.#arena = arenaOption('NumericPriorityQueue', arena);
    this.#sign = max ? -1 : 1;
    const header = this.#arena.call('NumericPriorityQueue', 'heap_create', 0);
    if (!header) throw new CapacityError('NumericPriorityQueue: the arena has no memory left for a new queue');
    this.#header = header;
    this.#at = header >>> 2;
    blockRegistry.register(this, { arena: this.#arena, header, dispose: 'heap_dispose' }, this);
  }

  /** A queue holding `entries`, each `[id, priority]`, built in O(n). */
  static from(entries: Iterable<readonly [number, number]>, options?: NumericPriorityQueueOptions): NumericPriorityQueue {
    const [ids, priorities] = pairColumns<number, number>('NumericPriorityQueue.from', entries, '[id, priority]');
    return builtFrom('NumericPriorityQueue.from', () => newNumericPriorityQueue(options), (queue) => queue.pushMany(ids, priorities));
  }

  /**
   * Restores a queue from `snapshot()` bytes, validating everything (magic, version, checksum, the
   * ids and every priority) before the queue is built. Order among equal priorities survives.
   */
  static restore(bytes: SnapshotBytes, options?: NumericRestoreOptions): NumericPriorityQueue {
    const where = 'NumericPriorityQueue.restore';
    const { arena, body } = readNumericSnapshot(where, 'NumericPriorityQueue', bytes, options, RESTORE_NUMERIC_PRIORITY_QUEUE_OPTIONS);
    const max = field<boolean>(where, body, 'max', (v) => typeof v === 'boolean');
    const ids = idsField(where, body);
    const priorities = decodeNumbers(where, body.priorities, ids.length);
    if (!priorities.every(Number.isFinite)) throw new SnapshotError(`${where}: a priority is not finite`);
    return builtFrom(where, () => newNumericPriorityQueue({ max, arena }), (queue) => queue.pushMany(ids, priorities));
  }

  /** The queue's ids and priorities in pop order, and its order, as bytes; the queue is not changed. */
  snapshot(): Uint8Array {
    const where = 'NumericPriorityQueue.snapshot';
    const size = this.#length(where);
    const ids = new Uint32Array(size);
    const priorities = new Float64Array(size);
    readInOrder(this.#arena, where, this.#header, size, intoColumns(ids, priorities, this.#sign));
    return writeSnapshot('NumericPriorityQueue', { max: this.max, size, ids: encodeIds(ids), priorities: encodeNumbers(priorities) });
  }

  /** 0 once disposed; a poisoned arena throws. */
  get size(): number {
    return this.#disposed ? 0 : this.#length('NumericPriorityQueue.size');
  }

  /** The size, throwing StateError or PoisonedArenaError under `where` once the arena is closed to this queue. */
  #length(where: string): number {
    return heapSize(openArena(this.#arena, where).words(), this.#at);
  }

  get max(): boolean {
    return this.#sign === -1;
  }

  /** Adds `id` with `priority`; returns the new size. */
  push(id: number, priority: number): number {
    checkWord('NumericPriorityQueue.push', id);
    checkPriority('NumericPriorityQueue.push', priority);
    const arena = this.#arena;
    let size: number;
    try {
      size = arena.raw.heap_pushValue(this.#header, this.#sign * priority, id);
    } catch (error) {
      throw arena.trapped('NumericPriorityQueue.push', error);
    }
    if (size < 0) throw this.#capacity('NumericPriorityQueue.push');
    return size;
  }

  /** Removes and returns the first id, or undefined when empty. */
  pop(): number | undefined {
    const arena = this.#arena;
    let id: number;
    try {
      id = arena.raw.heap_popValue(this.#header);
    } catch (error) {
      throw arena.trapped('NumericPriorityQueue.pop', error);
    }
    return id < 0 ? undefined : id;
  }

  /**
   * Removes and returns the first id, then adds `id` with `priority`: `pop()` then
   * `push(id, priority)` in one core call and one sift. On an empty queue it only pushes and
   * returns undefined.
   */
  popPush(id: number, priority: number): number | undefined {
    checkWord('NumericPriorityQueue.popPush', id);
    checkPriority('NumericPriorityQueue.popPush', priority);
    const arena = this.#arena;
    let first: number;
    try {
      first = arena.raw.heap_popPushValue(this.#header, this.#sign * priority, id);
    } catch (error) {
      throw arena.trapped('NumericPriorityQueue.popPush', error);
    }
    if (first >= 0) return first;
    // -1 from a queue that holds items: memory refused what the push needed, and nothing changed.
    if (this.#length('NumericPriorityQueue.popPush') > 0) throw this.#capacity('NumericPriorityQueue.popPush');
    try {
      this.push(id, priority);
    } catch (error) {
      throw renamedFor('NumericPriorityQueue.popPush', error);
    }
    return undefined;
  }

  peek(): number | undefined {
    const arena = openArena(this.#arena, 'NumericPriorityQueue.peek');
    const id = heapTop(arena.words(), this.#at);
    return id < 0 ? undefined : id;
  }

  peekPriority(): number | undefined {
    const key = openArena(this.#arena, 'NumericPriorityQueue.peekPriority').core.heap_peekKey(this.#header);
    return key === key ? this.#sign * key : undefined;
  }

  /**
   * Adds `ids[i]` with `priorities[i]` for every i, one core call per 4,096. All or nothing: bad
   * input or a capacity error leaves the queue as it was. Returns the new size.
   */
  pushMany(givenIds: ArrayLike<number>, givenPriorities: ArrayLike<number>): number {
    const where = 'NumericPriorityQueue.pushMany';
    const ids = readOnce(where, givenIds, 'ids');
    const priorities = readOnce(where, givenPriorities, 'priorities');
    if (ids.length !== priorities.length) throw new InvalidArgumentError(`${where}: expected two array-likes of equal length, got ${ids.length} ids and ${priorities.length} priorities`);
    checkWords(where, ids);
    checkPriorities(where, priorities);
    const arena = this.#arena;
    if (!arena.call(where, 'heap_reserve', this.#header, ids.length)) throw this.#capacity(where);
    const from = this.#length(where);
    for (let start = 0; start < ids.length; start += arena.stagingItems) {
      const count = Math.min(arena.stagingItems, ids.length - start);
      stageKeys(arena.stagingNumbers(), priorities, start, count, this.#sign);
      const words = arena.stagingWords();
      if (ids instanceof Uint32Array) words.set(count === ids.length ? ids : ids.subarray(start, start + count));
      else for (let k = 0; k < count; k++) words[k] = ids[start + k]!;
      arena.call(where, 'heap_append', this.#header, count); // refuses nothing: room was reserved
    }
    arena.call(where, 'heap_restore', this.#header, from);
    return this.#length(where);
  }

  /**
   * Pops up to `ids.length` ids into `ids` (and their priorities into `priorities`, when given);
   * returns how many. Allocates nothing per id. Taking most of a queue of 512 or more sorts it in
   * the core (O(n) passes instead of a sift per id), with scratch memory as large as the queue's
   * entries (16 bytes each) for the call; otherwise one core call per 4,096 ids, which from a
   * queue of about 400,000 or more finds them first and then refills their places.
   */
  popMany(ids: Uint32Array, priorities?: Float64Array): number {
    if (!(ids instanceof Uint32Array)) throw new InvalidArgumentError(`NumericPriorityQueue.popMany: expected a Uint32Array, got ${describe(ids)}`);
    if (priorities !== undefined && (!(priorities instanceof Float64Array) || priorities.length < ids.length)) {
      throw new InvalidArgumentError('NumericPriorityQueue.popMany: expected `priorities` to be a Float64Array at least as long as `ids`');
    }
    return drainHeap(this.#arena, 'NumericPriorityQueue.popMany', this.#header, this.#length('NumericPriorityQueue.popMany'), ids.length, intoColumns(ids, priorities, this.#sign));
  }

  clear(): void {
    openArena(this.#arena, 'NumericPriorityQueue.clear').core.heap_clear(this.#header);
  }

  shrink(): void {
    this.#arena.tryCall('NumericPriorityQueue.shrink', 'heap_shrink', this.#header);
  }

  get bytes(): number {
    return this.#disposed ? 0 : openArena(this.#arena, 'NumericPriorityQueue.bytes').core.heap_bytes(this.#header);
  }

  /** Frees the queue's memory now. Later calls throw StateError; `size` and `bytes` answer 0. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    blockRegistry.unregister(this);
    if (!this.#arena.poisoned) this.#arena.core.heap_dispose(this.#header);
    this.#arena = disposedArena('NumericPriorityQueue');
  }

  /** `[id, priority]` pairs in pop order; the queue is not changed. */
  *entries(): Generator<[number, number], void, unknown> {
    yield* this.#pairs('NumericPriorityQueue.entries');
  }

  *[Symbol.iterator](): Generator<number, void, unknown> {
    for (const [id] of this.#pairs('NumericPriorityQueue[Symbol.iterator]')) yield id;
  }

  /** Its ids and priorities in pop order; empty once disposed or its arena poisoned (a log line must not throw). */
  toJSON(): { size: number; max: boolean; entries: [number, number][] } {
    if (this.#arena.memoryOpen !== true) return { size: 0, max: this.max, entries: [] };
    const entries = this.#pairs('NumericPriorityQueue.toJSON');
    return { size: entries.length, max: this.max, entries };
  }

  get [Symbol.toStringTag](): string {
    return 'NumericPriorityQueue';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this.#disposed) return 'NumericPriorityQueue (disposed)';
    if (this.#arena.poisoned) return 'NumericPriorityQueue (its arena is poisoned)';
    const size = this.#length('NumericPriorityQueue.inspect');
    const head = [...this.entries()].slice(0, 10).map(([id, p]) => `${id} (${p})`);
    return `NumericPriorityQueue(${size}) [${head.join(', ')}${size > 10 ? ', …' : ''}] ${this.max ? 'max' : 'min'} first`;
  }

  #capacity(call: string): CapacityError {
    return new CapacityError(`${call}: the arena's memory (maxMemory ${this.#arena.maxMemory} bytes) is exhausted at ${this.#length(call)} items`);
  }

  /** Its `[id, priority]` pairs in pop order, read for `where`. */
  #pairs(where: string): [number, number][] {
    const pairs: [number, number][] = [];
    const sign = this.#sign;
    readInOrder(this.#arena, where, this.#header, this.#length(where), (keys, ids, count) => {
      for (let k = 0; k < count; k++) pairs.push([ids[k]!, sign * keys[k]!]);
    });
    return pairs;
  }
}

/** A drain's sink that writes the ids into `ids` and, when given, the priorities as given (`sign` undoes a max queue's negated keys) into `priorities`. */
function intoColumns(ids: Uint32Array, priorities: Float64Array | undefined, sign: number): DrainSink {
  return (keys, items, count, at) => {
    ids.set(items.subarray(0, count), at);
    if (priorities) for (let k = 0; k < count; k++) priorities[at + k] = sign * keys[k]!;
  };
}

/**
 * Builds a NumericPriorityQueue for the static methods. Outside the class: a class that names itself in its own
 * body is renamed by esbuild (`_NumericPriorityQueue`), and stack traces and consoles then show that name.
 */
function newNumericPriorityQueue(options?: NumericPriorityQueueOptions): NumericPriorityQueue {
  return new NumericPriorityQueue(options);
}
