// `npm run soak [-- --ops 1e8]`: a long mixed workload that checks nothing is lost or duplicated
// and that memory stays flat. Not part of CI (it takes minutes); its result goes in the notes.
import { parseArgs } from 'node:util';
import { Arena, NumericQueue, PriorityQueue, Queue, type Handle } from '../src/index.js';

const { values } = parseArgs({ options: { ops: { type: 'string', default: '1e8' }, size: { type: 'string', default: '10000' } } });
const totalOps = Number(values.ops);
const holdSize = Number(values.size);

// xorshift32: the same run every time
let seed = 0x9e3779b9;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};

const arena = new Arena({ maxMemory: 512 << 20 });
const pq = new PriorityQueue<number>({ arena });
const fifo = new Queue<number>();
const ids = new NumericQueue({ arena });
const handles = new Map<number, Handle>();
const seen = new Uint8Array(Math.ceil(totalOps / 8) + 1); // one bit per id: taken out once
let nextId = 0;
let taken = 0;
let duplicated = 0;

const takeOut = (id: number) => {
  const mask = 1 << (id & 7);
  if (seen[id >> 3]! & mask) duplicated++;
  seen[id >> 3]! |= mask;
  taken++;
};

const samples: { ops: number; core: number; heap: number }[] = [];
const started = performance.now();
for (let op = 0; op < totalOps; op++) {
  const r = random();
  if (pq.size < holdSize || r < 0.3) {
    const id = nextId++;
    handles.set(id, pq.push(id, Math.floor(random() * 1000)));
  } else if (r < 0.6) {
    const id = pq.pop()!;
    handles.delete(id);
    takeOut(id);
  } else if (r < 0.7) {
    const id = nextId - 1 - Math.floor(random() * Math.min(nextId, 5 * holdSize));
    const handle = handles.get(id);
    if (handle !== undefined) pq.update(handle, Math.floor(random() * 1000));
  } else if (r < 0.75) {
    const id = nextId - 1 - Math.floor(random() * Math.min(nextId, 5 * holdSize));
    const handle = handles.get(id);
    if (handle !== undefined && pq.remove(handle)) {
      handles.delete(id);
      takeOut(id);
    }
  } else if (r < 0.9) {
    fifo.push(op);
    if (fifo.size > holdSize) fifo.shift();
  } else {
    ids.push(op >>> 0);
    if (ids.size > holdSize) ids.shift();
  }
  if (op % 1_000_000 === 0) samples.push({ ops: op, core: arena.bytesInUse, heap: process.memoryUsage().heapUsed });
}
for (const id of pq.drain()) takeOut(id);

const slope = (key: 'core' | 'heap') => {
  const half = samples.slice(Math.floor(samples.length / 2));
  const n = half.length;
  if (n < 2) return 0;
  const mx = half.reduce((s, p) => s + p.ops, 0) / n;
  const my = half.reduce((s, p) => s + p[key], 0) / n;
  const num = half.reduce((s, p) => s + (p.ops - mx) * (p[key] - my), 0);
  const den = half.reduce((s, p) => s + (p.ops - mx) ** 2, 0);
  return (num / den) * 1e6; // bytes per million ops
};

const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify(
    {
      ops: totalOps,
      seconds: Number(seconds.toFixed(1)),
      pushed: nextId,
      takenOut: taken,
      lost: nextId - taken,
      duplicated,
      coreBytesFirst: samples[0]?.core,
      coreBytesLast: samples.at(-1)?.core,
      coreSlopeBytesPerMillionOps: Number(slope('core').toFixed(1)),
      jsHeapSlopeBytesPerMillionOps: Number(slope('heap').toFixed(1)),
    },
    null,
    2,
  ),
);
if (nextId !== taken || duplicated !== 0) process.exit(1);
