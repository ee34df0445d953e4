// The contenders of bench/micro/heap.ts. The runner bundles this file and imports the bundle once
// per contender (a distinct URL each time), so every contender runs its own copy of this code and
// of the library: no call site is shared between contenders, as none would be in an application
// that uses one of them (V8 keeps type feedback per function, and a call site that has seen two
// Wasm instances' exports no longer inlines the call into either).
import { readFileSync } from 'node:fs';
import FlatQueue from 'flatqueue';
import TinyQueue from 'tinyqueue';
import { Heap as MnemonistHeap } from 'mnemonist';
import { Heap as HeapJs } from 'heap-js';
import { Arena, NumericPriorityQueue, PriorityQueue } from '../../src/index.js';
import type { CoreExports } from '../../src/core/exports.js';

const RANDOM = 1 << 20;
let random: Float64Array = new Float64Array(RANDOM);

interface Payload {
  id: number;
}

export interface Contender {
  readonly name: string;
  /** Pushes keys random[start .. start + n) (payload k), then pops n. */
  fillDrain(n: number, start: number): number;
  /** Fills to n for the hold model. */
  prefill(n: number): void;
  /** `count` hold steps from operation number t. */
  hold(n: number, t: number, count: number): number;
}

function keyAt(k: number): number {
  return random[k & (RANDOM - 1)]!;
}

/** Integer keys (0 .. 9 at first, a window of ten values sliding up in the hold model): many ties. */
let integerKeys = false;

function holdKey(n: number, t: number): number {
  if (integerKeys) return Math.floor((10 * t) / n) + random[t & (RANDOM - 1)]!;
  return t / n + random[t & (RANDOM - 1)]!;
}

function payloads(n: number): Payload[] {
  const out: Payload[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { id: i };
  return out;
}

// ── JS baselines ─────────────────────────────────────────────────────────────────────────────

function flatqueueIds(): Contender {
  const q = new FlatQueue<number>();
  return {
    name: 'flatqueue',
    fillDrain(n, start) {
      for (let i = 0; i < n; i++) q.push(i, keyAt(start + i));
      let sum = 0;
      for (let i = 0; i < n; i++) sum += q.pop()!;
      return sum;
    },
    prefill(n) {
      for (let i = 0; i < n; i++) q.push(i, keyAt(i));
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const id = q.pop()!;
        sum += id;
        q.push(id, holdKey(n, t + k));
      }
      return sum;
    },
  };
}

/** flatqueue holding ids into a side array of payload objects, the usual way to queue objects with it. */
function flatqueuePayloads(): Contender {
  const q = new FlatQueue<number>();
  let items: Payload[] = [];
  const side: (Payload | undefined)[] = [];
  return {
    name: 'flatqueue+payload',
    fillDrain(n, start) {
      if (items.length < n) items = payloads(n);
      for (let i = 0; i < n; i++) {
        side[i] = items[i];
        q.push(i, keyAt(start + i));
      }
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const id = q.pop()!;
        sum += side[id]!.id;
        side[id] = undefined;
      }
      return sum;
    },
    prefill(n) {
      items = payloads(n);
      for (let i = 0; i < n; i++) {
        side[i] = items[i];
        q.push(i, keyAt(i));
      }
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const id = q.pop()!;
        const item = side[id]!;
        side[id] = undefined;
        sum += item.id;
        side[id] = item;
        q.push(id, holdKey(n, t + k));
      }
      return sum;
    },
  };
}

interface Entry {
  key: number;
  item: Payload;
}

/** A comparator heap of `{key, item}` records (tinyqueue, mnemonist, heap-js). */
function recordHeap(name: string, make: () => { push(e: Entry): unknown; pop(): Entry | undefined }): Contender {
  let q = make();
  let items: Payload[] = [];
  return {
    name,
    fillDrain(n, start) {
      if (items.length < n) items = payloads(n);
      for (let i = 0; i < n; i++) q.push({ key: keyAt(start + i), item: items[i]! });
      let sum = 0;
      for (let i = 0; i < n; i++) sum += q.pop()!.item.id;
      return sum;
    },
    prefill(n) {
      q = make();
      items = payloads(n);
      for (let i = 0; i < n; i++) q.push({ key: keyAt(i), item: items[i]! });
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const e = q.pop()!;
        sum += e.item.id;
        q.push({ key: holdKey(n, t + k), item: e.item });
      }
      return sum;
    },
  };
}

