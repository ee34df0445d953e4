// Scheduler micro-benchmark: the hot paths of bench/suites/scheduler.ts in one process,
// interleaved (the order rotates and alternates direction every round), several rounds, median
// and spread, with per-round ratios against the JS baselines.
//
//   npx tsx bench/micro-scheduler/run.ts [--work fill,hold,pool] [--n 1e6] [--hold-n 1e3,1e5]
//     [--steps 1e6] [--pool-n 1e5] [--concurrency 8] [--rounds 7] [--clock cpu|wall]
//     [--tenants k]          spread the jobs round robin over k tenants (the heap-js scheduler
//                            ignores them; only Scheduler variants must agree on the order)
//     [--src name=dir,...]   also time the Scheduler built from a copy of src/ (e.g. the commit
//                            before a change: `git archive <rev> src | tar -x -C /tmp/base`, plus
//                            src/core/wasm.generated.ts copied in); labelled `Scheduler@name`
//
// Workloads (ns per job):
//   fill  submit n jobs with priorities 0-9, then take and ack them all (the suite's case), on
//         each contender's one scheduler, drained before every sample; repeated up to `steps` jobs.
//         (`submit` is not repeated: at small n it times code that has not been optimized yet.)
//   submit  only the submits of `fill`.
//   hold  n jobs queued; each step submits one, takes one and acks it (a steady stream).
//   pool  run() n jobs through a trivial async handler at `concurrency`, from submit to idle,
//         against p-queue and fastq doing the same.
// Every contender's checksum of the take order must match the heap-js scheduler's.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Contender } from './contenders.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a.startsWith('--')) args.set(a.slice(2), process.argv[i + 1]?.startsWith('--') === false ? process.argv[++i]! : 'true');
}
const numbers = (name: string, fallback: string) => (args.get(name) ?? fallback).split(',').map(Number);
const workloads = (args.get('work') ?? 'fill,hold,pool').split(',');
const rounds = Number(args.get('rounds') ?? 7);
const fillSizes = numbers('n', '1e6');
const holdSizes = numbers('hold-n', '1e3,1e5');
const steps = Number(args.get('steps') ?? 1e6);
const poolSizes = numbers('pool-n', '1e5');
const concurrency = Number(args.get('concurrency') ?? 8);
const tenants = Number(args.get('tenants') ?? 1);

// Shared inputs: 2^20 priorities 0-9 (seeded) and payload objects.
const INPUTS = 1 << 20;
const priorities = new Float64Array(INPUTS);
let seed = 7;
for (let i = 0; i < INPUTS; i++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  priorities[i] = (seed >>> 16) % 10;
}
const payloads = Array.from({ length: INPUTS }, (_, id) => ({ id }));

const sources = [{ name: '', dir: 'src' }, ...(args.get('src')?.split(',') ?? []).map((spec) => {
  const [name, dir] = spec.split('=');
  return { name: name!, dir: dir! };
})];
const bundles = new Map<string, string>();
for (const { name, dir } of sources) {
  const outfile = resolve(`build/micro-scheduler/contenders${name ? `-${name}` : ''}.mjs`);
  const library = resolve(dir, 'index.ts');
  await build({
    entryPoints: ['bench/micro-scheduler/contenders.ts'], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile, logLevel: 'warning',
    plugins: [{ name: 'library', setup: (b) => b.onResolve({ filter: /\/src\/index\.js$/ }, () => ({ path: library })) }],
  });
  bundles.set(name, outfile);
}
let copies = 0;

async function contender(kind: string): Promise<Contender> {
  const [base, source = ''] = kind.split('@');
  const copy = (await import(`${pathToFileURL(bundles.get(source)!).href}?copy=${copies++}`)) as typeof import('./contenders.js');
  copy.setInputs(priorities, payloads, tenants);
  const made = copy.make(base!);
  return source ? { ...made, name: `${made.name}@${source}` } : made;
}

const ours = ['Scheduler', ...sources.slice(1).map(({ name }) => `Scheduler@${name}`)];

