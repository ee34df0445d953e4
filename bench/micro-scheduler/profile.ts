// One Scheduler workload in a loop, to profile on its own:
//
//   node --cpu-prof --cpu-prof-dir=build/profiles --import tsx bench/micro-scheduler/profile.ts [fill|hold|pool|submit|refuse] [n] [repeats]
//   node bench/micro-scheduler/top.mjs build/profiles/<file>.cpuprofile
//
// fill: submit n (priorities 0-9) then take + ack n; hold: n queued, submit/take/ack 1e6 times;
// pool: run() n jobs through a trivial async handler at concurrency 8; submit: only submit n;
// refuse: 1e6 trySubmit calls refused by a scheduler full at capacity n.
import { Scheduler } from '../../src/index.js';

const [work = 'fill', size = '1e6', times = '5'] = process.argv.slice(2);
const n = Number(size);
const repeats = Number(times);
const priorities = Float64Array.from({ length: Math.max(n, 1 << 16) }, (_, i) => (i * 7919) % 10);
const payloads = Array.from({ length: priorities.length }, (_, id) => ({ id }));

let check = 0;
const start = performance.now();
for (let r = 0; r < repeats; r++) {
  const scheduler = new Scheduler<{ id: number }>(work === 'refuse' ? { capacity: n } : undefined);
  if (work === 'refuse') {
    for (let i = 0; i < n; i++) scheduler.submit(payloads[i]!);
    for (let s = 0; s < 1e6; s++) if (scheduler.trySubmit(payloads[s % n]!, { priority: 1 }) === false) check++;
  } else if (work === 'pool') {
    for (let i = 0; i < n; i++) scheduler.submit(payloads[i]!);
    const controller = new AbortController();
    const running = scheduler.run(async (job) => job.id, { concurrency: 8, signal: controller.signal });
    await scheduler.onIdle();
    controller.abort();
    await running;
  } else if (work === 'submit') {
    for (let i = 0; i < n; i++) scheduler.submit(payloads[i]!, { priority: priorities[i]! });
  } else if (work === 'hold') {
    for (let i = 0; i < n; i++) scheduler.submit(payloads[i]!, { priority: priorities[i]! });
    const m = priorities.length;
    for (let s = 0; s < 1e6; s++) {
      const k = (n + s) % m;
      scheduler.submit(payloads[k]!, { priority: priorities[k]! });
      const taken = scheduler.take()!;
      check = (check * 31 + taken.payload.id) | 0;
      scheduler.ack(taken.id);
    }
  } else {
    for (let i = 0; i < n; i++) scheduler.submit(payloads[i]!, { priority: priorities[i]! });
    for (let i = 0; i < n; i++) {
      const taken = scheduler.take()!;
      check = (check * 31 + taken.payload.id) | 0;
      scheduler.ack(taken.id);
    }
  }
  scheduler.dispose();
}
const jobs = work === 'hold' || work === 'refuse' ? 1e6 * repeats : n * repeats;
console.log(`${work} n=${n}: ${(((performance.now() - start) * 1e6) / jobs).toFixed(0)} ns/job wall (checksum ${check})`);
