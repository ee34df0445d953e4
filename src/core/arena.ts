/**
 * An Arena is one Wasm instance and its memory, shared by many structures: each structure is a
 * header block plus data blocks in that memory. One instance per structure would cost ~77 µs to
 * create and V8 refuses the ~13,000th live one (each memory reserves its own address space); a
 * block in a shared arena costs about half a microsecond to create and dispose, and has no such ceiling.
 *
 * An arena is also a failure domain: its own memory limit, and if its core ever traps, only the
 * structures in it stop working (they throw PoisonedArenaError from then on).
 */
import type { CoreExports } from './exports.js';
import { CapacityError, FlatschedError, InvalidArgumentError, PoisonedArenaError, StateError, asCall, describe, renamedFor } from './errors.js';
import { checkCoreModule, coreModule } from './module.js';
import { optionNames, options as checkOptions } from './validate.js';

const PAGE = 65536;
/** Below the engine's wasm32 ceiling of 4 GiB; header pointers stay below 2^31. */
const MAX_MEMORY_LIMIT = 2 ** 31;
const DEFAULT_MAX_MEMORY = 1024 * 1024 * 1024;
/** Arena tags are 14 bits of every handle (assembly/slots.ts). */
const TAG_COUNT = 1 << 14;

export interface ArenaOptions {
  /**
   * The most memory this arena's core may use, in bytes. Growth past it is a CapacityError.
   * Near the limit the core refuses what it cannot be sure to serve, so an arena may refuse a
   * request somewhat early (by up to about a sixteenth of a large request: the allocator's size
   * classes).
   * @default 1 GiB
   * @minimum 2 MiB; at most 2 GiB
   */
  readonly maxMemory?: number | undefined;
  /**
   * The compiled module to instantiate (for example the debug build in tests).
   * @default the library's own module (`init`)
   */
  readonly module?: WebAssembly.Module | undefined;
}

/**
 * Tags of live arenas. A tag is reused only after every other one has been handed out since, and
 * never while its arena lives, so a live handle of another arena never passes for one of ours.
 * The book is shared through the realm's global object by every copy of the library loaded in it
 * (an ESM and a CommonJS build side by side, a dependency bundling its own): with a book each,
 * two copies' first arenas both took tag 0, and a handle of one acted on the other's items.
 */
interface TagBook {
  readonly inUse: Uint8Array;
  next: number;
}

const TAG_BOOK = Symbol.for('flatsched.arenaTags.v1');

function tagBook(): TagBook {
  const global = globalThis as { [TAG_BOOK]?: TagBook };
  const shared = global[TAG_BOOK];
  if (shared !== undefined) return shared;
  const book: TagBook = { inUse: new Uint8Array(TAG_COUNT), next: 0 };
  try {
    Object.defineProperty(global, TAG_BOOK, { value: book }); // not enumerable, not writable
  } catch {
    // A frozen global object: this copy keeps a book of its own.
  }
  return book;
}

const tags = tagBook();
const tagRegistry = new FinalizationRegistry<number>((tag) => {
  tags.inUse[tag] = 0;
});

function takeTag(): number {
  const { inUse } = tags;
  for (let i = 0; i < TAG_COUNT; i++) {
    const tag = (tags.next + i) % TAG_COUNT;
    if (!inUse[tag]) {
      inUse[tag] = 1;
      tags.next = (tag + 1) % TAG_COUNT;
      return tag;
    }
  }
  throw new CapacityError(`Arena: ${TAG_COUNT} arenas are alive at once; dispose of structures in arenas you no longer use`);
}

/** The exports that are functions, their arguments and results. */
type FunctionExport = Extract<{ [K in keyof CoreExports]: CoreExports[K] extends (...args: never[]) => unknown ? K : never }[keyof CoreExports], keyof CoreExports>;
type ExportArgs<K extends FunctionExport> = CoreExports[K] extends (...args: infer A) => unknown ? A : never;
type ExportResult<K extends FunctionExport> = CoreExports[K] extends (...args: never[]) => infer R ? R : never;

