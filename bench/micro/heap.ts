// Heap micro-benchmark: the core's heap exports, and the public PriorityQueue and
// NumericPriorityQueue, against flatqueue (with a side payload array) in one process, interleaved
// (the order rotates every round), several rounds, median and spread.
//
//   npx tsx bench/micro/heap.ts [--n 1e3,1e5,1e6] [--rounds 7] [--work fill,hold]
//     [--pairs 2e6] [--only raw-value,raw-indexed,NumericPQ,PriorityQueue,raw-indexed+payload,arena-indexed+payload] [--wasm name=path.wasm,...] [--js] [--clock cpu|wall] [--keys uniform|ints]
//     [--src name=dir,...]  also time the public classes built from a changed copy of src/
//     `--only` also takes `wasm-heap=<path.wasm>`: a heap module of its own exporting push(key, item)
//     and pop(), e.g. the run-heap experiment (`npx tsx bench/micro/run-heap/build.ts` prints its path),
//     and `wasm-heap+payload=<path.wasm>`: the same with a side payload array, as flatqueue+payload
//
// Workloads (random keys, ns per push+pop pair):
//   fill  push N keys uniform in [0, 1), then pop them all; repeated until ~2e6 pairs a sample.
//   hold  at constant size N: pop, then push key t/N + U[0, 1) (t counts the operations), the hold
//         model of a simulation's event queue: new keys land anywhere in the live window.
//   --keys ints: integers 0 .. 9 instead (hold: floor(10 t/N) + 0 .. 9), many equal keys, as
//         schedulers' priorities are.
// Every `--wasm` build gets its own contenders (raw value heap, raw indexed heap, NumericPriorityQueue,
// PriorityQueue with object payloads), so heap variants are compared in the same run.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Contender } from './contenders.js';

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
const keys = new Float64Array(1 << 20);
const integerKeys = args.get('keys') === 'ints';
for (let i = 0; i < keys.length; i++) keys[i] = integerKeys ? Math.floor(Math.random() * 10) : Math.random();

/**
 * One bundle of the contenders per library source: src/ itself, and each `--src name=dir` (a copy
 * of src/ with a change to measure before proposing it; its contenders are labelled `kind@name`).
 */
const sources = [{ name: '', dir: 'src' }, ...(args.get('src')?.split(',') ?? []).map((spec) => {
  const [name, dir] = spec.split('=');
  return { name: name!, dir: dir! };
})];
const bundles = new Map<string, string>();
for (const { name, dir } of sources) {
  const outfile = resolve(`build/micro/contenders${name ? `-${name}` : ''}.mjs`);
  const library = resolve(dir, 'index.ts');
  await build({
    entryPoints: ['bench/micro/contenders.ts'], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile, logLevel: 'warning',
    plugins: [{ name: 'library', setup: (b) => b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: library })) }],
  });
  bundles.set(name, outfile);
}
let copies = 0;

async function contender(kind: string, core?: { name: string; module: WebAssembly.Module }): Promise<Contender> {
  const [base, source = ''] = kind.split('@');
  const copy = (await import(`${pathToFileURL(bundles.get(source)!).href}?copy=${copies++}`)) as typeof import('./contenders.js');
  const made = copy.make(base!, keys, integerKeys, core);
  return source ? { ...made, name: `${made.name}@${source}` } : made;
}

async function contenders(): Promise<Contender[]> {
  const list: Contender[] = [await contender('flatqueue'), await contender('flatqueue+payload')];
  if (withOtherJs) for (const kind of ['tinyqueue', 'mnemonist', 'heap-js']) list.push(await contender(kind));
  for (const core of wasms) {
    const kinds = only ?? ['raw-value', 'raw-indexed', 'NumericPQ', 'PriorityQueue', ...sources.slice(1).flatMap(({ name }) => [`NumericPQ@${name}`, `PriorityQueue@${name}`])];
    for (const kind of kinds) list.push(await contender(kind, core));
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
    const list = await contenders();
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
