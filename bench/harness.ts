/**
 * The interleaved runner. tinybench times one contender at a time; on a shared 2-core machine the
 * background load drifts over seconds, so timing all of ours first and all baselines after would
 * bake that drift into the ratios. Instead a case runs in rounds, and each round gives every
 * contender a short time budget, in an order that rotates and alternates direction from round to
 * round. Samples are pooled across rounds, so every contender sees the same mix of quiet and busy
 * moments, and the median of the pool is what the tables report.
 */
import { Bench } from 'tinybench';

/** One timed iteration. A number it returns is a checksum of what it did (see `checks`). */
export type Body = () => unknown;

/** A contender's state for one round: the timed iteration, and how to free the state after it (see `Case.handOver`). */
export interface Prepared {
  readonly run: Body;
  readonly dispose?: () => void;
  /**
   * When the case hands states over: called after the round, to give back the memory an idle
   * service would (ours: `shrink()`), so that the state kept alive through the other contenders'
   * rounds does not weigh on their collections more than theirs weighs on ours.
   */
  readonly rest?: () => void;
}

export interface Contender {
  /** How the tables call it, e.g. `PriorityQueue` or `flatqueue + payload array`. */
  readonly name: string;
  /** The npm package measured, `flatsched` for ours, `built-in` for Array. */
  readonly library: string;
  readonly ours: boolean;
  /**
   * Ours is compared with the fastest baseline of the same group: payload objects against payload
   * objects, ids against ids, so a numeric structure is never flattered by a baseline that also
   * carries objects.
   */
  readonly group: string;
  /**
   * Contenders doing exactly the same sequence of operations share a checks key; the checksums their
   * first iteration returns must agree, or the run stops (a wrong adapter would otherwise go
   * unnoticed and be "fast"). Defaults to the group-independent key `same`.
   */
  readonly checks?: string;
  /** Builds fresh state for one round (not timed). */
  prepare(): Prepared | Promise<Prepared>;
}

export interface Case {
  readonly suite: string;
  readonly workload: string;
  /** Items held (or queued at the start), the N of the tables. */
  readonly size: number;
  /** Operations in one iteration; results are per operation. */
  readonly operations: number;
  /** What one operation is, for the tables: `push or pop`, `job (submit+take+ack)`. */
  readonly operation: string;
  readonly contenders: readonly Contender[];
  /** Bodies return promises (the async pools). */
  readonly async?: boolean;
  /** Overrides of the plan for heavy cases. */
  readonly plan?: Partial<Plan> | undefined;
  /**
   * A contender's state of one round rests (`Prepared.rest`) and is disposed only once its next
   * round's state is prepared, so one of each lives through the collections between contenders,
   * as a service's scheduler or balancer does. A forced GC (`gc()`) after a state was dropped
   * discards code compiled while it ran (unlike ordinary collections, it does not keep the hidden
   * classes of objects that all died): a fresh scheduler after every forced GC deoptimized,
   * re-optimized and soon ran unoptimized (V8 gives up on code that deoptimizes too often), 2 µs a
   * job instead of 0.4; a balancer of 1,000 workers took 124 ns an operation instead of 79, the
   * heap-js balancer 164 instead of 122. Not for the structures' suites: there the plain Array
   * baseline of the Stack suite ran 5.8 ns an operation instead of 3.3 with its last array kept
   * (measured before `settle` existed, so perhaps leftover incremental marking too; not measured
   * again), so a handed-over state would slow a baseline.
   * @default false
   */
  readonly handOver?: boolean;
  /**
   * Collects once more after each state is built. A large fill starts V8's incremental marking,
   * and a timed loop that allocates nothing never lets it finish, so every store it makes goes
   * through the marking barrier: a Stack's or an Array's push + pop took 5.0-5.7 ns instead of
   * 3.3-3.5 for whichever contender's fill had started it, and the JS heaps held at a million
   * twice their time. For the suites whose states are filled before the timing (the structures').
   * Not for the Scheduler and Balancer suites: their states start empty or small, and the
   * collection would move them to the old generation, where each young object a JS baseline
   * stores costs it a remembered-set entry: the heap-js scheduler took 315-340 ns a job at 1,000
   * instead of 185-200, a change of regime rather than a fix.
   * @default false
   */
  readonly settle?: boolean;
}

export interface Plan {
  /** Rounds per case; every contender runs once per round. */
  readonly rounds: number;
  /** Time budget of one contender in one round, in ms (at least one iteration always runs). */
  readonly roundTime: number;
  /** Warm-up budget of the first round, in ms; later rounds warm up with one iteration. 0 = none. */
  readonly warmupTime: number;
  /**
   * Warm-up budget of every later round, in ms, for cases whose fresh state needs more than one
   * iteration to settle (a heap of ten million payloads is still being marked by the GC when the
   * set-up ends). Only used when `warmupTime` is not 0.
   * @default 0 (one iteration)
   */
  readonly roundWarmupTime?: number;
}

