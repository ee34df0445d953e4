// `npm run soak [-- --ops 1e8 --jobs 1e7 --part all|structures|scheduler]`: long mixed workloads
// that check nothing is lost or duplicated and that memory stays flat. Not part of CI (it takes
// minutes); its result goes in the notes.
//
// - structures: pushes, pops (single and batches), updates and removes on a PriorityQueue, a Queue
//   and a NumericQueue (`--size 500000` holds the PriorityQueue where batches pop its large way);
//   pushes, pops, popPush and batches on a NumericPriorityQueue held at the same size (past 2^18
//   entries it keeps them in runs), every pop checked against the priority `peekPriority` showed,
//   and the same on a second PriorityQueue that is never looked up by handle until the end (past
//   2^20 entries it keeps them in runs; the first lookup puts them back into one array);
// - scheduler: jobs through submit / take / ack / fail with priorities, tenants, delays, retries
//   with jittered backoff, dead letters (evicted past maxDeadLetters, requeued, purged), cancels,
//   pause/resume and snapshot/restore with jobs in flight, on a fake clock.
//
// Memory is sampled after a garbage collection when one can be asked for (`npm run soak` passes
// --expose-gc); the slope is fitted over the second half of the run, after the warm-up growth.
import { parseArgs } from 'node:util';
import { Arena, NumericPriorityQueue, NumericQueue, PriorityQueue, Queue, Scheduler, type Handle, type JobId } from '../src/index.js';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '1e8' },
    size: { type: 'string', default: '10000' },
    jobs: { type: 'string', default: '1e7' },
    part: { type: 'string', default: 'all' },
  },
});
const totalOps = Number(values.ops);
const holdSize = Number(values.size);
const totalJobs = Number(values.jobs);

// xorshift32: the same run every time
let seed = 0x9e3779b9;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};

const collect = (globalThis as { gc?: () => void }).gc;

interface Sample {
  at: number;
  core: number;
  heap: number;
}

function sample(at: number, arena: Arena): Sample {
  collect?.();
  return { at, core: arena.bytesInUse, heap: process.memoryUsage().heapUsed };
}

/** Least-squares slope of memory over the second half of the samples, in bytes per million `at`. */
function slope(samples: Sample[], key: 'core' | 'heap'): number {
  const half = samples.slice(Math.floor(samples.length / 2));
  const n = half.length;
  if (n < 2) return 0;
  const mx = half.reduce((s, p) => s + p.at, 0) / n;
  const my = half.reduce((s, p) => s + p[key], 0) / n;
  const num = half.reduce((s, p) => s + (p.at - mx) * (p[key] - my), 0);
  const den = half.reduce((s, p) => s + (p.at - mx) ** 2, 0);
  return Number(((num / den) * 1e6).toFixed(1));
}

