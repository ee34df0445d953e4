/**
 * PriorityQueue (payload objects, through its public API) and NumericPriorityQueue (ids, single
 * and batch) against the JS heaps a user would pick instead.
 *
 * Every contender's loops are written out in full rather than behind a shared adapter: a shared
 * call site would see every library's methods, turn megamorphic and stop V8 inlining them, which
 * would slow the baselines down for a reason no user has.
 *
 * Workloads:
 * - fill-then-drain: push N, then pop N (the queue is reused across iterations, as a warm one is);
 * - hold model: N items held; each step pops the first and pushes it back with its priority plus a
 *   random increment (the classic benchmark of event-simulation queues); the batch form pops
 *   `holdBatch` items, then pushes them back, so the size moves between N - batch and N. The
 *   fused form peeks at the first and reschedules it with one pop + push call (our popPush; the
 *   `replace` of heap-js and mnemonist); libraries without one race with their pop and push.
 * Payloads are `{ id, priority }` objects; the flatqueue user keeps them in an array indexed by id.
 * The hold model's queue is filled before the timing, with each library's bulk load where it has
 * one (it only saves set-up time: the pop order depends on the keys alone, as they are distinct).
 */
import FlatQueue from 'flatqueue';
import TinyQueue from 'tinyqueue';
import { Heap as HeapJs } from 'heap-js';
import { Heap as MnemonistHeap } from 'mnemonist';
import { PriorityQueue as SdslPriorityQueue } from 'js-sdsl';
import { Arena, NumericPriorityQueue, PriorityQueue } from '../../src/index.js';
import type { Config } from '../config.js';
import { mix, type Case, type Contender } from '../harness.js';
import type { Suite } from '../suite.js';
import { randomKeys } from '../random.js';

interface Job {
  readonly id: number;
  priority: number;
}

const SUITE = 'PriorityQueue';
const OURS = 'flatsched';

function makeJobs(keys: Float64Array): Job[] {
  const jobs: Job[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) jobs[i] = { id: i, priority: keys[i]! };
  return jobs;
}

function identities(count: number): Uint32Array {
  const ids = new Uint32Array(count);
  for (let i = 0; i < count; i++) ids[i] = i;
  return ids;
}

/**
 * The comparator of the heaps that take one: a single function for the whole run, as a user's
 * module would have. A fresh one per round died with the round's queue, and the next forced GC
 * discarded the code compiled with it inlined (a dead function embedded in compiled code).
 */
const byPriority = (a: Job, b: Job) => a.priority - b.priority;

/** Where our queues live: the default arena (what a user gets), or one made for the case. */
type ArenaSource = () => Arena | undefined;
const defaultArena: ArenaSource = () => undefined;
/**
 * Ten million items need more than the default arena's 1 GiB limit (the queue grows by doubling,
 * and the core keeps headroom for the pages a growth may need), so that size gets an arena of its
 * own with the 2 GiB maximum, as a user holding that many items would configure.
 */
const largeArena: ArenaSource = () => new Arena({ maxMemory: 2 ** 31 });