export class Arena {
  /** The memory limit in bytes. */
  readonly maxMemory: number;
  /**
   * The raw exports, or after a trap an object whose every function throws PoisonedArenaError.
   * @internal
   */
  core: CoreExports;
  /**
   * The same exports unguarded, for the hot calls that guard themselves with a try/catch and
   * `trapped` (a guard wrapper costs ~4 ns a call; a try/catch in the caller nothing measurable).
   * Replaced like `core` when the arena is poisoned. @internal
   */
  raw: CoreExports;
  /** Payloads of indexed structures, by handle slot (one table per arena, like the slots). @internal */
  readonly payloads: unknown[] = [];
  readonly #memory: WebAssembly.Memory;
  #poisonCause: unknown = undefined;
  #numbers = new Float64Array(0);
  #words = new Uint32Array(0);
  #memoryWords = new Uint32Array(0);
  /**
   * Whether structures may read and write this arena's memory directly (`words()`): false once
   * the core trapped, and on the stand-in of a disposed structure, so their fast paths fall back
   * to the core calls that throw. Hot paths test it with `=== true`: its truthiness compiles to a
   * full ToBoolean (false, '', undetectable, number and bigint checks), 4 % of a NumericQueue
   * push + shift. @internal
   */
  memoryOpen = true;
  /** Items the staging area holds. @internal */
  readonly stagingItems: number;
  /** The fewest entries a heap must hold for a drain to sort it (assembly/heap.ts). @internal */
  readonly heapSortFrom: number;