const byKey = (a: Entry, b: Entry) => a.key - b.key;

// ── the core ─────────────────────────────────────────────────────────────────────────────────

function rawCore(module: WebAssembly.Module): CoreExports {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384 });
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('abort'); } } });
  const core = instance.exports as unknown as CoreExports;
  core.arena_init(16384, 1);
  return core;
}

function rawValue(build: string, module: WebAssembly.Module): Contender {
  const core = rawCore(module);
  const h = core.heap_create(0);
  return {
    name: `${build}:raw-value`,
    fillDrain(n, start) {
      for (let i = 0; i < n; i++) core.heap_pushValue(h, keyAt(start + i), i);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += core.heap_popValue(h);
      return sum;
    },
    prefill(n) {
      for (let i = 0; i < n; i++) core.heap_pushValue(h, keyAt(i), i);
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const id = core.heap_popValue(h);
        sum += id;
        core.heap_pushValue(h, holdKey(n, t + k), id);
      }
      return sum;
    },
  };
}

function rawIndexed(build: string, module: WebAssembly.Module): Contender {
  const core = rawCore(module);
  const h = core.heap_create(1);
  return {
    name: `${build}:raw-indexed`,
    fillDrain(n, start) {
      for (let i = 0; i < n; i++) core.heap_push(h, keyAt(start + i));
      let sum = 0;
      for (let i = 0; i < n; i++) sum += core.heap_pop(h);
      return sum;
    },
    prefill(n) {
      for (let i = 0; i < n; i++) core.heap_push(h, keyAt(i));
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        sum += core.heap_pop(h);
        core.heap_push(h, holdKey(n, t + k));
      }
      return sum;
    },
  };
}

/**
 * What PriorityQueue does, written out: the core's indexed heap plus a payload array by slot. `via`
 * 'raw' calls the instance's exports; 'arena' calls them through an Arena's guarded `core` (what the
 * public classes use), so the two against PriorityQueue show where the wrapper's time goes.
 */
function indexedWithPayloads(build: string, module: WebAssembly.Module, via: 'raw' | 'arena'): Contender {
  const arena = new Arena({ module, maxMemory: 2 ** 30 });
  const core = via === 'raw' ? rawCore(module) : arena.core;
  const payloadsBySlot: unknown[] = via === 'raw' ? [] : arena.payloads;
  const h = core.heap_create(1);
  let items: Payload[] = [];
  const push = (item: Payload, key: number) => {
    const handle = core.heap_push(h, key);
    payloadsBySlot[handle & 0xffffff] = item;
  };
  const pop = () => {
    const slot = core.heap_pop(h);
    const item = payloadsBySlot[slot] as Payload;
    payloadsBySlot[slot] = undefined;
    return item;
  };
  return {
    name: `${build}:${via}-indexed+payload`,
    fillDrain(n, start) {
      if (items.length < n) items = payloads(n);
      for (let i = 0; i < n; i++) push(items[i]!, keyAt(start + i));
      let sum = 0;
      for (let i = 0; i < n; i++) sum += pop().id;
      return sum;
    },
    prefill(n) {
      items = payloads(n);
      for (let i = 0; i < n; i++) push(items[i]!, keyAt(i));
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const item = pop();
        sum += item.id;
        push(item, holdKey(n, t + k));
      }
      return sum;
    },
  };
}

function numericQueue(build: string, module: WebAssembly.Module): Contender {
  const q = new NumericPriorityQueue({ arena: new Arena({ module, maxMemory: 2 ** 30 }) });
  return {
    name: `${build}:NumericPQ`,
    fillDrain(n, start) {
      for (let i = 0; i < n; i++) q.push(i, keyAt(start + i));
      let sum = 0;
      for (let i = 0; i < n; i++) sum += q.pop()!;
      return sum;
    },
    prefill(n) {
      for (let i = 0; i < n; i++) q.push(i, keyAt(i));
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const id = q.pop()!;
        sum += id;
        q.push(id, holdKey(n, t + k));
      }
      return sum;
    },
  };
}

