/**
 * Scheduler against a heap-js scheduler with the same ordering (bench/baselines/heap-scheduler.ts),
 * jobs with random priorities 0–9 taken by priority, then FIFO (the checksum of the take order must
 * agree):
 * - fill-then-drain: submit N jobs, then take and ack them all;
 * - hold model: N jobs waiting, and each step submits one, takes one and acks it (a steady stream).
 * And `run()` at concurrency 8 with a trivial async handler against p-queue and fastq running the
 * same jobs, each a long-lived queue fed and drained (the checksum of the order handlers started in
 * must agree).
 *
 * Each contender's loops are written out in full, as in the PriorityQueue suite: one loop shared by
 * both would see both schedulers' methods at its call sites and stop V8 inlining them.
 */
import fastq from 'fastq';
import PQueue from 'p-queue';
import { HeapScheduler } from '../baselines/heap-scheduler.js';
import type { Config } from '../config.js';
import { mix, type Case, type Contender } from '../harness.js';
import { seededRandom } from '../random.js';
import { exported, notExported, type Suite } from '../suite.js';

interface Job {
  readonly id: number;
}

/** The part of the Scheduler's API the suite uses (typed here so the suite compiles before it lands). */
interface SchedulerLike<T> {
  submit(payload: T, options?: { priority?: number }): unknown;
  take(): { readonly id: unknown; readonly payload: T } | undefined;
  ack(id: unknown): void;
  run(handler: (payload: T) => unknown, options: { concurrency: number; signal: AbortSignal }): Promise<void>;
  onIdle(): Promise<void>;
  shrink(): void;
  dispose(): void;
}
type SchedulerClass = new <T>() => SchedulerLike<T>;

const SUITE = 'Scheduler';
const OURS = 'flatsched';
const CONCURRENCY = 8;

function makeJobs(count: number): Job[] {
  const jobs: Job[] = new Array(count);
  for (let i = 0; i < count; i++) jobs[i] = { id: i };
  return jobs;
}

function randomPriorities(count: number): Float64Array {
  const random = seededRandom(3);
  const priorities = new Float64Array(count);
  for (let i = 0; i < count; i++) priorities[i] = Math.floor(random() * 10);
  return priorities;
}

function submitTakeAck(count: number, Scheduler: SchedulerClass): Case {
  const jobs = makeJobs(count);
  const priorities = randomPriorities(count);
  const contenders: Contender[] = [
    {
      name: 'Scheduler', library: OURS, ours: true, group: 'scheduler',
      prepare() {
        const scheduler = new Scheduler<Job>();
        return {
          run() {
            for (let i = 0; i < count; i++) scheduler.submit(jobs[i]!, { priority: priorities[i]! });
            let check = 0;
            for (let i = 0; i < count; i++) {
              const taken = scheduler.take()!;
              check = mix(check, taken.payload.id);
              scheduler.ack(taken.id);
            }
            return check;
          },
          rest: () => scheduler.shrink(),
          dispose: () => scheduler.dispose(),
        };
      },
    },
    {
      name: 'heap-js scheduler (bench/baselines)', library: 'heap-js', ours: false, group: 'scheduler',
      prepare() {
        const scheduler = new HeapScheduler<Job>();
        return {
          run() {
            for (let i = 0; i < count; i++) scheduler.submit(jobs[i]!, { priority: priorities[i]! });
            let check = 0;
            for (let i = 0; i < count; i++) {
              const taken = scheduler.take()!;
              check = mix(check, taken.payload.id);
              scheduler.ack(taken.id);
            }
            return check;
          },
        };
      },
    },
  ];
  return {
    suite: SUITE, workload: 'submit + take + ack', size: count, operations: count, operation: 'job (submit+take+ack)', contenders,
    // At a million jobs an iteration is a second through each: one per round, after one untimed.
    // Smaller, the same scheduler fills and drains again and again within a round.
    plan: count >= 1_000_000 ? { rounds: 5, roundTime: 0, warmupTime: 1 } : undefined,
    handOver: true,
  };
}

/**
 * `count` jobs waiting before the timing starts; each of `steps` steps submits a job, takes the best
 * one and acks it. The line stays `count` deep and its low priorities wait long, as in a loaded
 * service; every iteration submits the same `steps` jobs, on top of what the last one left.
 */