  constructor(options?: ArenaOptions) {
    checkOptions('Arena', options, optionNames<ArenaOptions>()(['maxMemory', 'module']));
    const maxMemory = options?.maxMemory === undefined ? DEFAULT_MAX_MEMORY : options.maxMemory;
    if (typeof maxMemory !== 'number' || !Number.isInteger(maxMemory) || maxMemory < 2 * 1024 * 1024 || maxMemory > MAX_MEMORY_LIMIT) {
      throw new InvalidArgumentError(`Arena: expected \`maxMemory\` to be an integer from 2097152 (2 MiB) to 2147483648 (2 GiB), got ${describe(maxMemory)}`);
    }
    if (options?.module !== undefined) checkCoreModule('Arena', options.module);
    this.maxMemory = maxMemory;
    const module = options?.module ?? coreModule('Arena');
    const tag = takeTag();
    const pageLimit = Math.floor(maxMemory / PAGE);
    try {
      this.#memory = new WebAssembly.Memory({ initial: 1, maximum: pageLimit });
      const instance = new WebAssembly.Instance(module, {
        env: { memory: this.#memory, abort: (message: number, file: number, line: number, column: number) => this.#abort(message, file, line, column) },
      });
      this.raw = instance.exports as unknown as CoreExports;
      this.core = this.#guard(instance.exports);
      if (!this.core.arena_init(pageLimit, tag)) throw new CapacityError('Arena: no memory for the staging area');
    } catch (error) {
      tags.inUse[tag] = 0;
      if (error instanceof FlatschedError) throw error;
      throw new CapacityError(`Arena: the engine refused a new Wasm instance (${(error as Error).message})`, { cause: error });
    }
    tagRegistry.register(this, tag);
    this.stagingItems = this.core.STAGING_ITEMS.value as number;
    this.heapSortFrom = this.core.HEAP_SORT_FROM.value as number;
  }

  /** Bytes the structures of this arena hold in the core (their blocks, not allocator overhead). */
  get bytesInUse(): number {
    return this.core.arena_bytesInUse();
  }

  /** Bytes of linear memory the arena has taken from the engine (it never gives them back). */
  get memoryBytes(): number {
    return this.#memory.buffer.byteLength;
  }

  /** Whether the core trapped; every structure in the arena then throws PoisonedArenaError. */
  get poisoned(): boolean {
    return this.#poisonCause !== undefined;
  }

  /** Its size and state, for logs: not its internals, which include every payload it holds. */
  toJSON(): { maxMemory: number; memoryBytes: number; bytesInUse: number | undefined; poisoned: boolean } {
    const poisoned = this.poisoned;
    return { maxMemory: this.maxMemory, memoryBytes: this.memoryBytes, bytesInUse: poisoned ? undefined : this.bytesInUse, poisoned };
  }

  get [Symbol.toStringTag](): string {
    return 'Arena';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const { maxMemory, memoryBytes, bytesInUse, poisoned } = this.toJSON();
    return poisoned ? `Arena (poisoned) { maxMemory: ${maxMemory}, memoryBytes: ${memoryBytes} }` : `Arena { maxMemory: ${maxMemory}, memoryBytes: ${memoryBytes}, bytesInUse: ${bytesInUse} }`;
  }

  /**
   * Calls the export `name` on behalf of the public call `where`, which any error it raises then
   * names: a full arena says `NumericQueue.push: …`, not the export's name. For the calls that
   * allocate (creation, growth, copies), which are off the hot paths. @internal
   */
  call<K extends FunctionExport>(where: string, name: K, ...args: ExportArgs<K>): ExportResult<K> {
    try {
      return (this.raw[name] as unknown as (...values: ExportArgs<K>) => ExportResult<K>)(...args);
    } catch (error) {
      throw this.trapped(where, error);
    }
  }

  /**
   * `call` for an export that may be skipped when memory refuses it (a shrink, which moves a
   * structure into a smaller block it must first allocate): then nothing changed, and it returns
   * false rather than throwing. @internal
   */
  tryCall<K extends FunctionExport>(where: string, name: K, ...args: ExportArgs<K>): boolean {
    try {
      this.call(where, name, ...args);
      return true;
    } catch (error) {
      if (error instanceof CapacityError) return false;
      throw error;
    }
  }

  /**
   * Runs `call`, a batch that takes handle slots one part at a time; if it is refused part way (and
   * gives back what it took, as a refused call does), the slots it used are given back as if never
   * used, and the table its size: a refused batch does not leave the arena's table grown for good
   * (best effort: a table that a full arena cannot move into a smaller block keeps its slack until
   * `shrink`). @internal
   */
  refundingSlots<R>(where: string, call: () => R): R {
    const mark = this.raw.arena_slotMark();
    try {
      return call();
    } catch (error) {
      if (!this.poisoned) this.tryCall(where, 'arena_giveBackSlots', mark);
      throw error;
    }
  }

  /**
   * A service restored into this arena: `build` makes it, `load` fills it from its snapshot. A
   * refusal in either is thrown under `where` (a full arena's CapacityError named for the call),
   * disposes what was built and gives back the handle slots it used (`refundingSlots`). @internal
   */
  restoring<S extends { dispose(): void }>(where: string, build: () => S, load: (service: S) => void): S {
    return this.refundingSlots(where, () => {
      let service: S;
      try {
        service = build();
      } catch (error) {
        throw asCall(where, error);
      }
      try {
        load(service);
      } catch (error) {
        service.dispose();
        throw asCall(where, error);
      }
      return service;
    });
  }

  /** Gives back the slack of the arena's handle table (structures have their own `shrink`); best effort on a full arena. */
  shrink(): void {
    this.tryCall('Arena.shrink', 'arena_shrinkSlots');
  }

  /**
   * The staging area's f64 column, re-taken once growth replaced the memory's buffer: the old
   * buffer is detached and its views read as empty, as in `words()`. (Comparing `memory.buffer`
   * instead, a getter that calls into the runtime, cost ~35 ns a call, two a batch call.) @internal
   */
  stagingNumbers(): Float64Array {
    if (this.#numbers.length === 0) this.#retakeViews();
    return this.#numbers;
  }

  /** The staging area's u32 column, like `stagingNumbers`. @internal */
  stagingWords(): Uint32Array {
    if (this.#words.length === 0) this.#retakeViews();
    return this.#words;
  }

  /**
   * A u32 view of the whole linear memory, for the O(1) paths that read and write a structure's
   * header and data without a crossing. Growth detaches the old buffer, which empties every view of
   * it, so an empty view means "take a new one" (no `memory.buffer` read on every call). A
   * caller must not keep the view across a core call that may grow.
   * @internal
   */
  words(): Uint32Array {
    const words = this.#memoryWords;
    return words.length !== 0 ? words : (this.#memoryWords = new Uint32Array(this.#memory.buffer));
  }

  /**
   * `count` f64 values at `address` in the arena's memory, for reading a block a core call just
   * returned (a new view: take it after the call, as the call may have grown the memory). @internal
   */
  numbersAt(address: number, count: number): Float64Array {
    return new Float64Array(this.#memory.buffer, address, count);
  }

  /** `count` u32 values at `address`, like `numbersAt`. @internal */
  wordsAt(address: number, count: number): Uint32Array {
    return new Uint32Array(this.#memory.buffer, address, count);
  }

  #retakeViews(): void {
    const buffer = this.#memory.buffer;
    this.#numbers = new Float64Array(buffer, this.core.staging_numbers(), this.stagingItems);
    this.#words = new Uint32Array(buffer, this.core.staging_words(), this.stagingItems);
  }

  /**
   * Wraps every export so that a trap poisons the arena before it propagates: once the core
   * trapped mid-operation its memory cannot be trusted. The wrappers have a fixed arity (no
   * arguments adaptation) but still cost ~4 ns a call (bench/micro/heap.ts), so the hottest calls
   * (PriorityQueue and NumericPriorityQueue push/pop) use `raw` inside their own try/catch.
   */
  #guard(exports: WebAssembly.Exports): CoreExports {
    const guarded: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function') {
        guarded[name] = value;
        continue;
      }
      const fn = value as (...args: number[]) => number;
      const fail = (error: unknown): unknown => this.trapped(name, error);
      switch (fn.length) {
        case 0: guarded[name] = () => { try { return fn(); } catch (e) { throw fail(e); } }; break;
        case 1: guarded[name] = (a: number) => { try { return fn(a); } catch (e) { throw fail(e); } }; break;
        case 2: guarded[name] = (a: number, b: number) => { try { return fn(a, b); } catch (e) { throw fail(e); } }; break;
        case 3: guarded[name] = (a: number, b: number, c: number) => { try { return fn(a, b, c); } catch (e) { throw fail(e); } }; break;
        case 4: guarded[name] = (a: number, b: number, c: number, d: number) => { try { return fn(a, b, c, d); } catch (e) { throw fail(e); } }; break;
        case 5: guarded[name] = (a: number, b: number, c: number, d: number, e: number) => { try { return fn(a, b, c, d, e); } catch (x) { throw fail(x); } }; break;
        default: guarded[name] = (...args: number[]) => { try { return fn(...args); } catch (e) { throw fail(e); } };
      }
    }
    return guarded as unknown as CoreExports;
  }

  /**
   * What a core call that threw becomes: library errors, and TypeErrors from converting arguments
   * (thrown before the core runs), leave the memory as it was and pass through; anything else
   * happened inside the core, and poisons the arena. @internal
   */
  trapped(name: string, error: unknown): unknown {
    if (error instanceof PoisonedArenaError && error.message.startsWith(REFUSED)) {
      return new PoisonedArenaError(`${name}: ${error.message}`, { cause: error.cause });
    }
    // A disposed structure's stand-in core knows only its kind: the call names itself here.
    if (error instanceof StateError) return renamedFor(name, error);
    if (error instanceof FlatschedError || error instanceof TypeError) return error;
    // The allocator traps (`unreachable`), before changing anything, when it finds no free block and
    // the memory cannot grow; structures allocate before they change, so that trap is only a full
    // arena. Any other trap (an access out of bounds) is a fault, even during an allocation.
    if (error instanceof WebAssembly.RuntimeError && !this.poisoned && this.raw.arena_takePendingAllocation() > 0 && /unreachable/i.test(error.message)) {
      return new CapacityError(`${name}: the arena's memory (maxMemory ${this.maxMemory} bytes) is exhausted`, { cause: error });
    }
    this.#poison(error);
    return new PoisonedArenaError(`${name}: the core trapped (${(error as Error)?.message ?? describe(error)}); this arena is poisoned and refuses further calls`, { cause: error });
  }

  #abort(message: number, file: number, line: number, column: number): never {
    const text = `${this.#readString(message)} at ${this.#readString(file)}:${line}:${column}`;
    this.#poison(new Error(text));
    throw new PoisonedArenaError(`the core aborted (${text}); this arena is poisoned and refuses further calls`);
  }

  #poison(cause: unknown): void {
    if (this.#poisonCause !== undefined) return;
    this.#poisonCause = cause ?? new Error('unknown');
    this.memoryOpen = false;
    const raw = this.core as unknown as Record<string, unknown>;
    const refused: Record<string, unknown> = {};
    // The structures' calls name themselves when a core call throws; these stand-ins cannot know
    // which call that is, so they name the first fault instead of a core export.
    const refuse = () => {
      throw this.#refusal();
    };
    for (const name of Object.keys(raw)) refused[name] = typeof raw[name] === 'function' ? refuse : raw[name];
    this.core = refused as unknown as CoreExports;
    this.raw = this.core;
  }

  /**
   * Throws what a call into this arena throws once it is poisoned, named after `where`: the
   * services check at the entry of every call, before anything moves. @internal
   */
  refuseIfPoisoned(where: string): void {
    if (this.#poisonCause !== undefined) throw this.#refusal(where);
  }

  /**
   * What a structure's call `where` throws once this arena is closed to it (`memoryOpen` false):
   * PoisonedArenaError here; a disposed structure's stand-in says StateError instead. @internal
   */
  closed(where: string): FlatschedError {
    return this.#refusal(where);
  }

  /** What a call into this poisoned arena throws: named after `where` when the caller knows it, with the first fault. */
  #refusal(where?: string): PoisonedArenaError {
    const first = (this.#poisonCause as Error)?.message ?? describe(this.#poisonCause);
    const text = `${REFUSED} (its core trapped earlier: ${first}) and refuses further calls`;
    return new PoisonedArenaError(where === undefined ? text : `${where}: ${text}`, { cause: this.#poisonCause });
  }

  /** AssemblyScript strings: UTF-16 code units, byte length stored just before the data. */
  #readString(pointer: number): string {
    if (!pointer) return '?';
    const buffer = this.#memory.buffer;
    const length = new Uint32Array(buffer, pointer - 4, 1)[0]! >>> 1;
    return String.fromCharCode(...new Uint16Array(buffer, pointer, length));
  }
}

let defaultArenaInstance: Arena | undefined;

/** The realm's default arena, created on first use (a failure to create it named as `where`'s). */
function defaultArena(where: string): Arena {
  try {
    return (defaultArenaInstance ??= new Arena());
  } catch (error) {
    throw renamedFor(where, error);
  }
}

/** The arena a constructor was given, or the default one. */
export function arenaOption(where: string, value: unknown): Arena {
  if (value === undefined) return defaultArena(where);
  if (!(value instanceof Arena)) throw new InvalidArgumentError(`${where}: expected \`arena\` to be an Arena, got ${describe(value)}`);
  return value;
}

/**
 * `arena`, for a structure's call `where` that reads or changes its core: throws, named for
 * `where`, once the arena is closed to the structure (poisoned, or the structure disposed).
 * @internal
 */
export function openArena(arena: Arena, where: string): Arena {
  if (arena.memoryOpen !== true) throw arena.closed(where);
  return arena;
}

/**
 * What a disposed structure points at instead of its arena: every core call throws a StateError,
 * so a use after `dispose()` is caught without a check on every operation.
 * @internal
 */
export function disposedArena(kind: string): Arena {
  let arena = disposedArenas.get(kind);
  if (arena) return arena;
  const core = new Proxy({}, {
    get: () => () => {
      throw new StateError(`${kind}: this structure was disposed`);
    },
  });
  arena = Object.create(Arena.prototype) as Arena;
  Object.defineProperty(arena, 'core', { value: core });
  Object.defineProperty(arena, 'raw', { value: core });
  Object.defineProperty(arena, 'payloads', { value: [] });
  Object.defineProperty(arena, 'memoryOpen', { value: false });
  Object.defineProperty(arena, 'closed', { value: (where: string) => new StateError(`${where}: this structure was disposed`) });
  disposedArenas.set(kind, arena);
  return arena;
}

/** How the stand-ins of a poisoned arena's exports begin their message; `trapped` prefixes the call. */
const REFUSED = 'this arena is poisoned';

/** One stand-in per kind, shared: building one per `dispose()` was ~40% of create + dispose. */
const disposedArenas = new Map<string, Arena>();