function fillThenDrain(size: number, arenas: ArenaSource = defaultArena): Case {
  const keys = randomKeys(size, 1);
  const jobs = makeJobs(keys);
  const ids = identities(size);
  const n = size;
  const contenders: Contender[] = [
    {
      name: 'PriorityQueue', library: OURS, ours: true, group: 'payloads',
      prepare() {
        const queue = new PriorityQueue<Job>({ arena: arenas() });
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(jobs[i]!, keys[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.pop()!.id);
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'PriorityQueue pushMany/popMany', library: OURS, ours: true, group: 'payloads',
      prepare() {
        const queue = new PriorityQueue<Job>({ arena: arenas() });
        return {
          run() {
            queue.pushMany(jobs, keys);
            const out = queue.popMany(n);
            let check = 0;
            for (let i = 0; i < out.length; i++) check = mix(check, out[i]!.id);
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'NumericPriorityQueue', library: OURS, ours: true, group: 'ids',
      prepare() {
        const queue = new NumericPriorityQueue({ arena: arenas() });
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(i, keys[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.pop()!);
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'NumericPriorityQueue pushMany/popMany', library: OURS, ours: true, group: 'ids',
      prepare() {
        const queue = new NumericPriorityQueue({ arena: arenas() });
        const out = new Uint32Array(n);
        return {
          run() {
            queue.pushMany(ids, keys);
            const count = queue.popMany(out);
            let check = 0;
            for (let i = 0; i < count; i++) check = mix(check, out[i]!);
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'flatqueue + payload array', library: 'flatqueue', ours: false, group: 'payloads',
      prepare() {
        const queue = new FlatQueue<number>();
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(i, keys[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, jobs[queue.pop()!]!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'flatqueue (ids)', library: 'flatqueue', ours: false, group: 'ids',
      prepare() {
        const queue = new FlatQueue<number>();
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(i, keys[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.pop()!);
            return check;
          },
        };
      },
    },
    {
      name: 'tinyqueue', library: 'tinyqueue', ours: false, group: 'payloads',
      prepare() {
        const queue = new TinyQueue<Job>([], byPriority);
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(jobs[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.pop()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'heap-js', library: 'heap-js', ours: false, group: 'payloads',
      prepare() {
        const queue = new HeapJs<Job>(byPriority);
        return {
          run() {
            // add is push's single-item path, without the rest-parameter array.
            for (let i = 0; i < n; i++) queue.add(jobs[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.pop()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'mnemonist Heap', library: 'mnemonist', ours: false, group: 'payloads',
      prepare() {
        const queue = new MnemonistHeap<Job>(byPriority);
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(jobs[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.pop()!.id);
            return check;
          },
        };
      },
    },
    {
      name: 'js-sdsl PriorityQueue', library: 'js-sdsl', ours: false, group: 'payloads',
      prepare() {
        const queue = new SdslPriorityQueue<Job>([], byPriority, false);
        return {
          run() {
            for (let i = 0; i < n; i++) queue.push(jobs[i]!);
            let check = 0;
            for (let i = 0; i < n; i++) check = mix(check, queue.pop()!.id);
            return check;
          },
        };
      },
    },
  ];
  return { suite: SUITE, workload: 'fill-then-drain', size, operations: 2 * size, operation: 'push or pop', contenders, settle: true };
}

function hold(size: number, config: Config, arenas: ArenaSource = defaultArena): Case {
  const keys = randomKeys(size, 1);
  const steps = config.holdSteps;
  const batch = config.holdBatch;
  const increments = randomKeys(steps, 2);
  const n = size;
  const single = 'one pop, one push';
  const batched = `${batch} pops, ${batch} pushes`;
  const contenders: Contender[] = [
    {
      name: 'PriorityQueue', library: OURS, ours: true, group: 'payloads', checks: single,
      prepare() {
        const queue = new PriorityQueue<Job>({ arena: arenas() });
        queue.pushMany(makeJobs(keys), keys);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const job = queue.pop()!;
              job.priority += increments[s]!;
              queue.push(job, job.priority);
              check = mix(check, job.id);
            }
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'PriorityQueue pushMany/popMany', library: OURS, ours: true, group: 'payloads', checks: batched,
      prepare() {
        const queue = new PriorityQueue<Job>({ arena: arenas() });
        queue.pushMany(makeJobs(keys), keys);
        const priorities = new Float64Array(batch);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s += batch) {
              const out = queue.popMany(batch);
              for (let k = 0; k < out.length; k++) {
                const job = out[k]!;
                priorities[k] = job.priority += increments[s + k]!;
                check = mix(check, job.id);
              }
              queue.pushMany(out, priorities);
            }
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'NumericPriorityQueue', library: OURS, ours: true, group: 'ids', checks: single,
      prepare() {
        const queue = new NumericPriorityQueue({ arena: arenas() });
        const priorities = keys.slice();
        queue.pushMany(identities(n), keys);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const id = queue.pop()!;
              const priority = priorities[id]! + increments[s]!;
              priorities[id] = priority;
              queue.push(id, priority);
              check = mix(check, id);
            }
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'NumericPriorityQueue pushMany/popMany', library: OURS, ours: true, group: 'ids', checks: batched,
      prepare() {
        const queue = new NumericPriorityQueue({ arena: arenas() });
        queue.pushMany(identities(n), keys);
        const ids = new Uint32Array(batch);
        const priorities = new Float64Array(batch);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s += batch) {
              const count = queue.popMany(ids, priorities);
              for (let k = 0; k < count; k++) {
                priorities[k] = priorities[k]! + increments[s + k]!;
                check = mix(check, ids[k]!);
              }
              queue.pushMany(ids, priorities);
            }
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'PriorityQueue peek + popPush', library: OURS, ours: true, group: 'payloads', checks: single,
      prepare() {
        const queue = new PriorityQueue<Job>({ arena: arenas() });
        queue.pushMany(makeJobs(keys), keys);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const job = queue.peek()!;
              job.priority += increments[s]!;
              queue.popPush(job, job.priority);
              check = mix(check, job.id);
            }
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'NumericPriorityQueue peek + popPush', library: OURS, ours: true, group: 'ids', checks: single,
      prepare() {
        const queue = new NumericPriorityQueue({ arena: arenas() });
        const priorities = keys.slice();
        queue.pushMany(identities(n), keys);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const id = queue.peek()!;
              const priority = priorities[id]! + increments[s]!;
              priorities[id] = priority;
              queue.popPush(id, priority);
              check = mix(check, id);
            }
            return check;
          },
          dispose: () => queue.dispose(),
        };
      },
    },
    {
      name: 'flatqueue + payload array', library: 'flatqueue', ours: false, group: 'payloads', checks: single,
      prepare() {
        const queue = new FlatQueue<number>();
        const jobs = makeJobs(keys);
        for (let i = 0; i < n; i++) queue.push(i, keys[i]!);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const id = queue.pop()!;
              const job = jobs[id]!;
              job.priority += increments[s]!;
              queue.push(id, job.priority);
              check = mix(check, job.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'flatqueue (ids)', library: 'flatqueue', ours: false, group: 'ids', checks: single,
      prepare() {
        const queue = new FlatQueue<number>();
        const priorities = keys.slice();
        for (let i = 0; i < n; i++) queue.push(i, keys[i]!);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const id = queue.pop()!;
              const priority = priorities[id]! + increments[s]!;
              priorities[id] = priority;
              queue.push(id, priority);
              check = mix(check, id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'tinyqueue', library: 'tinyqueue', ours: false, group: 'payloads', checks: single,
      prepare() {
        const queue = new TinyQueue<Job>(makeJobs(keys), byPriority);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const job = queue.pop()!;
              job.priority += increments[s]!;
              queue.push(job);
              check = mix(check, job.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'heap-js', library: 'heap-js', ours: false, group: 'payloads', checks: single,
      prepare() {
        const queue = new HeapJs<Job>(byPriority);
        queue.init(makeJobs(keys));
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const job = queue.pop()!;
              job.priority += increments[s]!;
              queue.add(job);
              check = mix(check, job.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'mnemonist Heap', library: 'mnemonist', ours: false, group: 'payloads', checks: single,
      prepare() {
        const queue = MnemonistHeap.from<Job>(makeJobs(keys), byPriority);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const job = queue.pop()!;
              job.priority += increments[s]!;
              queue.push(job);
              check = mix(check, job.id);
            }
            return check;
          },
        };
      },
    },
    {
      // heap-js and mnemonist have a fused pop + push (replace): the fair match for popPush.
      name: 'heap-js peek + replace', library: 'heap-js', ours: false, group: 'payloads', checks: single,
      prepare() {
        const queue = new HeapJs<Job>(byPriority);
        queue.init(makeJobs(keys));
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const job = queue.peek()!;
              job.priority += increments[s]!;
              queue.replace(job);
              check = mix(check, job.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'mnemonist Heap peek + replace', library: 'mnemonist', ours: false, group: 'payloads', checks: single,
      prepare() {
        const queue = MnemonistHeap.from<Job>(makeJobs(keys), byPriority);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const job = queue.peek()!;
              job.priority += increments[s]!;
              queue.replace(job);
              check = mix(check, job.id);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'js-sdsl PriorityQueue', library: 'js-sdsl', ours: false, group: 'payloads', checks: single,
      prepare() {
        const queue = new SdslPriorityQueue<Job>(makeJobs(keys), byPriority, false);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const job = queue.pop()!;
              job.priority += increments[s]!;
              queue.push(job);
              check = mix(check, job.id);
            }
            return check;
          },
        };
      },
    },
  ];
  return { suite: SUITE, workload: 'hold model', size, operations: 2 * steps, operation: 'push or pop', contenders, settle: true };
}

/**
 * The contenders that still run at ten million items: ours, and the baselines that were fastest at
 * one million (flatqueue by a wide margin, then mnemonist). The comparator heaps trail them by 2×
 * there and would add minutes of set-up to the run without changing a ratio.
 */
const HUGE_CONTENDERS = new Set([
  'PriorityQueue', 'PriorityQueue pushMany/popMany', 'PriorityQueue peek + popPush',
  'NumericPriorityQueue', 'NumericPriorityQueue pushMany/popMany', 'NumericPriorityQueue peek + popPush',
  'flatqueue + payload array', 'flatqueue (ids)', 'mnemonist Heap', 'mnemonist Heap peek + replace',
]);

function onlyHuge(benchCase: Case): Case {
  return { ...benchCase, contenders: benchCase.contenders.filter((c) => HUGE_CONTENDERS.has(c.name)) };
}

/** Cases are built when they run, so the keys and payloads of one size are garbage during the next. */
function priorityQueueCases(config: Config): (() => Case)[] {
  const cases: (() => Case)[] = [];
  for (const size of config.sizes) {
    // From a million items up, one fill-then-drain iteration takes seconds: each round times one,
    // and the code is warm from the smaller sizes (the first round's checksum call warms it too).
    const heavy = size >= 1_000_000 ? { plan: { rounds: 3, roundTime: 0, warmupTime: 0 } } : {};
    // The hold model's set-up (a million payloads, a full queue) dominates a round at that size:
    // fewer, longer rounds.
    const heavySetUp = size >= 1_000_000 ? { plan: { rounds: 5, roundTime: 120, roundWarmupTime: 100 } } : {};
    cases.push(() => ({ ...fillThenDrain(size), ...heavy }), () => ({ ...hold(size, config), ...heavySetUp }));
  }
  return cases;
}

function hugeCases(config: Config): (() => Case)[] {
  const huge = config.hugeSize;
  if (huge === undefined) return [];
  return [
    () => ({ ...onlyHuge(fillThenDrain(huge, largeArena)), plan: { rounds: 1, roundTime: 0, warmupTime: 0 } }),
    // The first iterations after filling ten million payloads run while the GC still marks them
    // (pointer stores pay for it): each round warms up for half a second before it is timed.
    () => ({ ...onlyHuge(hold(huge, config, largeArena)), plan: { rounds: 2, roundTime: 300, warmupTime: 500, roundWarmupTime: 500 } }),
  ];
}

export const priorityQueueSuite: Suite = { name: SUITE, cases: priorityQueueCases };

/** The ten-million-item cases, run last: they take the most memory and time. */
export const hugePriorityQueueSuite: Suite = { name: `${SUITE}-huge`, cases: hugeCases };
