import { Arena, arenaOption, disposedArena, openArena } from '../core/arena.js';
import { CapacityError, InvalidArgumentError, SnapshotError, describe } from '../core/errors.js';
import { boundField, encodeIds, idsField, readNumericSnapshot, writeSnapshot, type NumericRestoreOptions, type SnapshotBytes } from '../core/snapshot.js';
import { boundOption, optionNames, options as checkOptions, iterable, readOnce, word as checkWord, words as checkWords } from '../core/validate.js';
import { builtFrom } from './built-from.js';
import { blockRegistry } from './core-block.js';
import { ringAppend, ringAt, ringCapacity, ringLength, ringPop, ringPushBack, ringTakeBack } from './ring-words.js';
import { stackAppend, stackAt, stackCapacity, stackLength, stackPop, stackPush, stackTake } from './stack-words.js';

export interface NumericStackOptions {
  /** The most ids kept; a push onto a full stack drops the bottom id. Unbounded when absent. @minimum 1 */
  readonly limit?: number | undefined;
  /** The arena whose memory holds the stack. @default the realm's default arena */
  readonly arena?: Arena | undefined;
}

const NUMERIC_STACK_OPTIONS = optionNames<NumericStackOptions>()(['limit', 'arena']);
/** The constructor's options too (one object may serve a restore-or-create): `limit` is the snapshot's own. */
const RESTORE_NUMERIC_STACK_OPTIONS = optionNames<NumericRestoreOptions & NumericStackOptions>()(['maxBytes', 'limit', 'arena']);
/** The largest `limit`: a bounded stack is a ring, which indexes 32-bit words. */
const MAX_LIMIT = 2 ** 31;

/**
 * A LIFO stack of ids (integers 0 .. 2^32 - 1) in the core's memory. With a `limit`, a push onto a
 * full stack drops the oldest id, in O(1).
 */
// A plain growable array (assembly/stack.ts) or, with a limit, a ring used from the back.
// Operations read and write it from JS (stack-words.ts, ring-words.ts) and cross into the core to
// grow, clear or shrink it; `arena.memoryOpen` is false once the arena is poisoned or the stack disposed,
// and then the call throws the matching error under its own name (`openArena`, or a core call
// through `arena.call`).
export class NumericStack implements Iterable<number> {
  #arena: Arena;
  readonly #header: number;
  /** The header's address in u32 words. */
  readonly #at: number;
  readonly #bounded: boolean;
  readonly #limit: number;
  #disposed = false;

