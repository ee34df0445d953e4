// `npm start`: the seed use cases end to end through the public API.
import { Arena, NumericQueue, PriorityQueue, Queue, Stack } from 'flatsched';

const section = (title: string) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}`);

section('CI/CD jobs by priority (PriorityQueue)');
const pipeline = new PriorityQueue<string>();
for (const [job, priority] of [
  ['build web', 2],
  ['build api', 2],
  ['security patch', 0],
  ['nightly report', 9],
  ['run tests', 1],
] as const) {
  pipeline.push(job, priority);
}
let step = 1;
for (const job of pipeline.drain()) console.log(`  ${step++}. ${job}`);

section('FIFO task distribution to 3 workers (Queue)');
const tasks = Queue.from(Array.from({ length: 7 }, (_, i) => `task-${i + 1}`));
const workers = ['w1', 'w2', 'w3'];
for (let turn = 0; tasks.size > 0; turn++) console.log(`  ${workers[turn % workers.length]} ← ${tasks.shift()}`);

section('Deployment rollback (Stack)');
const deployed = new Stack<string>({ limit: 10 });
for (const version of ['v1.0.0', 'v1.1.0', 'v1.2.0']) {
  deployed.push(version);
  console.log(`  deployed ${version}`);
}
console.log(`  v1.2.0 fails its health check: rolled back from ${deployed.pop()} to ${deployed.peek()}`);

section('Ids in the core (NumericQueue, its own arena)');
const arena = new Arena({ maxMemory: 64 << 20 });
const ids = new NumericQueue({ arena });
ids.pushMany(Uint32Array.from({ length: 1_000_000 }, (_, i) => i));
const batch = new Uint32Array(4096);
let drained = 0;
for (let n = ids.shiftMany(batch); n > 0; n = ids.shiftMany(batch)) drained += n;
console.log(`  moved ${drained.toLocaleString('en')} ids through the core in batches of ${batch.length}; arena holds ${(arena.memoryBytes / 2 ** 20).toFixed(1)} MiB`);
