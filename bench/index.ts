/**
 * `npm run bench` — every suite in one process, interleaved, then the JSON, the Markdown table
 * and the chart. `npm run bench -- --quick` is a smoke run; `--only=queue,stack` runs some suites.
 * Smoke and partial runs write bench/results/smoke.json and leave the published docs alone.
 *
 * Run with `node --expose-gc --import tsx bench/index.ts` (the npm script does): --expose-gc lets
 * the harness collect between contenders and the memory suite measure after a full GC.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { configFor } from './config.js';
import { runCase, type CaseResult } from './harness.js';
import { formatSize, printCase } from './print.js';
import { writeReport } from './report.js';
import { machine, versions, type Results } from './results.js';
import type { Suite } from './suite.js';
import { balancerSuite } from './suites/balancer.js';
import { creationSuite } from './suites/creation.js';
import { historySuite } from './suites/history.js';
import { measureLatency, type LatencyResult } from './suites/latency.js';
import { measureMemory, type MemoryResults } from './suites/memory.js';
import { hugePriorityQueueSuite, priorityQueueSuite } from './suites/priority-queue.js';
import { queueSuite } from './suites/queue.js';
import { schedulerSuite } from './suites/scheduler.js';
import { stackSuite } from './suites/stack.js';
import { computeTargets, printTargets } from './targets.js';

const THROUGHPUT: readonly Suite[] = [priorityQueueSuite, queueSuite, stackSuite, creationSuite, schedulerSuite, balancerSuite, historySuite];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).toLowerCase().split(',');
const unknown = args.filter((a) => a !== '--quick' && !a.startsWith('--only='));
if (unknown.length > 0) {
  console.error(`bench: unknown argument(s) ${unknown.join(' ')}; use --quick and/or --only=${[...THROUGHPUT.map((s) => s.name), 'memory', 'latency', hugePriorityQueueSuite.name].join(',').toLowerCase()}`);
  process.exit(2);
}
const wanted = (name: string) => only === undefined || only.includes(name.toLowerCase());

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  console.warn('bench: run with node --expose-gc (npm run bench does): without it, garbage of one contender is billed to the next and the memory suite is meaningless');
}

const config = configFor(quick);
const started = new Date();
const loadAtStart = os.loadavg()[0]!;
const host = machine();
console.log(`flatsched benchmarks${quick ? ' (quick)' : ''}: ${host.cpus} × ${host.cpuModel}, Node ${host.node}, ${started.toISOString()}`);
console.log(`${config.plan.rounds} interleaved rounds per case, ${config.plan.roundTime} ms per contender per round; times are per operation, * = ours, ratio = fastest baseline of the same kind / ours`);

const cases: CaseResult[] = [];
const skipped: { suite: string; reason: string }[] = [];
async function run(suite: Suite): Promise<void> {
  if (!wanted(suite.name)) return;
  const reason = suite.unavailable?.();
  if (reason !== undefined) {
    console.log(`\n${suite.name}: skipped (${reason})`);
    skipped.push({ suite: suite.name, reason });
    return;
  }
  for (const make of suite.cases(config)) {
    const caseStarted = performance.now();
    const result = await runCase(make(), config.plan);
    printCase(result, (performance.now() - caseStarted) / 1000);
    cases.push(result);
  }
}

for (const suite of THROUGHPUT) await run(suite);

let memory: MemoryResults | undefined;
if (wanted('memory')) {
  memory = measureMemory(config);
  console.log(`\nMemory at N=${formatSize(config.memorySize)}`);
  for (const m of memory.core) console.log(`  core bytes per item  ${m.structure.padEnd(24)} after fill ${m.afterFill.toFixed(1)} B, after shrink ${m.afterShrink.toFixed(1)} B`);
  for (const m of memory.process) console.log(`  process bytes per item (payloads included)  ${m.ours ? '*' : ' '} ${m.name.padEnd(28)} ${m.bytesPerItem.toFixed(1)} B`);
}

let latency: LatencyResult[] | undefined;
if (wanted('latency')) {
  latency = await measureLatency(config);
  console.log(`\nSingle-operation latency, hold model at N=${formatSize(config.memorySize)} (${config.latencySteps.toLocaleString('en-US')} pops + as many pushes a pass, timer reading included; medians of ${config.latencyPasses} passes, p99.9's range in brackets)`);
  for (const l of latency) {
    const ns = (v: number) => `${Math.round(v)} ns`;
    console.log(`  ${l.ours ? '*' : ' '} ${l.name.padEnd(28)} p50 ${ns(l.p50)}, p99 ${ns(l.p99)}, p99.9 ${ns(l.p999)}${l.p999Range ? ` (${ns(l.p999Range[0])}–${ns(l.p999Range[1])})` : ''}, max ${ns(l.max)}; GC pauses ${l.gcPauses} (${l.gcPauseTotalMs.toFixed(1)} ms in all, longest ${l.gcPauseMaxMs.toFixed(2)} ms)${l.gcPausesUntimed === undefined ? '' : `, ${l.gcPausesUntimed} without timer readings`}${l.gcPausesUntimedKinds?.length ? ` [${l.gcPausesUntimedKinds.join('; ')}]` : ''}`);
  }
}

await run(hugePriorityQueueSuite);

const publish = !quick && only === undefined;
const results: Results = {
  date: started.toISOString().slice(0, 10),
  startedAt: started.toISOString(),
  durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
  quick,
  plan: config.plan,
  machine: host,
  loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
  versions: versions(),
  cases,
  memory,
  latency,
  skipped,
};

printTargets(computeTargets(results));

const directory = new URL('./results/', import.meta.url);
mkdirSync(directory, { recursive: true });
const file = new URL(publish ? `${results.date}.json` : 'smoke.json', directory);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${file.pathname} (${results.durationSeconds} s)`);
if (publish) for (const written of writeReport(results, file)) console.log(`wrote ${written}`);