  constructor(options?: NumericStackOptions) {
    const { limit, arena } = checkOptions('NumericStack', options, NUMERIC_STACK_OPTIONS);
    this.#limit = boundOption('NumericStack', 'limit', limit, MAX_LIMIT);
    this.#bounded = this.#limit !== Infinity;
    this.#arena = arenaOption('NumericStack', arena);
    const header = this.#bounded ? this.#arena.call('NumericStack', 'ring_create', this.#limit, 1) : this.#arena.call('NumericStack', 'stack_create');
    if (!header) throw new CapacityError('NumericStack: the arena has no memory left for a new stack');
    this.#header = header;
    this.#at = header >>> 2;
    blockRegistry.register(this, { arena: this.#arena, header, dispose: this.#bounded ? 'ring_dispose' : 'stack_dispose' }, this);
  }

  static from(ids: Iterable<number>, options?: NumericStackOptions): NumericStack {
    const list = [...iterable<number>('NumericStack.from', ids, 'ids')];
    return builtFrom('NumericStack.from', () => newNumericStack(options), (stack) => stack.pushMany(list));
  }

  /** Restores a stack (ids and limit) from `snapshot()` bytes, validated first. */
  static restore(bytes: SnapshotBytes, options?: NumericRestoreOptions): NumericStack {
    const where = 'NumericStack.restore';
    const { arena, body } = readNumericSnapshot(where, 'NumericStack', bytes, options, RESTORE_NUMERIC_STACK_OPTIONS);
    const limit = boundField(where, body, 'limit', MAX_LIMIT);
    const ids = idsField(where, body);
    if (limit !== null && ids.length > limit) throw new SnapshotError(`${where}: ${ids.length} ids exceed the limit (${limit})`);
    return builtFrom(where, () => newNumericStack({ limit: limit ?? undefined, arena }), (stack) => stack.pushMany(ids));
  }

  /** The stack's ids bottom first (so that a restore is one `pushMany`), and its limit, as bytes. */
  snapshot(): Uint8Array {
    const size = this.#length('NumericStack.snapshot');
    const bottomFirst = new Uint32Array(size);
    for (let i = 0; i < size; i++) bottomFirst[i] = this.#read(i);
    return writeSnapshot('NumericStack', { limit: this.#limit === Infinity ? null : this.#limit, size, ids: encodeIds(bottomFirst) });
  }

  /** 0 once disposed; a poisoned arena throws. */
  get size(): number {
    return this.#disposed ? 0 : this.#length('NumericStack.size');
  }

  /** The size, throwing StateError or PoisonedArenaError under `where` once the arena is closed to this stack. */
  #length(where: string): number {
    const words = openArena(this.#arena, where).words();
    return this.#bounded ? ringLength(words, this.#at) : stackLength(words, this.#at);
  }

  get limit(): number {
    return this.#limit;
  }

  /** Pushes `id`; returns the new size. */
  push(id: number): number {
    checkWord('NumericStack.push', id);
    const arena = this.#arena;
    if (arena.memoryOpen === true) {
      const words = arena.words();
      const size = this.#bounded ? ringPushBack(words, this.#at, id, this.#limit, true) : stackPush(words, this.#at, id);
      if (size !== 0) return size;
    }
    // The block is full (the core grows it), or the arena is closed.
    const size = this.#bounded ? arena.call('NumericStack.push', 'ring_pushBack', this.#header, id) : arena.call('NumericStack.push', 'stack_push', this.#header, id);
    if (size < 0) throw this.#exhausted('NumericStack.push');
    return size;
  }

  pop(): number | undefined {
    const arena = openArena(this.#arena, 'NumericStack.pop');
    const id = this.#bounded ? ringPop(arena.words(), this.#at) : stackPop(arena.words(), this.#at);
    return id < 0 ? undefined : id;
  }

  peek(): number | undefined {
    const size = this.#length('NumericStack.peek');
    return size === 0 ? undefined : this.#read(size - 1);
  }

  /** The id at `index` from the bottom (negative counts from the top). */
  at(index: number): number | undefined {
    if (!Number.isInteger(index)) throw new InvalidArgumentError(`NumericStack.at: expected an integer index, got ${describe(index)}`);
    const size = this.#length('NumericStack.at');
    const i = index < 0 ? size + index : index;
    return i < 0 || i >= size ? undefined : this.#read(i);
  }

  /** Pushes every id, the first one lowest. Returns the new size. */
  pushMany(given: ArrayLike<number>): number {
    const where = 'NumericStack.pushMany';
    const ids = readOnce(where, given, 'ids');
    checkWords(where, ids);
    const arena = this.#arena;
    const needed = Math.min(this.#length(where) + ids.length, this.#limit);
    const words = arena.words();
    if (needed > (this.#bounded ? ringCapacity(words, this.#at) : stackCapacity(words, this.#at))) {
      const room = this.#bounded ? arena.call(where, 'ring_reserve', this.#header, ids.length) : arena.call(where, 'stack_reserve', this.#header, ids.length);
      if (!room) throw this.#exhausted(where);
    }
    const after = arena.words(); // re-taken: the reserve may have grown the memory
    return this.#bounded ? ringAppend(after, this.#at, ids, this.#limit) : stackAppend(after, this.#at, ids);
  }

  /** Pops up to `out.length` ids, the top first, into `out`; returns how many. */
  popMany(out: Uint32Array): number {
    if (!(out instanceof Uint32Array)) throw new InvalidArgumentError(`NumericStack.popMany: expected a Uint32Array, got ${describe(out)}`);
    const count = Math.min(out.length, this.#length('NumericStack.popMany'));
    if (count === 0) return 0;
    const words = this.#arena.words();
    if (this.#bounded) ringTakeBack(words, this.#at, out, count);
    else stackTake(words, this.#at, out, count);
    return count;
  }

  clear(): void {
    const core = openArena(this.#arena, 'NumericStack.clear').core;
    if (this.#bounded) core.ring_clear(this.#header);
    else core.stack_clear(this.#header);
  }

  shrink(): void {
    const arena = this.#arena;
    if (this.#bounded) arena.tryCall('NumericStack.shrink', 'ring_shrink', this.#header);
    else arena.tryCall('NumericStack.shrink', 'stack_shrink', this.#header);
  }

  get bytes(): number {
    if (this.#disposed) return 0;
    const core = openArena(this.#arena, 'NumericStack.bytes').core;
    return this.#bounded ? core.ring_bytes(this.#header) : core.stack_bytes(this.#header);
  }

  /** Frees the structure's memory now. Later calls throw StateError; `size` and `bytes` answer 0. */
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
  *[Symbol.iterator](): Generator<number, void, unknown> {
    yield* this.#ids('NumericStack[Symbol.iterator]');
  }

  toArray(): number[] {
    return [...this.#ids('NumericStack.toArray')];
  }

  /** Its ids top first; empty once disposed or its arena poisoned (a log line must not throw). */
  toJSON(): number[] {
    return this.#arena.memoryOpen === true ? this.toArray() : [];
  }

  get [Symbol.toStringTag](): string {
    return 'NumericStack';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this.#disposed) return 'NumericStack (disposed)';
    if (this.#arena.poisoned) return 'NumericStack (its arena is poisoned)';
    const ids = this.toArray();
    const bound = this.limit === Infinity ? '' : ` of ${this.limit}`;
    return `NumericStack(${ids.length}${bound}) [${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}] top first`;
  }

  /** Ids from the top down, live as an array's iterator is: ids popped meanwhile are skipped, never read from where they were. */
  *#ids(where: string): Generator<number, void, unknown> {
    for (let i = this.#length(where) - 1; i >= 0; i = Math.min(i, this.#length(where)) - 1) yield this.#read(i);
  }

  /** The id at `index` from the bottom; `index` must be below the size, just read (so the arena is open). */
  #read(index: number): number {
    const words = this.#arena.words();
    return this.#bounded ? ringAt(words, this.#at, index) : stackAt(words, this.#at, index);
  }

  #exhausted(call: string): CapacityError {
    return new CapacityError(`${call}: the arena's memory (maxMemory ${this.#arena.maxMemory} bytes) is exhausted at ${this.#length(call)} ids`);
  }
}

/**
 * Builds a NumericStack for the static methods. Outside the class: a class that names itself in its own
 * body is renamed by esbuild (`_NumericStack`), and stack traces and consoles then show that name.
 */
function newNumericStack(options?: NumericStackOptions): NumericStack {
  return new NumericStack(options);
}