function priorityQueue(build: string, module: WebAssembly.Module): Contender {
  const q = new PriorityQueue<Payload>({ arena: new Arena({ module, maxMemory: 2 ** 30 }) });
  let items: Payload[] = [];
  return {
    name: `${build}:PriorityQueue`,
    fillDrain(n, start) {
      if (items.length < n) items = payloads(n);
      for (let i = 0; i < n; i++) q.push(items[i]!, keyAt(start + i));
      let sum = 0;
      for (let i = 0; i < n; i++) sum += q.pop()!.id;
      return sum;
    },
    prefill(n) {
      items = payloads(n);
      for (let i = 0; i < n; i++) q.push(items[i]!, keyAt(i));
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const item = q.pop()!;
        sum += item.id;
        q.push(item, holdKey(n, t + k));
      }
      return sum;
    },
  };
}

/**
 * A heap in a module of its own exporting `push(key, item)` and `pop()` (the item, -1 when empty),
 * named after its file.
 */
function standaloneExports(path: string): { name: string; push(key: number, item: number): void; pop(): number } {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { abort: () => { throw new Error(`${path} aborted`); } } });
  const { push, pop } = instance.exports as { push(key: number, item: number): void; pop(): number };
  return { name: path.replace(/.*\//, '').replace(/\.wasm$/, ''), push, pop };
}

/**
 * Such a heap, e.g. the run-heap experiment (bench/micro/run-heap), through its raw exports, as
 * `raw-value` uses the core's.
 */
function standaloneHeap(path: string): Contender {
  const { name, push, pop } = standaloneExports(path);
  return {
    name,
    fillDrain(n, start) {
      for (let i = 0; i < n; i++) push(keyAt(start + i), i);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += pop();
      return sum;
    },
    prefill(n) {
      for (let i = 0; i < n; i++) push(keyAt(i), i);
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const item = pop();
        sum += item;
        push(holdKey(n, t + k), item);
      }
      return sum;
    },
  };
}

/** Such a heap with a side payload array, as `flatqueue+payload` uses flatqueue: what a payload queue on it would cost. */
function standaloneHeapPayloads(path: string): Contender {
  const { name, push, pop } = standaloneExports(path);
  let items: Payload[] = [];
  const side: (Payload | undefined)[] = [];
  return {
    name: `${name}+payload`,
    fillDrain(n, start) {
      if (items.length < n) items = payloads(n);
      for (let i = 0; i < n; i++) {
        side[i] = items[i];
        push(keyAt(start + i), i);
      }
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const id = pop();
        sum += side[id]!.id;
        side[id] = undefined;
      }
      return sum;
    },
    prefill(n) {
      items = payloads(n);
      for (let i = 0; i < n; i++) {
        side[i] = items[i];
        push(keyAt(i), i);
      }
    },
    hold(n, t, count) {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const id = pop();
        const item = side[id]!;
        side[id] = undefined;
        sum += item.id;
        side[id] = item;
        push(holdKey(n, t + k), id);
      }
      return sum;
    },
  };
}

/** The contender named `kind`, keys drawn from `keys` (2^20 of them, shared by every contender; integers 0 .. 9 with `integers`). */
export function make(kind: string, keys: Float64Array, integers: boolean, build?: { name: string; module: WebAssembly.Module }): Contender {
  random = keys;
  integerKeys = integers;
  switch (kind) {
    case 'flatqueue': return flatqueueIds();
    case 'flatqueue+payload': return flatqueuePayloads();
    case 'tinyqueue': return recordHeap(kind, () => new TinyQueue<Entry>([], byKey));
    case 'mnemonist': return recordHeap(kind, () => new MnemonistHeap<Entry>(byKey));
    case 'heap-js': return recordHeap(kind, () => new HeapJs<Entry>(byKey));
  }
  if (kind.startsWith('wasm-heap=')) return standaloneHeap(kind.slice('wasm-heap='.length));
  if (kind.startsWith('wasm-heap+payload=')) return standaloneHeapPayloads(kind.slice('wasm-heap+payload='.length));
  if (!build) throw new Error(`${kind} needs a core build`);
  switch (kind) {
    case 'raw-value': return rawValue(build.name, build.module);
    case 'raw-indexed': return rawIndexed(build.name, build.module);
    case 'raw-indexed+payload': return indexedWithPayloads(build.name, build.module, 'raw');
    case 'arena-indexed+payload': return indexedWithPayloads(build.name, build.module, 'arena');
    case 'NumericPQ': return numericQueue(build.name, build.module);
    case 'PriorityQueue': return priorityQueue(build.name, build.module);
  }
  throw new Error(`unknown contender ${kind}`);
}
