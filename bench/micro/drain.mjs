// Sorted drain micro-benchmark: the core's value heap filled with N random keys, then drained
// either by popMany through the staging area (a sift-down a pop) or by one drainSorted (radix sort
// of the whole heap), first checked to give the same order, then timed in alternation, 7 rounds,
// median ns per entry (fill included in both; `fill` alone is shown for reference).
//
//   node bench/micro/drain.mjs [path.wasm] [--ints]     N from NS=1e3,1e4,1e5,1e6
//   TIES=k: keys from k distinct values that do not pack (long runs of equal keys)
import { readFileSync } from 'node:fs';
const mod = new WebAssembly.Module(readFileSync(process.argv[2] ?? 'build/release.wasm'));
const memory = new WebAssembly.Memory({ initial: 4, maximum: 16384 });
const x = new WebAssembly.Instance(mod, { env: { memory, abort() { throw new Error('abort'); } } }).exports;
x.arena_init(16384, 1);
const S = x.STAGING_ITEMS.value;
const ints = process.argv.includes('--ints');
function fill(h, keys) {
  // Room for the whole batch first, as the queues' pushMany reserves it: a heap growing chunk by
  // chunk past the runs threshold would enter runs mode halfway and take the rest one at a time.
  if (!x.heap_reserve(h, keys.length)) throw new Error('reserve refused');
  for (let s = 0; s < keys.length; s += S) {
    const c = Math.min(S, keys.length - s);
    new Float64Array(memory.buffer, x.staging_numbers(), S).set(keys.subarray(s, s + c));
    const w = new Uint32Array(memory.buffer, x.staging_words(), S);
    for (let k = 0; k < c; k++) w[k] = s + k;
    x.heap_append(h, c);
  }
  x.heap_restore(h, 0);
}
const outIds = new Uint32Array(1 << 24), outKeys = new Float64Array(1 << 24);
function drainPop(h, n) {
  let t = 0;
  while (t < n) { const c = x.heap_popMany(h, Math.min(S, n - t)); if (!c) break;
    outIds.set(new Uint32Array(memory.buffer, x.staging_words(), c), t);
    outKeys.set(new Float64Array(memory.buffer, x.staging_numbers(), c), t); t += c; }
  return t;
}
function drainSort(h, n) {
  const size = x.heap_size(h);
  const p = x.heap_drainSorted(h, n);
  if (!p) return -1;
  const c = Math.min(n, size);
  outKeys.set(new Float64Array(memory.buffer, p, c));
  outIds.set(new Uint32Array(memory.buffer, p + 8 * c, c));
  x.heap_releaseDrained(p, size);
  return c;
}
for (const n of (process.env.NS ?? "1e3,1e4,1e5,1e6").split(",").map(Number)) {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = process.env.TIES ? Math.floor(Math.random() * Number(process.env.TIES)) / 10 + 0.01 : ints ? Math.floor(Math.random() * 10) + 0.5 : Math.random() * 1e6;
  const h = x.heap_create(false);
  // correctness
  fill(h, keys); drainPop(h, n); const a = outIds.slice(0, n), ak = outKeys.slice(0, n);
  fill(h, keys); if (drainSort(h, n) !== n) throw new Error('no sort');
  for (let i = 0; i < n; i++) if (outIds[i] !== a[i] || outKeys[i] !== ak[i]) throw new Error(`mismatch at ${i} n=${n}`);
  const reps = Math.max(3, Math.round(3e6 / n));
  const res = { pop: [], sort: [], fill: [] };
  for (let r = 0; r < 7; r++) {
    for (const kind of ['pop', 'sort', 'fill']) {
      let t0 = performance.now();
      for (let i = 0; i < reps; i++) { fill(h, keys); if (kind === 'pop') drainPop(h, n); else if (kind === 'sort') drainSort(h, n); else x.heap_clear(h); }
      res[kind].push((performance.now() - t0) * 1e6 / reps / n);
    }
  }
  const med = (v) => v.sort((p, q) => p - q)[3].toFixed(1);
  console.log(`n=${n}: fill ${med(res.fill)} ns/item; fill+pops ${med(res.pop)}; fill+sorted drain ${med(res.sort)}`);
}
