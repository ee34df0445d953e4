/**
 * Sizes and time budgets of a run. The full run is what docs/benchmarks.md publishes; `--quick` is
 * a smoke run (small N, few rounds) that checks every suite still works, in under a minute.
 */
import type { Plan } from './harness.js';

export interface Config {
  readonly quick: boolean;
  /** N for the heaps, queues and stacks. */
  readonly sizes: readonly number[];
  /** A size beyond `sizes` for the heaps only, with fewer rounds (memory and time allow one). */
  readonly hugeSize: number | undefined;
  /** Pop + push steps in one timed iteration of the hold model. */
  readonly holdSteps: number;
  /** Items a batch of the hold model pops and then pushes back. */
  readonly holdBatch: number;
  /** Structures created in one timed iteration of the creation suite. */
  readonly creations: number;
  /** N of the memory and tail-latency suites. */
  readonly memorySize: number;
  /** Single operations timed by the tail-latency suite, in each pass. */
  readonly latencySteps: number;
  /** Timed passes of the tail-latency suite (after one that warms up); each percentile is their median. */
  readonly latencyPasses: number;
  /** Jobs of the scheduler suite's async pools (its other cases use `sizes` and `holdSteps`). */
  readonly poolJobs: number;
  /** Worker counts of the balancer suite. */
  readonly workers: readonly number[];
  readonly plan: Plan;
}

export function configFor(quick: boolean): Config {
  if (quick) {
    return {
      quick,
      sizes: [1_000, 10_000],
      hugeSize: undefined,
      holdSteps: 1_000,
      holdBatch: 100,
      creations: 1_000,
      memorySize: 100_000,
      latencySteps: 100_000,
      latencyPasses: 1,
      poolJobs: 10_000,
      workers: [10, 1_000],
      // Later rounds warm up too: a 10 ms round right after the forced GC, which discards compiled
      // code, often ran at several times the contender's best, and a ratio is the median round's.
      // Four quick runs of the Stack suite: 1-6 of 75 rounds over 3x the contender's best round
      // with the warm-up, 13-16 without.
      plan: { rounds: 3, roundTime: 10, warmupTime: 10, roundWarmupTime: 10 },
    };
  }
  return {
    quick,
    sizes: [1_000, 100_000, 1_000_000],
    hugeSize: 10_000_000,
    holdSteps: 10_000,
    holdBatch: 100,
    creations: 1_000,
    memorySize: 1_000_000,
    latencySteps: 1_000_000,
    latencyPasses: 3,
    poolJobs: 100_000,
    workers: [10, 1_000, 100_000],
    plan: { rounds: 8, roundTime: 60, warmupTime: 50 },
  };
}
