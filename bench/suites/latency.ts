/**
 * Tail latency of single operations in the hold model at N (1e6 in the full run), and the GC
 * pauses during the run.
 *
 * Every pop and every push is timed on its own with `performance.now()` (three readings per step:
 * before the pop, between, after the push), written into a preallocated Float64Array so the
 * measuring allocates nothing. A reading costs some tens of ns; the `timer only` row runs the same
 * loop with no queue and shows that floor (the other rows include it). GC pauses are the
 * `PerformanceObserver` 'gc' entries that start during the timed loop. The timed loop itself
 * allocates (the `timer only` row shows its pauses), so each queue's hold loop also runs without
 * any timer reading (after two passes that warm it up), and the pauses of that run are the
 * ones the queue causes.
 *
 * After a pass that warms every loop up, `latencyPasses` timed passes run (every contender in turn
 * in each); each percentile reported is the median of the passes', with the p99.9's range, since
 * a tail this far out moves with the host's state from one pass to the next.
 *
 * Each loop is written out per contender, for the same reason as in the throughput suites.
 */
import FlatQueue from 'flatqueue';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { NumericPriorityQueue, PriorityQueue } from '../../src/index.js';
import type { Config } from '../config.js';
import { percentile } from '../harness.js';
import { randomKeys } from '../random.js';