const clock = args.get('clock') === 'wall'
  ? () => Number(process.hrtime.bigint())
  : () => {
      const { user, system } = process.cpuUsage();
      return (user + system) * 1000;
    };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** One timed sample of `work` for contender `c`, in ns per job; checks its checksum. */
async function sample(c: Contender, work: string, n: number, expected: Map<string, number>): Promise<number> {
  let check: number;
  let t0: number;
  let jobs: number;
  if (work === 'submit') {
    c.prefill(0);
    t0 = clock();
    check = c.submitOnly(n);
    jobs = n;
  } else if (work === 'fill') {
    // Small fills are repeated up to `steps` jobs a sample: one fill of 1,000 jobs is too short to
    // time, and a handful of them leaves the code unoptimized.
    const repeats = Math.max(1, Math.round(steps / n));
    c.prefill(0);
    t0 = clock();
    check = 0;
    for (let r = 0; r < repeats; r++) check = (check + c.fill(n)) | 0;
    jobs = n * repeats;
  } else if (work === 'hold') {
    c.prefill(n);
    t0 = clock();
    check = c.hold(n, steps);
    jobs = steps;
  } else {
    t0 = clock();
    check = await c.pool(n, concurrency);
    jobs = n;
  }
  const ns = (clock() - t0) / jobs;
  // Over several tenants the Scheduler takes in fair-share order, which the heap-js scheduler has no notion of.
  const key = `${work}:${n}${tenants > 1 && !c.name.startsWith('Scheduler') ? `:${c.name}` : ''}`;
  if (!expected.has(key)) expected.set(key, check);
  else if (expected.get(key) !== check) throw new Error(`${c.name}: checksum ${check} differs from ${expected.get(key)} (${key})`);
  return ns;
}

console.log(`node ${process.version}, ${rounds} rounds (+1 warm-up), ${args.get('clock') === 'wall' ? 'wall' : 'CPU'} ns per job: median [min – max]; ratio = baseline time / this time in the same round (> 1 is faster)`);
for (const work of workloads) {
  const sizes = work === 'fill' || work === 'submit' ? fillSizes : work === 'hold' ? holdSizes : poolSizes;
  const kinds = work === 'pool' ? [...ours, 'p-queue', 'fastq'] : [...ours, 'heap-js'];
  const baselines = work === 'pool' ? ['p-queue', 'fastq'] : ['heap-js scheduler'];
  for (const n of sizes) {
    const list: Contender[] = [];
    for (const kind of kinds) list.push(await contender(kind));
    const times = list.map(() => [] as number[]);
    const expected = new Map<string, number>();
    for (let round = -1; round < rounds; round++) {
      const order = list.map((_, i) => i);
      const shift = ((round % list.length) + list.length) % list.length;
      const rotated = [...order.slice(shift), ...order.slice(0, shift)];
      if (round % 2) rotated.reverse();
      for (const i of rotated) {
        const ns = await sample(list[i]!, work, n, expected);
        if (round >= 0) times[i]!.push(ns);
      }
    }
    console.log(`\n${work} n=${n}${work === 'hold' ? ` steps=${steps}` : ''}${work === 'pool' ? ` concurrency=${concurrency}` : ''}`);
    list.forEach((c, i) => {
      const t = times[i]!;
      let line = `  ${c.name.padEnd(24)} ${fmt(median(t)).padStart(7)} ns [${fmt(Math.min(...t))} – ${fmt(Math.max(...t))}]`;
      if (!baselines.includes(c.name)) {
        for (const b of baselines) {
          const j = list.findIndex((x) => x.name === b);
          const ratios = t.map((x, r) => times[j]![r]! / x);
          line += `   vs ${b}: ${median(ratios).toFixed(2)}× [${Math.min(...ratios).toFixed(2)} – ${Math.max(...ratios).toFixed(2)}]`;
        }
      }
      console.log(line);
    });
    for (const c of list) c.dispose();
  }
}
