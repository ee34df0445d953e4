// Checks the run-heap experiment's pop order against NumericPriorityQueue (the same FIFO among
// equal keys) before it is timed, with small constants so that sorts, merges of every level (and
// those finished at once when the next sort or pair comes early) and refills all happen: keys with many ties and random ones, pushes and pops interleaved, then a drain.
//
//   npx tsx bench/micro/run-heap/check.ts
import { readFileSync } from 'node:fs';
import { NumericPriorityQueue } from '../../../src/index.js';
import { buildRunHeap } from './build.js';

const variants = [
  { insertion: 16, buffer: 8, stepEvery: 1 },
  { insertion: 16, buffer: 8, stepEvery: 4 },
  { insertion: 8, buffer: 4, stepEvery: 2 },
  { insertion: 8, buffer: 64, stepEvery: 8 },
  { insertion: 64, buffer: 16, stepEvery: 64 },
  { insertion: 4096, buffer: 64, stepEvery: 64 },
  { insertion: 4096, buffer: 16, stepEvery: 4096 },
  { insertion: 4096, buffer: 512, stepEvery: 4096 },
];
for (const variant of variants) {
  const module = new WebAssembly.Module(readFileSync(await buildRunHeap(variant)));
  for (let trial = 0; trial < 20; trial++) {
    const runHeap = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('abort'); } } }).exports as { push(key: number, item: number): void; pop(): number };
    const model = new NumericPriorityQueue();
    let seed = 7 * trial + 1;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const ties = trial % 2 === 0;
    let id = 0;
    const popBoth = (where: string) => {
      const got = runHeap.pop(), expected = model.pop();
      if (got !== expected) throw new Error(`${JSON.stringify(variant)} trial ${trial} ${where}: popped ${got}, expected ${expected}`);
    };
    for (let op = 0; op < 200_000; op++) {
      if (model.size === 0 || random() < (op < 100_000 ? 0.6 : 0.4)) {
        const key = ties ? Math.floor(random() * 10) : random();
        runHeap.push(key, id);
        model.push(id++, key);
      } else popBoth(`op ${op}`);
    }
    while (model.size > 0) popBoth('drain');
    if (runHeap.pop() !== -1) throw new Error(`${JSON.stringify(variant)} trial ${trial}: not empty after the drain`);
  }
  console.log(`${JSON.stringify(variant)}: 20 trials, pop order as NumericPriorityQueue's`);
}