export interface Measurement {
  readonly name: string;
  readonly library: string;
  readonly ours: boolean;
  readonly group: string;
  /** Nanoseconds per operation over all pooled samples. */
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly opsPerSecond: number;
  readonly samples: number;
  /**
   * Each round's median in nanoseconds per operation, in round order (NaN for a round it did not
   * finish, null in the JSON). Absent in results written before it was recorded.
   */
  readonly rounds?: readonly number[] | undefined;
  /**
   * For ours: the fastest baseline of the group's time over ours, round by round (see `compare`);
   * above 1 ours is faster.
   */
  readonly ratio?: number;
  /**
   * For ours: the lowest and highest of those rounds' ratios: how far the ratio moved while the two
   * ran side by side. Absent when fewer than two rounds were measured.
   */
  readonly ratioRange?: readonly [number, number];
  /** For ours: the same baseline's median over ours, both over all pooled samples. */
  readonly pooledRatio?: number;
  /** For ours: the baseline the ratio is taken against. */
  readonly versus?: string;
  /** Set when the contender threw; no numbers then. */
  readonly error?: string;
}

export interface CaseResult {
  readonly suite: string;
  readonly workload: string;
  readonly size: number;
  readonly operations: number;
  readonly operation: string;
  readonly unit: 'ns/op';
  /** The plan the case ran with (heavy cases run fewer, longer rounds). */
  readonly plan: Plan;
  readonly results: Measurement[];
}

/** Linear interpolation between order statistics, as tinybench does. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

function rotate<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  const order = [...items.slice(shift), ...items.slice(0, shift)];
  return round % 2 === 1 ? order.reverse() : order;
}

/** Collects what the previous contender left behind, so it is not billed to the next one. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function runCase(benchCase: Case, defaults: Plan): Promise<CaseResult> {
  const plan = { ...defaults, ...benchCase.plan };
  const pooled = new Map<Contender, number[]>(benchCase.contenders.map((c) => [c, []]));
  const roundMedians = new Map<Contender, number[]>(benchCase.contenders.map((c) => [c, new Array<number>(plan.rounds).fill(NaN)]));
  const failed = new Map<Contender, string>();
  const checksums = new Map<string, { name: string; value: unknown }>();
  const handedOver = new Map<Contender, Prepared>();

  for (let round = 0; round < plan.rounds; round++) {
    for (const contender of rotate(benchCase.contenders, round)) {
      if (failed.has(contender)) continue;
      collectGarbage();
      let prepared: Prepared | undefined;
      try {
        prepared = await contender.prepare();
        handedOver.get(contender)?.dispose?.();
        handedOver.delete(contender);
        if (benchCase.settle === true) collectGarbage();
        const body = prepared.run;
        if (round === 0) {
          const value = await body();
          if (typeof value === 'number') verify(benchCase, contender, value, checksums);
        }
        const bench = new Bench({
          iterations: 1,
          time: plan.roundTime,
          // The first round warms the code up; later ones only need one iteration to warm the
          // fresh state (caches, grown arrays), since the compiled code is shared.
          warmup: plan.warmupTime > 0,
          warmupIterations: 1,
          warmupTime: round === 0 ? plan.warmupTime : (plan.roundWarmupTime ?? 0),
          retainSamples: true,
          throws: true,
        });
        bench.add(contender.name, body, { async: benchCase.async === true });
        if (benchCase.async) await bench.run();
        else bench.runSync();
        const result = bench.tasks[0]!.result;
        if (!('latency' in result)) throw new Error(`tinybench ended in state ${result.state}`);
        // Samples are milliseconds per iteration; the tables speak of nanoseconds per operation.
        const samples = (result.latency.samples ?? []).map((ms) => (ms * 1e6) / benchCase.operations);
        const pool = pooled.get(contender)!;
        for (const ns of samples) pool.push(ns);
        roundMedians.get(contender)![round] = percentile(samples.sort((a, b) => a - b), 0.5);
      } catch (error) {
        if (error instanceof ChecksumError) throw error;
        failed.set(contender, (error as Error)?.message ?? String(error));
      } finally {
        if (benchCase.handOver === true && prepared && !failed.has(contender)) {
          prepared.rest?.();
          handedOver.set(contender, prepared);
        } else {
          prepared?.dispose?.();
        }
      }
    }
  }
  for (const prepared of handedOver.values()) prepared.dispose?.();
  collectGarbage();

  const results: Measurement[] = benchCase.contenders.map((contender) => {
    const base = { name: contender.name, library: contender.library, ours: contender.ours, group: contender.group };
    const error = failed.get(contender);
    if (error !== undefined) return { ...base, median: NaN, p25: NaN, p75: NaN, min: NaN, max: NaN, opsPerSecond: NaN, samples: 0, error };
    const samples = pooled.get(contender)!.sort((a, b) => a - b);
    const median = percentile(samples, 0.5);
    return {
      ...base,
      median,
      p25: percentile(samples, 0.25),
      p75: percentile(samples, 0.75),
      min: samples[0]!,
      max: samples[samples.length - 1]!,
      opsPerSecond: 1e9 / median,
      samples: samples.length,
      rounds: roundMedians.get(contender)!,
    };
  });
  return { suite: benchCase.suite, workload: benchCase.workload, size: benchCase.size, operations: benchCase.operations, operation: benchCase.operation, unit: 'ns/op', plan, results: withRatios(results) };
}

class ChecksumError extends Error {}

function verify(benchCase: Case, contender: Contender, value: number, seen: Map<string, { name: string; value: unknown }>): void {
  const key = contender.checks ?? 'same';
  const first = seen.get(key);
  if (!first) seen.set(key, { name: contender.name, value });
  else if (first.value !== value) {
    throw new ChecksumError(`${benchCase.suite} / ${benchCase.workload} / ${benchCase.size}: ${contender.name} did different work than ${first.name} (checksum ${value} vs ${first.value})`);
  }
}

function withRatios(results: Measurement[]): Measurement[] {
  return results.map((measurement) => {
    if (!measurement.ours || measurement.error) return measurement;
    const baselines = results.filter((r) => !r.ours && !r.error && r.group === measurement.group);
    if (baselines.length === 0) return measurement;
    // The baseline ours compares worst with: the fastest one, round by round.
    const [comparison, baseline] = baselines
      .map((each) => [compare(each, measurement), each] as const)
      .reduce((a, b) => (b[0].ratio < a[0].ratio ? b : a));
    return {
      ...measurement,
      ratio: comparison.ratio,
      ...(comparison.range && { ratioRange: comparison.range }),
      pooledRatio: baseline.median / measurement.median,
      versus: baseline.name,
    };
  });
}

/** How ours compares with one baseline: its time over ours, and the range of single rounds' ratios. */
export interface Comparison {
  readonly ratio: number;
  readonly range?: readonly [number, number];
}

