// Batches in the hold model on the raw core: a heap of N random keys; each step pops B entries
// (heap_popMany, through the staging area) and pushes them back with later keys (key + a random
// increment below INC, 1e6 by default, the keys' own range), as the PriorityQueue suite's batch hold
// case does. Builds given side by side (bench/micro/build-variant.mjs makes them) are first checked
// to pop the same values, then timed in turn, 9 rounds; the median ns a pop + push, and the time
// split between the pops and the pushes.
//
//   node bench/micro/hold-batch.mjs build/release.wasm [other.wasm ...]   NS=1e4,1e5,1e6,1e7 B=100 IDX=1 (indexed heaps)
import { readFileSync } from 'node:fs';
const files = process.argv.slice(2);
const B = Number(process.env.B ?? 100);
const indexed = process.env.IDX === '1';
function load(file) {
  const mod = new WebAssembly.Module(readFileSync(file));
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 32768 });
  const x = new WebAssembly.Instance(mod, { env: { memory, abort() { throw new Error('abort'); } } }).exports;
  x.arena_init(32768, 1);
  return { x, memory, S: x.STAGING_ITEMS.value };
}
const vs = files.map(load);
vs.forEach((v, i) => (v.i = i));
let popTime = [], pushTime = [];
let seed = 7;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
for (const n of (process.env.NS ?? '1e4,1e5,1e6,1e7').split(',').map(Number)) {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = rnd() * 1e6;
  const inc = new Float64Array(4096);
  for (let i = 0; i < inc.length; i++) inc[i] = rnd() * (Number(process.env.INC ?? 1e6));
  const heaps = vs.map(({ x, memory, S }) => {
    const h = x.heap_create(indexed);
    for (let s = 0; s < n; s += S) {
      const c = Math.min(S, n - s);
      new Float64Array(memory.buffer, x.staging_numbers(), S).set(keys.subarray(s, s + c));
      const w = new Uint32Array(memory.buffer, x.staging_words(), S);
      for (let k = 0; k < c; k++) w[k] = s + k;
      x.heap_append(h, c);
    }
    x.heap_restore(h, 0);
    return h;
  });
  let step = 0;
  function run(v, h, reps, check) {
    const { x, memory } = v;
    let sum = 0;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const c = x.heap_popMany(h, B);
      popTime[v.i] += performance.now() - t0;
      const nums = new Float64Array(memory.buffer, x.staging_numbers(), c);
      const words = new Uint32Array(memory.buffer, x.staging_words(), c);
      for (let k = 0; k < c; k++) { sum = (Math.imul(sum, 31) + words[k] + (nums[k] | 0)) | 0; nums[k] += inc[(r * 7 + k) & 4095]; }
      const t1 = performance.now();
      x.heap_append(h, c);
      x.heap_restore(h, n - c);
      pushTime[v.i] += performance.now() - t1;
    }
    return sum;
  }
  // same results
  const sums = vs.map((v, i) => run(v, heaps[i], 50));
  if (!indexed && new Set(sums).size !== 1) throw new Error(`mismatch ${sums}`);
  const reps = Math.max(20, Math.round(2e6 / n) * 10);
  const res = vs.map(() => []);
  popTime = vs.map(() => 0); pushTime = vs.map(() => 0);
  for (let round = 0; round < 9; round++) {
    vs.forEach((v, i) => {
      const t0 = performance.now();
      run(v, heaps[i], reps);
      res[i].push(((performance.now() - t0) * 1e6) / (reps * B));
    });
  }
  const med = (a) => a.sort((p, q) => p - q)[4].toFixed(1);
  console.log(`n=${n} B=${B}${indexed ? ' indexed' : ''}: ` + files.map((f, i) => `${f.replace(/.*\//, '')} ${med(res[i])}`).join('  ') + '  ns per pop+push; pops ' + popTime.map((t) => (t * 1e6 / (9 * reps * B)).toFixed(1)).join('/') + ' pushes ' + pushTime.map((t) => (t * 1e6 / (9 * reps * B)).toFixed(1)).join('/'));
}