export interface LatencyResult {
  readonly name: string;
  readonly library: string;
  readonly ours: boolean;
  readonly size: number;
  /** Single operations timed in each pass (a pop and a push per step). */
  readonly operations: number;
  /** Timed passes (all contenders in turn in each); the percentiles are the median pass's. */
  readonly passes?: number;
  /** Nanoseconds, timer reading included: the median of the passes' (max: the largest seen). */
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  /** The lowest and highest p99.9 of the passes. */
  readonly p999Range?: readonly [number, number];
  readonly max: number;
  /** GC pauses during the timed loop, in the pass with the most. */
  readonly gcPauses: number;
  readonly gcPauseTotalMs: number;
  readonly gcPauseMaxMs: number;
  /** GC pauses during the same number of steps without timer readings (undefined for the timer row). */
  readonly gcPausesUntimed: number | undefined;
  /** Their kinds and flags as Node reports them (`major`, `minor`, `incremental`, `weakcb`; `forced`…). */
  readonly gcPausesUntimedKinds: string[] | undefined;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const GC_FLAGS: [number, string][] = [
  [constants.NODE_PERFORMANCE_GC_FLAGS_FORCED, 'forced'],
  [constants.NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY, 'external memory'],
  [constants.NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE, 'all available garbage'],
  [constants.NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE, 'idle'],
  [constants.NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING, 'phantom processing'],
  [constants.NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED, 'construct retained'],
];

function describeGc(entry: PerformanceEntry): string {
  const detail = (entry as PerformanceEntry & { detail?: { kind?: number; flags?: number } }).detail ?? {};
  const flags = GC_FLAGS.filter(([bit]) => ((detail.flags ?? 0) & bit) !== 0).map(([, name]) => name);
  return `${GC_KINDS[detail.kind ?? 0] ?? `kind ${detail.kind}`}${flags.length ? ` (${flags.join(', ')})` : ''}, ${entry.duration.toFixed(2)} ms`;
}

interface Job {
  readonly id: number;
  priority: number;
}

/** Fills `samples` (ms): [2s] the pop of step s, [2s + 1] its push. */
type TimedLoop = (samples: Float64Array) => void;

interface LatencyContender {
  readonly name: string;
  readonly library: string;
  readonly ours: boolean;
  /** Builds the full queue (not timed) and returns the timed loop. */
  prepare(): TimedLoop;
  /**
   * Builds the full queue and returns the same hold loop without timer readings, and what frees
   * the queue: kept out of the loop, since code after the loop that has never run deoptimises the
   * loop's compiled code when it first runs, and the next pass starts unoptimised.
   */
  untimed?(): { loop: () => void; dispose?: () => void };
}

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function makeContenders(size: number, steps: number): LatencyContender[] {
  const keys = randomKeys(size, 1);
  const increments = randomKeys(steps, 2);
  const makeJobs = () => Array.from({ length: size }, (_, id): Job => ({ id, priority: keys[id]! }));
  return [
    {
      name: 'timer only', library: 'node:perf_hooks', ours: false,
      prepare: () => (samples) => {
        for (let s = 0; s < steps; s++) {
          const t0 = performance.now();
          const t1 = performance.now();
          const t2 = performance.now();
          samples[2 * s] = t1 - t0;
          samples[2 * s + 1] = t2 - t1;
        }
      },
    },
    {
      name: 'NumericPriorityQueue', library: 'flatsched', ours: true,
      prepare() {
        const queue = new NumericPriorityQueue();
        const priorities = keys.slice();
        for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
        return (samples) => {
          for (let s = 0; s < steps; s++) {
            const t0 = performance.now();
            const id = queue.pop()!;
            const t1 = performance.now();
            const priority = priorities[id]! + increments[s]!;
            priorities[id] = priority;
            const t2 = performance.now();
            queue.push(id, priority);
            const t3 = performance.now();
            samples[2 * s] = t1 - t0;
            samples[2 * s + 1] = t3 - t2;
          }
          queue.dispose();
        };
      },
      untimed() {
        const queue = new NumericPriorityQueue();
        const priorities = keys.slice();
        for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
        const loop = () => {
          for (let s = 0; s < steps; s++) {
            const id = queue.pop()!;
            const priority = priorities[id]! + increments[s]!;
            priorities[id] = priority;
            queue.push(id, priority);
          }
        };
        return { loop, dispose: () => queue.dispose() };
      },
    },
    {
      name: 'PriorityQueue', library: 'flatsched', ours: true,
      prepare() {
        const queue = new PriorityQueue<Job>();
        const jobs = makeJobs();
        for (let i = 0; i < size; i++) queue.push(jobs[i]!, keys[i]!);
        return (samples) => {
          for (let s = 0; s < steps; s++) {
            const t0 = performance.now();
            const job = queue.pop()!;
            const t1 = performance.now();
            job.priority += increments[s]!;
            const t2 = performance.now();
            queue.push(job, job.priority);
            const t3 = performance.now();
            samples[2 * s] = t1 - t0;
            samples[2 * s + 1] = t3 - t2;
          }
          queue.dispose();
        };
      },
      untimed() {
        const queue = new PriorityQueue<Job>();
        const jobs = makeJobs();
        for (let i = 0; i < size; i++) queue.push(jobs[i]!, keys[i]!);
        const loop = () => {
          for (let s = 0; s < steps; s++) {
            const job = queue.pop()!;
            job.priority += increments[s]!;
            queue.push(job, job.priority);
          }
        };
        return { loop, dispose: () => queue.dispose() };
      },
    },
    {
      name: 'flatqueue (ids)', library: 'flatqueue', ours: false,
      prepare() {
        const queue = new FlatQueue<number>();
        const priorities = keys.slice();
        for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
        return (samples) => {
          for (let s = 0; s < steps; s++) {
            const t0 = performance.now();
            const id = queue.pop()!;
            const t1 = performance.now();
            const priority = priorities[id]! + increments[s]!;
            priorities[id] = priority;
            const t2 = performance.now();
            queue.push(id, priority);
            const t3 = performance.now();
            samples[2 * s] = t1 - t0;
            samples[2 * s + 1] = t3 - t2;
          }
        };
      },
      untimed() {
        const queue = new FlatQueue<number>();
        const priorities = keys.slice();
        for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
        const loop = () => {
          for (let s = 0; s < steps; s++) {
            const id = queue.pop()!;
            const priority = priorities[id]! + increments[s]!;
            priorities[id] = priority;
            queue.push(id, priority);
          }
        };
        return { loop };
      },
    },
    {
      name: 'flatqueue + payload array', library: 'flatqueue', ours: false,
      prepare() {
        const queue = new FlatQueue<number>();
        const jobs = makeJobs();
        for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
        return (samples) => {
          for (let s = 0; s < steps; s++) {
            const t0 = performance.now();
            const id = queue.pop()!;
            const job = jobs[id]!;
            const t1 = performance.now();
            job.priority += increments[s]!;
            const t2 = performance.now();
            queue.push(id, job.priority);
            const t3 = performance.now();
            samples[2 * s] = t1 - t0;
            samples[2 * s + 1] = t3 - t2;
          }
        };
      },
      untimed() {
        const queue = new FlatQueue<number>();
        const jobs = makeJobs();
        for (let i = 0; i < size; i++) queue.push(i, keys[i]!);
        const loop = () => {
          for (let s = 0; s < steps; s++) {
            const id = queue.pop()!;
            const job = jobs[id]!;
            job.priority += increments[s]!;
            queue.push(id, job.priority);
          }
        };
        return { loop };
      },
    },
  ];
}

/** The GC pauses that start while `loop` runs (after a full collection before it). */
async function gcPausesDuring(loop: () => void): Promise<PerformanceEntry[]> {
  collect();
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    pauses.push(...list.getEntries());
  });
  observer.observe({ entryTypes: ['gc'] });
  const start = performance.now();
  loop();
  const end = performance.now();
  // Entries are delivered asynchronously: give the observer a turn before counting.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return pauses.filter((entry) => entry.startTime >= start && entry.startTime <= end);
}