/**
 * `baseline`'s time over `ours`, round by round: in each round both finished, the ratio of the two
 * sides' medians in that round; the result is the median of those (of an even count, the geometric
 * mean of the middle two). The two sides of a round ran within a second of each other, so a spell
 * of the host at part speed (this one has them, seconds long) weighs on both sides of the rounds it
 * covers, where in pooled samples it weighs on whichever side it happened to fall. Measured on three
 * full runs started within forty minutes (each pair of runs, 80-87 cases of three rounds or more):
 * the ratio of pooled medians moved by 8.0-17.0 % from one run to the other at the median case and
 * by 41.5-57.5 % at the 90th percentile, this one by 5.0-10.7 % and 22.5-27.3 %; on the same run
 * the two differed by 0.1-0.2 % at the median case, neither leaning one way. With fewer than two
 * such rounds (or results written before rounds were recorded), the ratio of the pooled medians.
 */
export function compare(baseline: Measurement, ours: Measurement): Comparison {
  const ratios = roundRatios(baseline, ours);
  if (ratios.length < 2) return { ratio: baseline.median / ours.median };
  ratios.sort((a, b) => a - b);
  const middle = ratios.length >> 1;
  const ratio = ratios.length % 2 === 1 ? ratios[middle]! : Math.sqrt(ratios[middle - 1]! * ratios[middle]!);
  return { ratio, range: [ratios[0]!, ratios[ratios.length - 1]!] };
}

/** `baseline`'s round median over `ours`' in each round both finished, in round order. */
function roundRatios(baseline: Pick<Measurement, 'rounds'>, ours: Pick<Measurement, 'rounds'>): number[] {
  const theirs = baseline.rounds;
  const mine = ours.rounds;
  const ratios: number[] = [];
  if (theirs === undefined || mine === undefined) return ratios;
  for (let round = 0; round < Math.min(theirs.length, mine.length); round++) {
    // A round one side did not finish is NaN here, and null once written to JSON.
    const [a, b] = [theirs[round], mine[round]];
    if (typeof a === 'number' && typeof b === 'number' && a > 0 && b > 0) ratios.push(a / b);
  }
  return ratios;
}

/** The same operations in the same order give the same number; cheap enough to leave in timed loops. */
export function mix(checksum: number, value: number): number {
  return (Math.imul(checksum, 31) + value) | 0;
}
