// The Scheduler suite's round pattern on its own: each round collects garbage, builds a fresh
// scheduler, disposes the last one (after the new one is built, as the harness hands state over),
// runs the workload for 60 ms, then calls `shrink()`. Prints each round's median, so that code V8
// discards between rounds shows as slow rounds.
//
//   node --expose-gc --import tsx bench/micro-scheduler/rounds.ts [fill|hold] [rounds]
//   node --expose-gc --trace-deopt-verbose --import tsx bench/micro-scheduler/rounds.ts \
//     | grep -cE 'reason: weak objects'     (code V8 dropped because objects it used died)
//
// fill: submit 1,000 jobs with priorities 0-9, then take and ack them all; hold: 1,000 jobs
// waiting, each step submits one, takes one and acks it (1,000 steps a sample).
import { Scheduler } from '../../src/index.js';
import { mix } from '../harness.js';
import { seededRandom } from '../random.js';

const [work = 'fill', roundsArg = '10'] = process.argv.slice(2);
if (work !== 'fill' && work !== 'hold') throw new Error(`rounds.ts: expected fill or hold, got ${work}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('rounds.ts: run with node --expose-gc');

const count = 1000;
const jobs = Array.from({ length: count }, (_, id) => ({ id }));
const random = seededRandom(3);
const priorities = Float64Array.from({ length: count }, () => Math.floor(random() * 10));

let last: Scheduler<{ id: number }> | undefined;
for (let round = 0; round < Number(roundsArg); round++) {
  gc();
  const scheduler = new Scheduler<{ id: number }>();
  last?.dispose();
  if (work === 'hold') for (let i = 0; i < count; i++) scheduler.submit(jobs[i]!, { priority: priorities[i]! });
  const iteration =
    work === 'hold'
      ? () => {
          let check = 0;
          for (let s = 0; s < count; s++) {
            scheduler.submit(jobs[s]!, { priority: priorities[s]! });
            const taken = scheduler.take()!;
            check = mix(check, taken.payload.id);
            scheduler.ack(taken.id);
          }
          return check;
        }
      : () => {
          for (let i = 0; i < count; i++) scheduler.submit(jobs[i]!, { priority: priorities[i]! });
          let check = 0;
          for (let i = 0; i < count; i++) {
            const taken = scheduler.take()!;
            check = mix(check, taken.payload.id);
            scheduler.ack(taken.id);
          }
          return check;
        };
  const samples: number[] = [];
  const end = performance.now() + 60;
  while (performance.now() < end) {
    const start = performance.now();
    iteration();
    samples.push(((performance.now() - start) * 1e6) / count);
  }
  samples.sort((a, b) => a - b);
  console.log(`round ${round}: median ${samples[samples.length >> 1]!.toFixed(0)} ns a job (fastest ${samples[0]!.toFixed(0)}, ${samples.length} samples)`);
  if (work === 'hold') while (scheduler.size > 0) scheduler.ack(scheduler.take()!.id);
  scheduler.shrink();
  last = scheduler;
}
