import { Arena, arenaOption, disposedArena, openArena } from '../core/arena.js';
import { CapacityError, InvalidArgumentError, SnapshotError, StaleHandleError, asCall, describe, renamedFor } from '../core/errors.js';
import { CAPACITY, FOREIGN, STALE } from '../core/status.js';
import {
  bodyObject,
  codecOption,
  decodeNumbers,
  decodePayloads,
  encodeNumbers,
  encodePayloads,
  field,
  readSnapshot,
  RESTORE_OPTIONS,
  writeSnapshot,
  type RestoreOptions,
  type SnapshotBytes,
  type SnapshotOptions,
} from '../core/snapshot.js';
import { booleanOption, optionNames, options as checkOptions, priorities as checkPriorities, priority as checkPriority, readOnce } from '../core/validate.js';
import { builtFrom, pairColumns } from './built-from.js';
import type { Handle } from './handle.js';
import { drainHeap, readInOrder } from './heap-drain.js';
import { heapTop } from './heap-words.js';
import { stageKeys } from './staging.js';

export interface PriorityQueueOptions {
  /**
   * Serve the highest priority first instead of the lowest.
   * @default false
   */
  readonly max?: boolean | undefined;
  /**
   * The arena whose memory holds the queue (its own memory limit and failure domain).
   * @default the realm's default arena
   */
  readonly arena?: Arena | undefined;
  /**
   * Keep every item's place current from the first push, so that no lookup by handle (`update`,
   * `remove`, `has`, `get`, `priorityOf`) ever pauses. By default the queue does without that
   * bookkeeping until its first lookup, which then links every item at once, O(n): 1.5–6 ms at a
   * million items, 10–60 ms at one to three million (a queue past 2^20 first leaves its runs mode). Eager,
   * every push and pop writes an item's place at each level its sift moves it (4–15 % more time a
   * push + pop, bench/micro/heap.ts), and the queue never enters runs mode (docs/design.md).
   * @default false
   */
  readonly eagerLookup?: boolean | undefined;
}

const PRIORITY_QUEUE_OPTIONS = optionNames<PriorityQueueOptions>()(['max', 'arena', 'eagerLookup']);
/** The constructor's options too (one object may serve a restore-or-create): `max` is the snapshot's own. */
const RESTORE_PRIORITY_QUEUE_OPTIONS = [...RESTORE_OPTIONS, ...PRIORITY_QUEUE_OPTIONS];

export interface UpdateOptions {
  /**
   * Put the item behind the items whose priority equals the new one, as if it had just arrived.
   * By default it keeps its place in arrival order among them.
   * @default false
   */
  readonly behindEquals?: boolean | undefined;
}

interface HeapBlock {
  readonly arena: Arena;
  readonly header: number;
}

/**
 * From this size on, `pop` reads the top's payload (its slot read from the core's memory, no call)
 * before the core pops: the payload table is then past the first-level caches, and a read after the
 * pop waited for its miss only once the sift had ended. Measured (bench/micro/heap.ts, ns per push +
 * pop, the two builds side by side): filled and drained 131 -> 125 at 1e5 and 447 -> 324 at 1e6,
 * held 530 -> 485 at 1e6; 1e3 and 1e4 the same. Reading early at 1e4 cost up to 3 ns, hence the
 * threshold.
 */
const EARLY_READ_FROM = 1 << 14;

/** `update`'s `behindEquals`, checked (the options object too). */
function behindEqualsOption(options: UpdateOptions): boolean {
  const { behindEquals = false } = checkOptions('PriorityQueue.update', options);
  return booleanOption('PriorityQueue.update', 'behindEquals', behindEquals);
}

/** Drops the payloads of every entry (their slots are freed by the core as it hands them over). */
function dropPayloads(arena: Arena, header: number): void {
  const { core, payloads } = arena;
  for (let count = core.heap_drainUnordered(header, arena.stagingItems); count > 0; count = core.heap_drainUnordered(header, arena.stagingItems)) {
    const words = arena.stagingWords();
    for (let k = 0; k < count; k++) payloads[words[k]!] = undefined;
  }
}

const registry = new FinalizationRegistry<HeapBlock>(({ arena, header }) => {
  if (arena.poisoned) return;
  dropPayloads(arena, header);
  arena.core.heap_dispose(header);
});

/**
 * A priority queue of any payloads, min first (or max first), FIFO among equal priorities, with
 * handles for `update` and `remove`. The order lives in the Wasm core (an indexed 4-ary heap over
 * flat memory); the payloads stay JS values in a table of the arena, indexed by handle slot.
 */