/** One timed pass of a contender: its percentiles and the GC pauses during it. */
interface Pass {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly pauses: PerformanceEntry[];
}

async function timedPass(contender: LatencyContender, samples: Float64Array): Promise<Pass> {
  const loop = contender.prepare();
  const pauses = await gcPausesDuring(() => loop(samples));
  const sorted = samples.slice().sort();
  const ns = (ms: number) => ms * 1e6;
  return { p50: ns(percentile(sorted, 0.5)), p99: ns(percentile(sorted, 0.99)), p999: ns(percentile(sorted, 0.999)), max: ns(sorted[sorted.length - 1]!), pauses };
}

/** The GC pauses of the contender's hold loop without timer readings (after two runs that warm it up). */
async function untimedPauses(contender: LatencyContender): Promise<PerformanceEntry[] | undefined> {
  // The untimed loop is a function of its own, so it starts cold: its first passes allocate while
  // V8 optimises it (about 850 KB in each of the first two passes of a million steps, then a few
  // KB whatever the length, measured with a young generation too large to collect). It runs twice
  // first, on the same queue, so that the counted pass shows the steady state the target is about
  // rather than V8's warm-up.
  const untimed = contender.untimed?.();
  if (!untimed) return undefined;
  untimed.loop();
  untimed.loop();
  const pauses = await gcPausesDuring(untimed.loop);
  untimed.dispose?.();
  return pauses;
}

function median(values: number[]): number {
  return percentile(values.slice().sort((a, b) => a - b), 0.5);
}

function summarize(contender: LatencyContender, size: number, operations: number, passes: Pass[], untimed: PerformanceEntry[] | undefined): LatencyResult {
  const p999s = passes.map((p) => p.p999);
  const worstGc = passes.reduce((most, pass) => (pass.pauses.length > most.pauses.length ? pass : most), passes[0]!).pauses;
  return {
    name: contender.name,
    library: contender.library,
    ours: contender.ours,
    size,
    operations,
    passes: passes.length,
    p50: median(passes.map((p) => p.p50)),
    p99: median(passes.map((p) => p.p99)),
    p999: median(p999s),
    p999Range: [Math.min(...p999s), Math.max(...p999s)],
    max: Math.max(...passes.map((p) => p.max)),
    gcPauses: worstGc.length,
    gcPauseTotalMs: worstGc.reduce((sum, entry) => sum + entry.duration, 0),
    gcPauseMaxMs: worstGc.reduce((most, entry) => Math.max(most, entry.duration), 0),
    gcPausesUntimed: untimed?.length,
    gcPausesUntimedKinds: untimed?.map(describeGc),
  };
}

export async function measureLatency(config: Config): Promise<LatencyResult[]> {
  const size = config.memorySize;
  const steps = config.latencySteps;
  const samples = new Float64Array(2 * steps);
  const contenders = makeContenders(size, steps);
  // A pass that warms every loop up, then the timed passes, all contenders in turn in each, so
  // that a noisy stretch of the host's falls on one pass of each rather than on one contender.
  for (const contender of contenders) await timedPass(contender, samples);
  const passes = contenders.map((): Pass[] => []);
  for (let pass = 0; pass < config.latencyPasses; pass++) {
    for (const [k, contender] of contenders.entries()) passes[k]!.push(await timedPass(contender, samples));
  }
  const results: LatencyResult[] = [];
  for (const [k, contender] of contenders.entries()) results.push(summarize(contender, size, samples.length, passes[k]!, await untimedPauses(contender)));
  collect();
  return results;
}
