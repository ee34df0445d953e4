/**
 * Balancer ('least-loaded') acquire + release against a linear scan and a heap-js balancer with the
 * same choice (lowest load, ties to the worker picked least recently; the checksum of the picks
 * must agree). W workers, W/2 leases outstanding (at most 1,000); each step releases a random outstanding lease
 * (the same sequence for all) and acquires a new one in its place.
 */
import { HeapBalancer } from '../baselines/heap-balancer.js';
import { LinearBalancer } from '../baselines/linear-balancer.js';
import type { Config } from '../config.js';
import { mix, type Case, type Contender } from '../harness.js';
import { seededRandom } from '../random.js';
import { exported, notExported, type Suite } from '../suite.js';

interface Worker {
  readonly index: number;
}

/** The part of the Balancer's API the suite uses (typed here so the suite compiles before it lands). */
interface LeaseLike<W> {
  readonly worker: W;
}
interface BalancerLike<W> {
  add(worker: W): unknown;
  acquire(): LeaseLike<W> | undefined;
  release(lease: LeaseLike<W>): void;
  dispose(): void;
}
type BalancerClass = new <W>(options: { strategy: 'least-loaded' }) => BalancerLike<W>;

/** The common shape of ours and the two baselines, for the untimed set-up only. */
interface Balancing<L extends LeaseLike<Worker>> {
  add(worker: Worker): unknown;
  acquire(): L | undefined;
}

const SUITE = 'Balancer';
const OURS = 'flatsched';

/** Adds the workers and takes the outstanding leases (not timed). */
function setUp<L extends LeaseLike<Worker>>(balancer: Balancing<L>, workers: readonly Worker[], outstanding: number): L[] {
  for (const worker of workers) balancer.add(worker);
  const leases: L[] = [];
  for (let i = 0; i < outstanding; i++) leases.push(balancer.acquire()!);
  return leases;
}

function acquireRelease(workerCount: number, Balancer: BalancerClass): Case {
  const workers: Worker[] = Array.from({ length: workerCount }, (_, index) => ({ index }));
  // Capped so that taking them (untimed, but O(W) each for the linear scan) stays quick at 100,000.
  const outstanding = Math.min(1_000, Math.max(1, workerCount >> 1));
  // Enough steps per iteration to time well, few enough that a linear scan of 100,000 workers fits.
  const steps = Math.min(10_000, Math.max(100, Math.floor(1e6 / workerCount)));
  const random = seededRandom(4);
  const victims = new Uint32Array(steps);
  for (let s = 0; s < steps; s++) victims[s] = Math.floor(random() * outstanding);

  const contenders: Contender[] = [
    {
      name: 'Balancer (least-loaded)', library: OURS, ours: true, group: 'balancer',
      prepare() {
        const balancer = new Balancer<Worker>({ strategy: 'least-loaded' });
        const leases = setUp(balancer, workers, outstanding);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const at = victims[s]!;
              balancer.release(leases[at]!);
              const lease = balancer.acquire()!;
              leases[at] = lease;
              check = mix(check, lease.worker.index);
            }
            return check;
          },
          dispose: () => balancer.dispose(),
        };
      },
    },
    {
      name: 'linear scan (bench/baselines)', library: 'built-in', ours: false, group: 'balancer',
      prepare() {
        const balancer = new LinearBalancer<Worker>();
        const leases = setUp(balancer, workers, outstanding);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const at = victims[s]!;
              balancer.release(leases[at]!);
              const lease = balancer.acquire()!;
              leases[at] = lease;
              check = mix(check, lease.worker.index);
            }
            return check;
          },
        };
      },
    },
    {
      name: 'heap-js balancer (bench/baselines)', library: 'heap-js', ours: false, group: 'balancer',
      prepare() {
        const balancer = new HeapBalancer<Worker>();
        const leases = setUp(balancer, workers, outstanding);
        return {
          run() {
            let check = 0;
            for (let s = 0; s < steps; s++) {
              const at = victims[s]!;
              balancer.release(leases[at]!);
              const lease = balancer.acquire()!;
              leases[at] = lease;
              check = mix(check, lease.worker.index);
            }
            return check;
          },
        };
      },
    },
  ];
  return { suite: SUITE, workload: 'acquire + release (N workers)', size: workerCount, operations: 2 * steps, operation: 'acquire or release', contenders, handOver: true };
}

export const balancerSuite: Suite = {
  name: SUITE,
  unavailable: () => notExported('Balancer'),
  cases(config: Config) {
    const Balancer = exported<BalancerClass>('Balancer')!;
    return config.workers.map((count) => () => acquireRelease(count, Balancer));
  },
};