export class PriorityQueue<T> implements Iterable<T> {
  #arena: Arena;
  readonly #header: number;
  /** The header's address in u32 words, for the reads that need no core call (heap-words.ts). */
  readonly #at: number;
  /** Written by `#readAhead`; never read. */
  #ahead = false;
  /** Keys are priorities, negated for a max queue, so the core is always a min-heap. */
  readonly #sign: 1 | -1;
  #size = 0;
  #disposed = false;

  constructor(options?: PriorityQueueOptions) {
    const { max = false, arena, eagerLookup = false } = checkOptions('PriorityQueue', options, PRIORITY_QUEUE_OPTIONS);
    booleanOption('PriorityQueue', 'max', max);
    booleanOption('PriorityQueue', 'eagerLookup', eagerLookup);
    this.#arena = arenaOption('PriorityQueue', arena);
    this.#sign = max ? -1 : 1;
    const header = this.#arena.call('PriorityQueue', 'heap_create', 1);
    if (!header) throw new CapacityError('PriorityQueue: the arena has no memory left for a new queue');
    if (eagerLookup) this.#arena.core.heap_link(header); // empty: only marks it linked
    this.#header = header;
    this.#at = header >>> 2;
    registry.register(this, { arena: this.#arena, header }, this);
  }

  /** A queue holding `entries`, each `[item, priority]`, built in O(n). */
  static from<T>(entries: Iterable<readonly [T, number]>, options?: PriorityQueueOptions): PriorityQueue<T> {
    const [items, priorities] = pairColumns<T, number>('PriorityQueue.from', entries, '[item, priority]');
    return builtFrom('PriorityQueue.from', () => newPriorityQueue<T>(options), (queue) => queue.pushMany(items, priorities));
  }

  /**
   * Restores a queue from `snapshot()` bytes, validating everything (magic, version, checksum,
   * every priority and payload) before the queue is built. Order among equal priorities survives.
   */
  static restore<T>(bytes: SnapshotBytes, options?: RestoreOptions<T> & Pick<PriorityQueueOptions, 'arena' | 'eagerLookup'>): PriorityQueue<T> {
    const where = 'PriorityQueue.restore';
    const codec = codecOption(where, options, RESTORE_PRIORITY_QUEUE_OPTIONS); // checks the options first
    const body = bodyObject(where, readSnapshot(where, 'PriorityQueue', bytes, options?.maxBytes));
    const max = field<boolean>(where, body, 'max', (v) => typeof v === 'boolean');
    const items = decodePayloads(where, body.payloads, codec);
    const priorities = decodeNumbers(where, body.priorities, items.length);
    if (!priorities.every(Number.isFinite)) throw new SnapshotError(`${where}: a priority is not finite`);
    let queue: PriorityQueue<T>;
    try {
      queue = newPriorityQueue<T>({ max, arena: options?.arena, eagerLookup: options?.eagerLookup });
    } catch (error) {
      throw renamedFor(where, error); // a bad `arena` or `eagerLookup` too, not only a full arena
    }
    try {
      queue.pushMany(items, priorities);
    } catch (error) {
      queue.dispose(); // a full arena: nothing of the queue stays behind
      throw asCall(where, error);
    }
    return queue;
  }

  /** The queue's contents as bytes (items in order, with priorities); payloads through `codec`. */
  snapshot(options?: SnapshotOptions<T>): Uint8Array {
    const entries = this.#pairs('PriorityQueue.snapshot');
    const codec = codecOption('PriorityQueue.snapshot', options);
    return writeSnapshot('PriorityQueue', {
      max: this.max,
      payloads: encodePayloads('PriorityQueue.snapshot', entries.map(([item]) => item), codec),
      priorities: encodeNumbers(entries.map(([, priority]) => priority)),
    });
  }

  /** How many items the queue holds. */
  get size(): number {
    return this.#size;
  }

  /** Whether the queue serves the highest priority first. */
  get max(): boolean {
    return this.#sign === -1;
  }

  /** Adds `item` with `priority` (a finite number) and returns its handle. */
  push(item: T, priority: number): Handle {
    checkPriority('PriorityQueue.push', priority);
    const arena = this.#arena;
    let handle: number;
    try {
      handle = arena.raw.heap_push(this.#header, this.#sign * priority);
    } catch (error) {
      throw arena.trapped('PriorityQueue.push', error);
    }
    if (handle < 0) throw this.#capacity('PriorityQueue.push');
    // The low 24 bits are the slot (ToInt32 keeps them exactly for any integer below 2^53).
    arena.payloads[handle & 0xffffff] = item;
    this.#size++;
    return handle as Handle;
  }

  /**
   * Adds `items[i]` with `priorities[i]` for every i and returns their handles, one core call per
   * 4,096 items. All or nothing: a bad priority or a capacity error leaves the queue as it was.
   * A batch larger than the queue is heapified in O(n) instead of sifted in one by one.
   */
  pushMany(givenItems: readonly T[], givenPriorities: ArrayLike<number>): Handle[] {
    const where = 'PriorityQueue.pushMany';
    if (!Array.isArray(givenItems)) throw new InvalidArgumentError(`${where}: expected an array of items, got ${describe(givenItems)}`);
    // The items too are read once, before anything else: an element's getter (or a Proxy) must run
    // before the checks, not between the core calls that add the batch.
    const items = givenItems.slice();
    const priorities = readOnce(where, givenPriorities, 'priorities');
    if (priorities.length !== items.length) throw new InvalidArgumentError(`${where}: expected ${items.length} priorities, got ${priorities.length}`);
    checkPriorities(where, priorities);
    const arena = this.#arena;
    const chunk = arena.stagingItems;
    if (!arena.call(where, 'heap_reserve', this.#header, items.length)) throw this.#capacity(where);
    const handles: Handle[] = new Array(items.length);
    const from = this.#size;
    for (let start = 0; start < items.length; start += chunk) {
      const count = Math.min(chunk, items.length - start);
      stageKeys(arena.stagingNumbers(), priorities, start, count, this.#sign);
      arena.call(where, 'heap_append', this.#header, count); // refuses nothing: room was reserved
      const out = arena.stagingNumbers();
      for (let k = 0; k < count; k++) {
        const handle = out[k]!;
        arena.payloads[handle & 0xffffff] = items[start + k];
        handles[start + k] = handle as Handle;
      }
      this.#size += count;
    }
    arena.call(where, 'heap_restore', this.#header, from);
    return handles;
  }

  /**
   * From EARLY_READ_FROM items, `pop` and `popPush` end here: loads the next top's entry of the
   * payload table (a comparison kept in a field, so that the load is not dropped as unused; not the
   * payload itself, which the queue must not keep alive), so that its miss is under way while the
   * caller works on the item just popped, and the next pop finds the line in the cache. Measured
   * (held after a `pushMany`, ns a push or pop, the two versions alternating): 1e5 148-163 ->
   * 109-121, 1e6 303-325 -> 231-274, 3e6 (runs mode) 322-347 -> 253-273. (Dropping the early read
   * of `pop` once this was in: 1e5 101-122 -> 142-154, so both stay.)
   */
  #readAhead(arena: Arena): void {
    if (this.#size > 0) this.#ahead = arena.payloads[heapTop(arena.words(), this.#at)] === undefined;
  }

  /** Removes and returns the first item, or undefined when the queue is empty. */
  pop(): T | undefined {
    const arena = this.#arena;
    const { payloads } = arena;
    // A large queue's top payload is read before the core's pop, so that its cache miss overlaps
    // the sift rather than following it (see EARLY_READ_FROM).
    let top = -1;
    let early: unknown;
    if (this.#size > EARLY_READ_FROM && arena.memoryOpen === true) {
      top = heapTop(arena.words(), this.#at);
      early = payloads[top];
    }
    let slot: number;
    try {
      slot = arena.raw.heap_pop(this.#header);
    } catch (error) {
      throw arena.trapped('PriorityQueue.pop', error);
    }
    if (slot < 0) return undefined;
    const item = (slot === top ? early : payloads[slot]) as T;
    payloads[slot] = undefined;
    this.#size--;
    if (top >= 0) this.#readAhead(arena);
    return item;
  }

  /**
   * Removes and returns the first item, then adds `item` with `priority`: `pop()` then
   * `push(item, priority)` in one core call and one sift (the hold pattern of timers and event
   * queues). On an empty queue it only pushes and returns undefined. The new item's handle is
   * not returned; use `push` when you need it.
   */
  popPush(item: T, priority: number): T | undefined {
    checkPriority('PriorityQueue.popPush', priority);
    if (this.#size === 0) {
      try {
        this.push(item, priority);
      } catch (error) {
        throw renamedFor('PriorityQueue.popPush', error);
      }
      return undefined;
    }
    const arena = this.#arena;
    let slots: number;
    try {
      slots = arena.raw.heap_popPush(this.#header, this.#sign * priority);
    } catch (error) {
      throw arena.trapped('PriorityQueue.popPush', error);
    }
    if (slots < 0) throw this.#capacity('PriorityQueue.popPush');
    // Both slots are below 2^24: the new one is the low 24 bits (see push), the popped one above.
    const slot = slots & 0xffffff;
    const popped = (slots - slot) / 0x1000000;
    const { payloads } = arena;
    const first = payloads[popped] as T;
    payloads[popped] = undefined;
    payloads[slot] = item;
    if (this.#size > EARLY_READ_FROM && arena.memoryOpen === true) this.#readAhead(arena);
    return first;
  }

  /**
   * Removes and returns up to `max` items in order. Taking most of a queue of 512 or more sorts it
   * in the core (O(n) passes instead of a sift per item), with scratch memory as large as the
   * queue's entries (16 bytes each) for the call; otherwise one core call per 4,096 items, which
   * from a queue of about 400,000 or more finds them first and then refills their places.
   */
  popMany(max: number = this.#size): T[] {
    if (typeof max !== 'number' || !(max >= 0) || !Number.isInteger(max)) {
      throw new InvalidArgumentError(`PriorityQueue.popMany: expected \`max\` to be an integer >= 0, got ${describe(max)}`);
    }
    return this.#popMany('PriorityQueue.popMany', max);
  }

  /** Removes and returns every item, in order. */
  drain(): T[] {
    return this.#popMany('PriorityQueue.drain', this.#size);
  }

  #popMany(where: string, max: number): T[] {
    const { payloads } = this.#arena;
    const count = Math.min(max, this.#size);
    // Sized up front: pushing 100,000 items one by one made the drain ~25 % slower (regrowth).
    const out = new Array<T>(count);
    const taken = drainHeap(this.#arena, where, this.#header, this.#size, count, (_keys, slots, popped, at) => {
      for (let k = 0; k < popped; k++) {
        const slot = slots[k]!;
        out[at + k] = payloads[slot] as T;
        payloads[slot] = undefined;
      }
      this.#size -= popped;
    });
    if (taken < count) out.length = taken;
    return out;
  }

  /** The first item, left in place; undefined when the queue is empty. */
  peek(): T | undefined {
    const arena = openArena(this.#arena, 'PriorityQueue.peek');
    const slot = heapTop(arena.words(), this.#at);
    return slot < 0 ? undefined : (arena.payloads[slot] as T);
  }

  /** The first item's priority as it was given; undefined when the queue is empty. */
  peekPriority(): number | undefined {
    const key = openArena(this.#arena, 'PriorityQueue.peekPriority').core.heap_peekKey(this.#header);
    return key === key ? this.#sign * key : undefined;
  }

  /**
   * Gives a queued item a new priority. It keeps its place in arrival order among the items of
   * equal priority (unless `behindEquals`). Throws StaleHandleError when the item has left.
   * The queue's first lookup by handle (this, `remove`, `has`, `get`, `priorityOf`) links every
   * queued item to its place once, in O(n); pushes and pops skip that bookkeeping until then.
   */
  update(handle: Handle, priority: number, options?: UpdateOptions): void {
    checkPriority('PriorityQueue.update', priority);
    const behindEquals = options === undefined ? false : behindEqualsOption(options);
    const status = openArena(this.#arena, 'PriorityQueue.update').core.heap_update(this.#header, this.#checkHandle('PriorityQueue.update', handle), this.#sign * priority, behindEquals ? 1 : 0);
    if (status < 0) throw this.#handleError('PriorityQueue.update', handle, status);
  }

  /**
   * Removes the item a handle names and returns true; false when the item has already left.
   * A handle of another queue, or a number that is no handle, throws.
   */
  remove(handle: Handle): boolean {
    const arena = openArena(this.#arena, 'PriorityQueue.remove');
    const slot = arena.core.heap_remove(this.#header, this.#checkHandle('PriorityQueue.remove', handle));
    if (slot === STALE) return false;
    if (slot < 0) throw this.#handleError('PriorityQueue.remove', handle, slot);
    arena.payloads[slot] = undefined;
    this.#size--;
    return true;
  }

  /** Whether the handle names an item still in this queue. */
  has(handle: Handle): boolean {
    return this.#holds('PriorityQueue.has', handle);
  }

  /** The item a handle names, or undefined when it has left (or the handle is not this queue's). */
  get(handle: Handle): T | undefined {
    return this.#holds('PriorityQueue.get', handle) ? (this.#arena.payloads[handle & 0xffffff] as T) : undefined;
  }

  /** The priority of the item a handle names, or undefined when it has left. */
  priorityOf(handle: Handle): number | undefined {
    const key = openArena(this.#arena, 'PriorityQueue.priorityOf').core.heap_keyOf(this.#header, this.#checkHandle('PriorityQueue.priorityOf', handle));
    return key === key ? this.#sign * key : undefined;
  }

  /** Removes every item. */
  clear(): void {
    dropPayloads(openArena(this.#arena, 'PriorityQueue.clear'), this.#header);
    this.#size = 0;
  }

  /** Gives the memory of removed items back to the arena (the queue keeps room for what it holds). */
  shrink(): void {
    this.#arena.tryCall('PriorityQueue.shrink', 'heap_shrink', this.#header);
  }

  /** Bytes this queue holds in the core (payloads are JS values and not counted). */
  get bytes(): number {
    return this.#disposed ? 0 : openArena(this.#arena, 'PriorityQueue.bytes').core.heap_bytes(this.#header);
  }

  /** Frees the queue's memory now. Later calls throw StateError; `size` and `bytes` answer 0. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const arena = this.#arena;
    registry.unregister(this);
    if (!arena.poisoned) {
      dropPayloads(arena, this.#header);
      arena.core.heap_dispose(this.#header);
    }
    this.#size = 0;
    this.#arena = disposedArena('PriorityQueue');
  }

  /** `[item, priority]` pairs in the order `pop` would return them; the queue is not changed. */
  *entries(): Generator<[T, number], void, unknown> {
    // Read the whole order, payloads too, before the first yield: a caller that changes the queue
    // meanwhile (its slots then hold other items) still gets the pairs the queue held.
    yield* this.#pairs('PriorityQueue.entries');
  }

  /** Items in the order `pop` would return them; the queue is not changed. */
  *[Symbol.iterator](): Generator<T, void, unknown> {
    for (const [item] of this.#pairs('PriorityQueue[Symbol.iterator]')) yield item;
  }

  /** Its items in pop order; empty once disposed or its arena poisoned (a log line must not throw). */
  toJSON(): { size: number; max: boolean; entries: [T, number][] } {
    if (this.#arena.memoryOpen !== true) return { size: 0, max: this.max, entries: [] };
    return { size: this.#size, max: this.max, entries: this.#pairs('PriorityQueue.toJSON') };
  }

  get [Symbol.toStringTag](): string {
    return 'PriorityQueue';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this.#disposed) return 'PriorityQueue (disposed)';
    if (this.#arena.poisoned) return 'PriorityQueue (its arena is poisoned)';
    const head = [...this.entries()].slice(0, 10).map(([item, p]) => `${describe(item)} (${p})`);
    return `PriorityQueue(${this.#size}) [${head.join(', ')}${this.#size > 10 ? ', …' : ''}] ${this.max ? 'max' : 'min'} first`;
  }

  /** Whether the handle names an item of this queue (a handle that is no number is refused under `call`). */
  #holds(call: string, handle: Handle): boolean {
    const key = openArena(this.#arena, call).core.heap_keyOf(this.#header, this.#checkHandle(call, handle));
    return key === key;
  }

  /** Handles are numbers; anything else would be coerced by the Wasm boundary, so refuse it here. */
  #checkHandle(call: string, handle: Handle): Handle {
    if (typeof handle !== 'number') throw new InvalidArgumentError(`${call}: ${describe(handle)} is not a handle`);
    return handle;
  }

  /** Its `[item, priority]` pairs in pop order, read for `where`. */
  #pairs(where: string): [T, number][] {
    const pairs: [T, number][] = [];
    const { payloads } = this.#arena;
    const sign = this.#sign;
    readInOrder(this.#arena, where, this.#header, this.#size, (keys, slots, count) => {
      for (let k = 0; k < count; k++) pairs.push([payloads[slots[k]!] as T, sign * keys[k]!]);
    });
    return pairs;
  }

  #capacity(call: string): CapacityError {
    return new CapacityError(`${call}: the arena's memory (maxMemory ${this.#arena.maxMemory} bytes) is exhausted at ${this.#size} items`);
  }

  #handleError(call: string, handle: Handle, status: number): Error {
    if (status === STALE) return new StaleHandleError(`${call}: handle ${describe(handle)} is stale (its item has left the queue)`);
    if (status === FOREIGN) return new InvalidArgumentError(`${call}: handle ${describe(handle)} belongs to another queue`);
    if (status === CAPACITY) return this.#capacity(call);
    return new InvalidArgumentError(`${call}: ${describe(handle)} is not a handle this arena issued`);
  }
}

/**
 * Builds a PriorityQueue for the static methods. Outside the class: a class that names itself in its own
 * body is renamed by esbuild (`_PriorityQueue`), and stack traces and consoles then show that name.
 */
function newPriorityQueue<T>(options?: PriorityQueueOptions): PriorityQueue<T> {
  return new PriorityQueue<T>(options);
}
