// Single push + pop latency of the run-heap experiment in the hold model (pop, then push a key in
// the live window), to see the lumps its flushes, refills and merges make:
//
//   npx tsx bench/micro/run-heap/latency.ts [--n 1e6] [--buffer 16] [--step-every 4096]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildRunHeap } from './build.js';

const { values } = parseArgs({ options: { n: { type: 'string' }, buffer: { type: 'string' }, 'step-every': { type: 'string' } } });
const n = Number(values.n ?? 1e6);
const wasm = await buildRunHeap({ buffer: Number(values.buffer ?? 16), stepEvery: Number(values['step-every'] ?? 4096) });
const { push, pop } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), { env: { abort() {} } }).exports as { push(key: number, item: number): void; pop(): number };

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
console.log(`n=${n}, ns per pop + push (timer included): p50 ${at(0.5)}, p99 ${at(0.99)}, p99.9 ${at(0.999)}, p99.99 ${at(0.9999)}, max ${times[steps - 1]}; over 100 µs: ${times.filter((x) => x > 1e5).length}, over 1 ms: ${times.filter((x) => x > 1e6).length}`);
