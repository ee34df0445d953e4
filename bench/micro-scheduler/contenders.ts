// The contenders of bench/micro-scheduler/run.ts. The runner bundles this file and imports the
// bundle once per contender (a distinct URL each time), so each contender runs its own copy of this
// code and of the library: no call site is shared, as none would be in an application using one.
import fastq from 'fastq';
import PQueue from 'p-queue';
import { HeapScheduler } from '../baselines/heap-scheduler.js';
import { Scheduler } from '../../src/index.js';

interface Payload {
  readonly id: number;
}

export interface Contender {
  readonly name: string;
  /** Submits n jobs (priorities[k] for job k), then takes and acks them all; returns a checksum of the take order. */
  fill(n: number): number;
  /** Submits n jobs to the drained scheduler; returns n. */
  submitOnly(n: number): number;
  /** Submits n jobs to start the hold model (not timed). */
  prefill(n: number): void;
  /** `steps` rounds of submit one, take one, ack it, at a constant n queued; returns a checksum. */
  hold(n: number, steps: number): number;
  /** Runs n jobs through a trivial async handler, `concurrency` at once, from a fresh queue. */
  pool(n: number, concurrency: number): Promise<number>;
  /** Gives back what a drained scheduler holds (as the suite's rounds do between rounds), where it can. */
  shrink(): void;
  dispose(): void;
}

/** The API both schedulers share in these workloads. */
interface SchedulerLike {
  submit(payload: Payload, options?: { priority?: number }): unknown;
  take(): { readonly id: unknown; readonly payload: Payload } | undefined;
  ack(id: unknown): void;
  shrink?(): void;
}

let priorities: Float64Array = new Float64Array(0);
let payloads: Payload[] = [];
/** Submit options per input: `{ priority }`, with a tenant when the run spreads jobs over tenants. */
let options: { priority: number; tenant?: string }[] = [];

/** Shared inputs: the same priorities and payload objects for every contender; `tenants` > 1 spreads jobs round robin. */
export function setInputs(p: Float64Array, objects: Payload[], tenants = 1): void {
  priorities = p;
  payloads = objects;
  options = Array.from(p, (priority, i) => (tenants > 1 ? { priority, tenant: `t${i % tenants}` } : { priority }));
}

const mask = () => priorities.length - 1;

function mix(checksum: number, value: number): number {
  return (Math.imul(checksum, 31) + value) | 0;
}

function schedulerWorkloads(name: string, make: () => SchedulerLike & { dispose?(): void }): Omit<Contender, 'pool'> {
  const scheduler = make();
  let submitted = 0;
  return {
    name,
    fill(n) {
      const m = mask();
      for (let i = 0; i < n; i++) scheduler.submit(payloads[i & m]!, options[i & m]);
      let check = 0;
      for (let i = 0; i < n; i++) {
        const taken = scheduler.take()!;
        check = mix(check, taken.payload.id);
        scheduler.ack(taken.id);
      }
      return check;
    },
    submitOnly(n) {
      const m = mask();
      for (let i = 0; i < n; i++) scheduler.submit(payloads[i & m]!, options[i & m]);
      return n;
    },
    prefill(n) {
      // Drained rather than replaced, as the suite keeps its schedulers: a fresh one per sample adds
      // its set-up (~8 µs to build, ~20 µs for its first job) to what a small sample times.
      for (let taken = scheduler.take(); taken !== undefined; taken = scheduler.take()) scheduler.ack(taken.id);
      const m = mask();
      for (submitted = 0; submitted < n; submitted++) scheduler.submit(payloads[submitted & m]!, options[submitted & m]);
    },
    hold(_n, steps) {
      const m = mask();
      let check = 0;
      for (let s = 0; s < steps; s++) {
        const k = submitted++ & m;
        scheduler.submit(payloads[k]!, options[k]);
        const taken = scheduler.take()!;
        check = mix(check, taken.payload.id);
        scheduler.ack(taken.id);
      }
      return check;
    },
    shrink() {
      scheduler.shrink?.();
    },
    dispose() {
      scheduler.dispose?.();
    },
  };
}

function flatsched(): Contender {
  return {
    ...schedulerWorkloads('Scheduler', () => new Scheduler<Payload>()),
    async pool(n, concurrency) {
      let ran = 0;
      const handler = async (job: Payload) => {
        ran++;
        return job.id;
      };
      const scheduler = new Scheduler<Payload>();
      const m = mask();
      for (let i = 0; i < n; i++) scheduler.submit(payloads[i & m]!);
      const controller = new AbortController();
      const running = scheduler.run(handler, { concurrency, signal: controller.signal });
      await scheduler.onIdle();
      controller.abort();
      await running;
      scheduler.dispose();
      return ran;
    },
  };
}

function heapJs(): Contender {
  return {
    ...schedulerWorkloads('heap-js scheduler', () => new HeapScheduler<Payload>()),
    async pool() {
      return NaN;
    },
  };
}

function pQueue(): Contender {
  return {
    name: 'p-queue',
    fill: () => NaN,
    submitOnly: () => NaN,
    prefill() {},
    hold: () => NaN,
    async pool(n, concurrency) {
      let ran = 0;
      const handler = async (job: Payload) => {
        ran++;
        return job.id;
      };
      const queue = new PQueue({ concurrency });
      const m = mask();
      for (let i = 0; i < n; i++) {
        const job = payloads[i & m]!;
        void queue.add(() => handler(job));
      }
      await queue.onIdle();
      return ran;
    },
    shrink() {},
    dispose() {},
  };
}

function fastQueue(): Contender {
  return {
    name: 'fastq',
    fill: () => NaN,
    submitOnly: () => NaN,
    prefill() {},
    hold: () => NaN,
    async pool(n, concurrency) {
      let ran = 0;
      const handler = async (job: Payload) => {
        ran++;
        return job.id;
      };
      const queue = fastq.promise(handler, concurrency);
      const m = mask();
      for (let i = 0; i < n; i++) void queue.push(payloads[i & m]!);
      await queue.drained();
      return ran;
    },
    shrink() {},
    dispose() {},
  };
}

export function make(kind: string): Contender {
  switch (kind) {
    case 'Scheduler':
      return flatsched();
    case 'heap-js':
      return heapJs();
    case 'p-queue':
      return pQueue();
    case 'fastq':
      return fastQueue();
    default:
      throw new Error(`unknown contender ${kind}`);
  }
}
