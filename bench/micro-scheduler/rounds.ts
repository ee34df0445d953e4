// The Scheduler suite's round pattern on its own: each round collects garbage, builds a fresh
// scheduler, disposes the last one (after the new one is built, as the harness hands state over),
// runs the workload for 60 ms, then drains it and calls `shrink()`. Prints each round's median, so
// that code V8 discards between rounds shows as slow rounds.
//
//   node --expose-gc --import tsx bench/micro-scheduler/rounds.ts [fill|hold] [rounds]
//   node --expose-gc --trace-deopt-verbose --import tsx bench/micro-scheduler/rounds.ts \
//     | grep -cE 'reason: weak objects'     (code V8 dropped because objects it used died)
//
// fill and hold are those of run.ts (contenders.ts), at 1,000 jobs (hold: 1,000 steps a sample).
import { seededRandom } from '../random.js';
import { make, setInputs, type Contender } from './contenders.js';

const [work = 'fill', roundsArg = '10'] = process.argv.slice(2);
if (work !== 'fill' && work !== 'hold') throw new Error(`rounds.ts: expected fill or hold, got ${work}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('rounds.ts: run with node --expose-gc');

const count = 1000;
const random = seededRandom(3);
// contenders.ts indexes its inputs by a mask: a power of two.
setInputs(Float64Array.from({ length: 1024 }, () => Math.floor(random() * 10)), Array.from({ length: 1024 }, (_, id) => ({ id })));

let last: Contender | undefined;
for (let round = 0; round < Number(roundsArg); round++) {
  gc();
  const contender = make('Scheduler');
  last?.dispose();
  if (work === 'hold') contender.prefill(count);
  const samples: number[] = [];
  const end = performance.now() + 60;
  while (performance.now() < end) {
    const start = performance.now();
    if (work === 'hold') contender.hold(count, count);
    else contender.fill(count);
    samples.push(((performance.now() - start) * 1e6) / count);
  }
  samples.sort((a, b) => a - b);
  console.log(`round ${round}: median ${samples[samples.length >> 1]!.toFixed(0)} ns a job (fastest ${samples[0]!.toFixed(0)}, ${samples.length} samples)`);
  contender.prefill(0); // drains it
  contender.shrink();
  last = contender;
}