function hold(count: number, steps: number, Scheduler: SchedulerClass): Case {
  const total = count + steps;
  const jobs = makeJobs(total);
  const priorities = randomPriorities(total);
  const contenders: Contender[] = [
    {
      name: 'Scheduler', library: OURS, ours: true, group: 'scheduler',
      prepare() {
        const scheduler = new Scheduler<Job>();
        for (let i = 0; i < count; i++) scheduler.submit(jobs[i]!, { priority: priorities[i]! });
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const k = count + s;
              scheduler.submit(jobs[k]!, { priority: priorities[k]! });
              const taken = scheduler.take()!;
              check = mix(check, taken.payload.id);
              scheduler.ack(taken.id);
            }
            return check;
          },
          rest: () => scheduler.shrink(),
          dispose: () => scheduler.dispose(),
        };
      },
    },
    {
      name: 'heap-js scheduler (bench/baselines)', library: 'heap-js', ours: false, group: 'scheduler',
      prepare() {
        const scheduler = new HeapScheduler<Job>();
        for (let i = 0; i < count; i++) scheduler.submit(jobs[i]!, { priority: priorities[i]! });
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const k = count + s;
              scheduler.submit(jobs[k]!, { priority: priorities[k]! });
              const taken = scheduler.take()!;
              check = mix(check, taken.payload.id);
              scheduler.ack(taken.id);
            }
            return check;
          },
        };
      },
    },
  ];
  return {
    suite: SUITE, workload: 'hold model', size: count, operations: steps, operation: 'job (submit+take+ack)', contenders,
    // Filling a million-job line takes longer than the steps timed on it: fewer, longer rounds.
    plan: count >= 1_000_000 ? { rounds: 4, roundTime: 200, warmupTime: 50 } : undefined,
    handOver: true,
  };
}

/**
 * Each contender runs `count` jobs through a trivial async handler, 8 at once, until all are done.
 * Every contender is long-lived, as a service keeps it: one scheduler (one queue) per round, its
 * pool started once, fed and drained by each iteration. Building a fresh one per iteration timed
 * the set-up and a cold run loop instead. The checksum is the order the handlers started in.
 */
function pool(count: number, Scheduler: SchedulerClass): Case {
  const jobs = makeJobs(count);
  /** Counts a contender's handler calls and mixes their order into a checksum. */
  const tally = () => {
    const state = { ran: 0, check: 0 };
    const handler = async (job: Job) => {
      state.ran++;
      state.check = mix(state.check, job.id);
      return job.id;
    };
    /** After an iteration: every job ran once; the checksum, and the tally reset for the next. */
    const drained = () => {
      if (state.ran !== count) throw new Error(`ran ${state.ran} of ${count} jobs`);
      const check = state.check;
      state.ran = state.check = 0;
      return check;
    };
    return { handler, drained };
  };
  const contenders: Contender[] = [
    {
      name: 'Scheduler.run', library: OURS, ours: true, group: 'pool',
      prepare() {
        const { handler, drained } = tally();
        const scheduler = new Scheduler<Job>();
        const controller = new AbortController();
        const running = scheduler.run(handler, { concurrency: CONCURRENCY, signal: controller.signal });
        return {
          async run() {
            for (let i = 0; i < count; i++) scheduler.submit(jobs[i]!);
            await scheduler.onIdle();
            return drained();
          },
          rest: () => scheduler.shrink(),
          dispose() {
            // Drained: the pool stops at once, and `running` resolves.
            controller.abort();
            scheduler.dispose();
            void running;
          },
        };
      },
    },
    {
      name: 'p-queue', library: 'p-queue', ours: false, group: 'pool',
      prepare() {
        const { handler, drained } = tally();
        const queue = new PQueue({ concurrency: CONCURRENCY });
        return {
          async run() {
            for (let i = 0; i < count; i++) {
              const job = jobs[i]!;
              void queue.add(() => handler(job));
            }
            await queue.onIdle();
            return drained();
          },
        };
      },
    },
    {
      name: 'fastq', library: 'fastq', ours: false, group: 'pool',
      prepare() {
        const { handler, drained } = tally();
        const queue = fastq.promise(handler, CONCURRENCY);
        return {
          async run() {
            for (let i = 0; i < count; i++) void queue.push(jobs[i]!);
            await queue.drained();
            return drained();
          },
        };
      },
    },
  ];
  return {
    suite: SUITE, workload: `run(), concurrency ${CONCURRENCY}`, size: count, operations: count, operation: 'job', contenders, async: true,
    // An iteration is 100k jobs (a few hundred ms): a few per round on the same queue, after one
    // untimed iteration that grows its arrays.
    plan: { rounds: 8, roundTime: 400, warmupTime: 1 },
    handOver: true,
  };
}

export const schedulerSuite: Suite = {
  name: SUITE,
  unavailable: () => notExported('Scheduler'),
  cases(config: Config) {
    const Scheduler = exported<SchedulerClass>('Scheduler')!;
    return [
      ...config.sizes.map((size) => () => submitTakeAck(size, Scheduler)),
      ...config.sizes.map((size) => () => hold(size, config.holdSteps, Scheduler)),
      () => pool(config.poolJobs, Scheduler),
    ];
  },
};
