// Heap micro-benchmark: the core's heap exports, and the public PriorityQueue and
// NumericPriorityQueue, against flatqueue (with a side payload array) in one process, interleaved
// (the order rotates every round), several rounds, median and spread.
//
//   npx tsx bench/micro/heap.ts [--n 1e3,1e5,1e6] [--rounds 7] [--work fill,hold]
//     [--pairs 2e6] [--only raw-value,raw-indexed,NumericPQ,PriorityQueue] [--wasm name=path.wasm,...] [--js] [--clock cpu|wall]
//
// Workloads (random keys, ns per push+pop pair):
//   fill  push N keys uniform in [0, 1), then pop them all; repeated until ~2e6 pairs a sample.
//   hold  at constant size N: pop, then push key t/N + U[0, 1) (t counts the operations), the hold
//         model of a simulation's event queue: new keys land anywhere in the live window.
// Every `--wasm` build gets its own contenders (raw value heap, raw indexed heap, NumericPriorityQueue,
// PriorityQueue with object payloads), so heap variants are compared in the same run.
import { readFileSync } from 'node:fs';
import FlatQueue from 'flatqueue';
import TinyQueue from 'tinyqueue';
import { Heap as MnemonistHeap } from 'mnemonist';
import { Heap as HeapJs } from 'heap-js';
import { Arena, NumericPriorityQueue, PriorityQueue } from '../../src/index.js';
import type { CoreExports } from '../../src/core/exports.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a.startsWith('--')) args.set(a.slice(2), process.argv[i + 1]?.startsWith('--') === false ? process.argv[++i]! : 'true');
}
const sizes = (args.get('n') ?? '1e3,1e5,1e6').split(',').map(Number);
const rounds = Number(args.get('rounds') ?? 7);
const workloads = (args.get('work') ?? 'fill,hold').split(',');
const only = args.get('only')?.split(',');
const withOtherJs = args.has('js');
const wasms = (args.get('wasm') ?? 'release=build/release.wasm').split(',').map((spec) => {
  const [name, path] = spec.includes('=') ? spec.split('=') : [spec.replace(/.*\//, '').replace('.wasm', ''), spec];
  return { name: name!, module: new WebAssembly.Module(readFileSync(path!)) };
});

/** Pairs (push + pop) per timed sample. */
const PAIRS = Number(args.get('pairs') ?? 2e6);
const RANDOM = 1 << 20;
const random = new Float64Array(RANDOM);
for (let i = 0; i < RANDOM; i++) random[i] = Math.random();

interface Payload {
  id: number;
}

interface Contender {
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

function holdKey(n: number, t: number): number {
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

const kinds: Record<string, (build: string, module: WebAssembly.Module) => Contender> = {
  'raw-value': rawValue,
  'raw-indexed': rawIndexed,
  NumericPQ: numericQueue,
  PriorityQueue: priorityQueue,
};

function contenders(): Contender[] {
  const list: Contender[] = [flatqueueIds(), flatqueuePayloads()];
  if (withOtherJs) {
    list.push(recordHeap('tinyqueue', () => new TinyQueue<Entry>([], byKey)));
    list.push(recordHeap('mnemonist', () => new MnemonistHeap<Entry>(byKey)));
    list.push(recordHeap('heap-js', () => new HeapJs<Entry>(byKey)));
  }
  for (const { name, module } of wasms) {
    for (const [kind, make] of Object.entries(kinds)) if (!only || only.includes(kind)) list.push(make(name, module));
  }
  return list;
}

// ── timing ───────────────────────────────────────────────────────────────────────────────────

let sink = 0;

/**
 * The process's CPU time (user + system) in ns by default: on a shared machine it leaves out the
 * time this process waited for a core, which wall time would add to whichever contender it hit.
 */
const clock = args.get('clock') === 'wall'
  ? () => Number(process.hrtime.bigint())
  : () => {
      const { user, system } = process.cpuUsage();
      return (user + system) * 1000;
    };

function sample(c: Contender, work: string, n: number, state: { t: number }): number {
  if (work === 'fill') {
    const reps = Math.max(1, Math.round(PAIRS / n));
    const t0 = clock();
    for (let r = 0; r < reps; r++) sink += c.fillDrain(n, r * n);
    return (clock() - t0) / (reps * n);
  }
  const count = Math.min(PAIRS, Math.max(n, 1_000_000));
  const t0 = clock();
  sink += c.hold(n, state.t, count);
  const ns = (clock() - t0) / count;
  state.t += count;
  return ns;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(`node ${process.version}, ${rounds} rounds (+1 warm-up), ${args.get('clock') === 'wall' ? 'wall' : 'CPU'} ns per push+pop pair: median [min – max]; ratio = flatqueue(+payload) time / this time in the same round (> 1 is faster): median [min – max]`);
for (const work of workloads) {
  for (const n of sizes) {
    const list = contenders();
    const states = list.map(() => ({ t: n }));
    if (work === 'hold') list.forEach((c) => c.prefill(n));
    const times: number[][] = list.map(() => []);
    for (let r = -1; r < rounds; r++) {
      for (let j = 0; j < list.length; j++) {
        const i = (j + Math.max(r, 0)) % list.length;
        const ns = sample(list[i]!, work, n, states[i]!);
        if (r >= 0) times[i]!.push(ns);
      }
    }
    console.log(`\n${work} N=${n.toExponential(0)}`);
    for (let i = 0; i < list.length; i++) {
      const withPayload = /PriorityQueue|payload|tinyqueue|mnemonist|heap-js/.test(list[i]!.name);
      const base = times[withPayload ? 1 : 0]!;
      // Ratios within a round, where the machine's load was alike for both, then their median.
      const ratios = times[i]!.map((t, r) => base[r]! / t);
      const fmt = (x: number) => x.toFixed(1).padStart(7);
      console.log(
        `  ${list[i]!.name.padEnd(28)} ${fmt(median(times[i]!))} ns  [${fmt(Math.min(...times[i]!))} – ${fmt(Math.max(...times[i]!))}]` +
          `  ${median(ratios).toFixed(2)}× [${Math.min(...ratios).toFixed(2)} – ${Math.max(...ratios).toFixed(2)}] vs ${withPayload ? 'flatqueue+payload' : 'flatqueue'}`,
      );
    }
  }
}
if (sink === 42) console.log('');
