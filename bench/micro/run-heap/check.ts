// Checks the run-heap experiment's pop order against NumericPriorityQueue (the same FIFO among
// equal keys) before it is timed, with small constants so that sorts, merges of every level (and
// those finished at once when the next sort or pair comes early), page changes and refills all
// happen: keys with many ties and random ones, pushes and pops interleaved, then a drain. Also
// checks that every run page is given back once the queue is empty.
//
//   npx tsx bench/micro/run-heap/check.ts
import { readFileSync } from 'node:fs';
import { NumericPriorityQueue } from '../../../src/index.js';
import { buildRunHeap, type RunHeapConstants } from './build.js';

interface RunHeap { push(key: number, item: number): void; pop(): number; pages(): number; forced(): number }

const variants: RunHeapConstants[] = [
  { insertion: 16, buffer: 8, page: 4, sortChunk: 1, mergeChunk: 1 },
  { insertion: 16, buffer: 8, page: 8, sortChunk: 4, mergeChunk: 16, rate: 1 },
  { insertion: 8, buffer: 4, page: 2, sortChunk: 2, mergeChunk: 3 },
  { insertion: 8, buffer: 64, page: 16, sortChunk: 8, mergeChunk: 64 },
  { insertion: 64, buffer: 16, page: 32, sortChunk: 64, mergeChunk: 256, rate: 1 },
  { insertion: 4096, buffer: 64, page: 256 },
  {},
  { insertion: 4096, buffer: 512, page: 4096, sortChunk: 4096, mergeChunk: 8192 },
];
for (const variant of variants) {
  const module = new WebAssembly.Module(readFileSync(await buildRunHeap(variant)));
  let forced = 0;
  for (let trial = 0; trial < 20; trial++) {
    const runHeap = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('abort'); } } }).exports as unknown as RunHeap;
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
    if (runHeap.pages() !== 0) throw new Error(`${JSON.stringify(variant)} trial ${trial}: ${runHeap.pages()} run pages kept after the drain`);
    forced += runHeap.forced();
  }
  console.log(`${JSON.stringify(variant)}: 20 trials, pop order as NumericPriorityQueue's, pages all given back; ${forced} tasks finished at once`);
}