/** One bit per id: an id that leaves twice is a duplicate, one that never leaves is lost. */
class Ledger {
  readonly #bits: Uint8Array;
  left = 0;
  duplicated = 0;
  constructor(size: number) {
    this.#bits = new Uint8Array(Math.ceil(size / 8) + 1);
  }
  leave(id: number): void {
    const mask = 1 << (id & 7);
    if (this.#bits[id >> 3]! & mask) this.duplicated++;
    else this.left++;
    this.#bits[id >> 3]! |= mask;
  }
}

function soakStructures() {
  const arena = new Arena({ maxMemory: 512 << 20 });
  const pq = new PriorityQueue<number>({ arena });
  const fifo = new Queue<number>();
  const ids = new NumericQueue({ arena });
  const handles = new Map<number, Handle>();
  const ledger = new Ledger(totalOps);
  let nextId = 0;
  const numeric = new NumericPriorityQueue({ arena });
  const numericLedger = new Ledger(totalOps + 1);
  /** Each numeric id's priority, to check what a pop returns against what `peekPriority` showed. */
  const priorities = new Float64Array(totalOps + 1);
  let numericNext = 0;
  let misordered = 0;
  const numericLeave = (id: number, shown: number | undefined) => {
    if (priorities[id] !== shown) misordered++;
    numericLedger.leave(id);
  };
  // The queue without lookups: ids are items, and each id's priority a function of it.
  const quiet = new PriorityQueue<number>({ arena });
  const quietLedger = new Ledger(totalOps + 1);
  const quietPriority = (id: number) => ((Math.imul(id, 0x9e3779b1) >>> 0) % 1_000_000) / 8;
  let quietNext = 0;
  let quietMisordered = 0;
  const quietLeave = (id: number, shown: number | undefined) => {
    if (quietPriority(id) !== shown) quietMisordered++;
    quietLedger.leave(id);
  };
  /** The last pushes' handles, looked up at the end. */
  const recent: { id: number; handle: Handle }[] = [];
  const samples: Sample[] = [];
  const started = performance.now();
  for (let op = 0; op < totalOps; op++) {
    const r = random();
    if (pq.size < holdSize || r < 0.3) {
      const id = nextId++;
      handles.set(id, pq.push(id, Math.floor(random() * 1000)));
    } else if (r < 0.301) {
      // Batches too (from a queue of 393,216 or more, they take their entries before refilling).
      for (const id of pq.popMany(1 + Math.floor(random() * 500))) {
        handles.delete(id);
        ledger.leave(id);
      }
    } else if (r < 0.6) {
      const id = pq.pop()!;
      handles.delete(id);
      ledger.leave(id);
    } else if (r < 0.7) {
      const id = nextId - 1 - Math.floor(random() * Math.min(nextId, 5 * holdSize));
      const handle = handles.get(id);
      if (handle !== undefined) pq.update(handle, Math.floor(random() * 1000));
    } else if (r < 0.75) {
      const id = nextId - 1 - Math.floor(random() * Math.min(nextId, 5 * holdSize));
      const handle = handles.get(id);
      if (handle !== undefined && pq.remove(handle)) {
        handles.delete(id);
        ledger.leave(id);
      }
    } else if (r < 0.9) {
      fifo.push(op);
      if (fifo.size > holdSize) fifo.shift();
    } else {
      ids.push(op >>> 0);
      if (ids.size > holdSize) ids.shift();
    }
    const n = random();
    if (numeric.size < holdSize || n < 0.2) {
      priorities[numericNext] = Math.floor(random() * 1e6) / 8;
      numeric.push(numericNext, priorities[numericNext]!);
      numericNext++;
    } else if (n < 0.45) {
      const shown = numeric.peekPriority();
      numericLeave(numeric.pop()!, shown);
    } else if (n < 0.7) {
      const shown = numeric.peekPriority();
      priorities[numericNext] = Math.floor(random() * 1e6) / 8;
      numericLeave(numeric.popPush(numericNext, priorities[numericNext]!)!, shown);
      numericNext++;
    } else if (n < 0.7005) {
      const count = 1 + Math.floor(random() * 300);
      const batch = new Uint32Array(count);
      const batchPriorities = new Float64Array(count);
      for (let k = 0; k < count; k++) {
        batch[k] = numericNext;
        batchPriorities[k] = priorities[numericNext] = Math.floor(random() * 1e6) / 8;
        numericNext++;
      }
      numeric.pushMany(batch, batchPriorities);
    } else if (n < 0.701) {
      const out = new Uint32Array(1 + Math.floor(random() * 300));
      const outPriorities = new Float64Array(out.length);
      const count = numeric.popMany(out, outPriorities);
      for (let k = 0; k < count; k++) {
        if (k > 0 && outPriorities[k]! < outPriorities[k - 1]!) misordered++;
        numericLeave(out[k]!, outPriorities[k]);
      }
    }
    const q = random();
    if (quiet.size < holdSize || q < 0.2) {
      const handle = quiet.push(quietNext, quietPriority(quietNext));
      if (op >= totalOps - 1000) recent.push({ id: quietNext, handle });
      quietNext++;
    } else if (q < 0.45) {
      const shown = quiet.peekPriority();
      quietLeave(quiet.pop()!, shown);
    } else if (q < 0.7) {
      const shown = quiet.peekPriority();
      quietLeave(quiet.popPush(quietNext, quietPriority(quietNext))!, shown);
      quietNext++;
    } else if (q < 0.7005) {
      const batch = Array.from({ length: 1 + Math.floor(random() * 300) }, () => quietNext++);
      quiet.pushMany(batch, batch.map(quietPriority));
    } else if (q < 0.701) {
      let last = -Infinity;
      for (const id of quiet.popMany(1 + Math.floor(random() * 300))) {
        if (quietPriority(id) < last) quietMisordered++;
        last = quietPriority(id);
        quietLeave(id, last);
      }
    }
    if (op % 1_000_000 === 0) samples.push(sample(op, arena));
  }
  // The first lookups by handle: every recent handle still queued is found, with its priority.
  let quietFound = 0;
  for (const { id, handle } of recent) {
    if (!quiet.has(handle)) continue;
    quietFound++;
    if (quiet.priorityOf(handle) !== quietPriority(id)) quietMisordered++;
  }
  let quietLast = -Infinity;
  while (quiet.size > 0) {
    const shown = quiet.peekPriority()!;
    if (shown < quietLast) quietMisordered++;
    quietLast = shown;
    quietLeave(quiet.pop()!, shown);
  }
  for (const id of pq.drain()) ledger.leave(id);
  let lastPriority = -Infinity;
  while (numeric.size > 0) {
    const shown = numeric.peekPriority()!;
    if (shown < lastPriority) misordered++;
    lastPriority = shown;
    numericLeave(numeric.pop()!, shown);
  }
  return {
    ops: totalOps,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    pushed: nextId,
    numericPushed: numericNext,
    numericLost: numericNext - numericLedger.left,
    numericDuplicated: numericLedger.duplicated,
    numericMisordered: misordered,
    quietPushed: quietNext,
    quietLost: quietNext - quietLedger.left,
    quietDuplicated: quietLedger.duplicated,
    quietMisordered,
    quietFoundByRecentHandles: quietFound,
    takenOut: ledger.left,
    lost: nextId - ledger.left,
    duplicated: ledger.duplicated,
    coreBytesFirst: samples[0]?.core,
    coreBytesLast: samples.at(-1)?.core,
    coreSlopeBytesPerMillionOps: slope(samples, 'core'),
    jsHeapSlopeBytesPerMillionOps: slope(samples, 'heap'),
  };
}

const TENANTS = Array.from({ length: 16 }, (_, i) => `tenant-${i}`);

function soakScheduler() {
  const arena = new Arena({ maxMemory: 256 << 20 });
  const clock = { now: 0 };
  const options = { arena, clock: () => clock.now, random };
  let s = new Scheduler<number>({
    ...options,
    capacity: 2 * holdSize,
    maxDelayed: holdSize,
    tenantCapacity: holdSize,
    defaultAttempts: 3,
    backoff: { type: 'exponential', base: 2, max: 50, jitter: true },
    maxDeadLetters: 1000,
  });
  // Ids are the numbers the scheduler issues (1, 2, 3, …); a job's payload is its id.
  const ledger = new Ledger(totalJobs + 2);
  const listen = (x: Scheduler<number>) => x.on('evicted', ({ job }) => ledger.leave(job.id as number));
  listen(s);
  TENANTS.forEach((t, i) => s.setTenantWeight(t, 1 + (i % 4)));
  let inFlight: JobId[] = [];
  let submitted = 0;
  let refused = 0;
  let failures = 0;
  let requeued = 0;
  let restores = 0;
  let calls = 0;
  const samples: Sample[] = [];
  const sampleEvery = Math.max(1, Math.floor(totalJobs / 100));
  const restoreEvery = Math.max(1, Math.floor(totalJobs / 5));
  const started = performance.now();

  while (submitted < totalJobs) {
    const r = random();
    if (s.size < holdSize || r < 0.33) {
      const delay = random() < 0.3 ? Math.floor(random() * 50) : 0;
      const tenant = TENANTS[Math.floor(random() * TENANTS.length)]!;
      // Ask first, as a gateway shedding load would: a refusal costs no exception.
      const id = s.canAccept(1, { tenant, delay }) ? s.submit(submitted + 1, { priority: Math.floor(random() * 10), tenant, delay }) : false;
      calls += 2;
      if (id === false) refused++;
      else {
        if (id !== submitted + 1) throw new Error(`soak: expected id ${submitted + 1}, got ${String(id)}`);
        submitted++;
        if (submitted % sampleEvery === 0) samples.push(sample(submitted, arena));
        if (submitted % restoreEvery === 0) {
          // Snapshot with jobs in flight, restore, carry on with the restored scheduler: the
          // in-flight jobs are waiting again (or dead, if that was their last attempt).
          const bytes = s.snapshot();
          s.dispose();
          s = Scheduler.restore<number>(bytes, options);
          listen(s);
          inFlight = [];
          restores++;
        }
      }
    } else if (r < 0.63) {
      const job = s.take();
      calls++;
      if (job) {
        if (job.payload !== job.id) throw new Error(`soak: job ${String(job.id)} carries payload ${job.payload}`);
        inFlight.push(job.id);
      }
    } else if (r < 0.97) {
      if (inFlight.length === 0) continue;
      // Mostly the oldest, sometimes a random one: completions come back out of order.
      const index = random() < 0.8 ? 0 : Math.floor(random() * inFlight.length);
      const id = inFlight[index]!;
      inFlight[index] = inFlight[inFlight.length - 1]!;
      inFlight.pop();
      calls++;
      if (random() < 0.85) {
        s.ack(id);
        ledger.leave(id as number);
      } else {
        s.fail(id, 'soak failure');
        failures++;
      }
    } else if (r < 0.975) {
      const id = Math.max(1, submitted - Math.floor(random() * 5 * holdSize));
      calls++;
      if (s.cancel(id)) {
        ledger.leave(id);
        const at = inFlight.indexOf(id);
        if (at >= 0) inFlight.splice(at, 1);
      }
    } else if (r < 0.9772) {
      // deadLetters() copies every letter: asked for now and then, not per job.
      const letter = s.deadLetters()[0];
      calls++;
      if (letter && s.canAccept(1, { tenant: letter.tenant })) {
        s.requeue(letter.id);
        requeued++;
      }
    } else if (r < 0.97721) {
      for (const letter of s.deadLetters()) ledger.leave(letter.id as number);
      s.purge();
      calls++;
    } else if (r < 0.97731) {
      s.pause();
      s.resume();
      calls += 2;
    } else {
      clock.now += 1;
    }
  }

  // Run out everything that is left: each job issued leaves exactly once.
  for (const id of inFlight) {
    s.ack(id);
    ledger.leave(id as number);
  }
  for (let round = 0; s.size > 0 && round < 1000; round++) {
    clock.now += 100;
    for (let job = s.take(); job; job = s.take()) {
      s.ack(job.id);
      ledger.leave(job.id as number);
    }
  }
  for (const letter of s.deadLetters()) ledger.leave(letter.id as number);
  s.purge();
  const seconds = (performance.now() - started) / 1000;
  const result = {
    jobs: submitted,
    calls,
    seconds: Number(seconds.toFixed(1)),
    jobsPerSecond: Math.round(submitted / seconds),
    refusedAtLimits: refused,
    failedAttempts: failures,
    requeued,
    restores,
    left: ledger.left,
    lost: submitted - ledger.left,
    duplicated: ledger.duplicated,
    coreBytesFirst: samples[0]?.core,
    coreBytesLast: samples.at(-1)?.core,
    coreSlopeBytesPerMillionJobs: slope(samples, 'core'),
    jsHeapFirst: samples[0]?.heap,
    jsHeapLast: samples.at(-1)?.heap,
    jsHeapSlopeBytesPerMillionJobs: slope(samples, 'heap'),
    gcBeforeSamples: collect !== undefined,
  };
  s.dispose();
  return result;
}

const report: Record<string, unknown> = {};
let failed = false;
if (values.part === 'all' || values.part === 'structures') {
  const structures = soakStructures();
  report.structures = structures;
  failed ||= structures.lost !== 0 || structures.duplicated !== 0;
  failed ||= structures.numericLost !== 0 || structures.numericDuplicated !== 0 || structures.numericMisordered !== 0;
  failed ||= structures.quietLost !== 0 || structures.quietDuplicated !== 0 || structures.quietMisordered !== 0;
}
if (values.part === 'all' || values.part === 'scheduler') {
  const scheduler = soakScheduler();
  report.scheduler = scheduler;
  failed ||= scheduler.lost !== 0 || scheduler.duplicated !== 0;
}
console.log(JSON.stringify(report, null, 2));
if (failed) process.exit(1);
