// Single push + pop latency of the run-heap experiment in the hold model (pop, then push a key in
// the live window), to see the lumps its chunks of work and refills make, with its memory:
//
//   npx tsx bench/micro/run-heap/latency.ts [--n 1e6] [constants as build.ts takes them]
import { readFileSync } from 'node:fs';
import { buildRunHeap, runHeapOptions } from './build.js';

const { rest, ...constants } = runHeapOptions();
const n = Number(rest.n ?? 1e6);
const wasm = await buildRunHeap(constants);
const heap = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), { env: { abort() {} } }).exports as {
  push(key: number, item: number): void; pop(): number; peakPagesUsed(): number; pageEntries(): number; forced(): number;
};
const { push, pop } = heap;

const keys = new Float64Array(1 << 22);
let seed = 12345;
for (let i = 0; i < keys.length; i++) keys[i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const mask = keys.length - 1;
for (let i = 0; i < n; i++) push(keys[i & mask]!, i);

const steps = 2e6;
const times = new Float64Array(steps);
for (let s = 0, t = n; s < steps; s++, t++) {
  const start = process.hrtime.bigint();
  push(t / n + keys[t & mask]!, pop());
  times[s] = Number(process.hrtime.bigint() - start);
}
times.sort();
const at = (p: number) => times[Math.floor(p * (steps - 1))];
const over = (ns: number) => times.filter((x) => x > ns).length;
const bytesPerEntry = (heap.peakPagesUsed() * heap.pageEntries() * 16) / n;
console.log(`${wasm.replace(/.*\//, '')} n=${n}, ns per pop + push (timer included): p50 ${at(0.5)}, p99 ${at(0.99)}, p99.9 ${at(0.999)}, p99.99 ${at(0.9999)}, max ${times[steps - 1]}; over 10 µs: ${over(1e4)}, over 100 µs: ${over(1e5)}; tasks finished at once: ${heap.forced()}; run pages at most ${bytesPerEntry.toFixed(1)} B an entry`);
