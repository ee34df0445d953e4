import { Balancer, seededRandom } from 'flatsched';

// Weighted round-robin: turns in proportion to the weights, spread out rather than in bursts.
const regions = new Balancer<string>({ strategy: 'weighted-round-robin' });
regions.add('eu-1', { weight: 3 });
regions.add('eu-2', { weight: 2 });
regions.add('us-1', { weight: 1 });
console.log(Array.from({ length: 6 }, () => regions.pick()).join(' '));
// eu-1 eu-2 eu-1 us-1 eu-2 eu-1

// A backup serves only when no primary can take the task.
const gateway = new Balancer<string>({ strategy: 'round-robin' });
gateway.add('primary-a');
gateway.add('primary-b');
gateway.add('standby', { backup: true });
gateway.setHealthy('primary-a', false);
console.log(gateway.pick(), gateway.pick()); // primary-b primary-b
gateway.setHealthy('primary-b', false);
console.log(gateway.pick()); // standby

// Slow start: a new server's weight ramps from 10% to its full weight over 30 s (in 10 steps),
// so its cold caches are not flooded. The clock is a variable here to show the ramp.
let now = 0;
const pool = new Balancer<string>({ strategy: 'weighted-round-robin', clock: () => now, slowStart: { window: 30_000 } });
pool.add('warm-1', { slowStart: false });
pool.add('warm-2', { slowStart: false });
pool.add('new');
const shareOfNew = () => {
  let count = 0;
  for (let i = 0; i < 2100; i++) if (pool.pick() === 'new') count++;
  return `${Math.round((count / 2100) * 100)}%`;
};
console.log(`new server's share: ${shareOfNew()} at 0 s`); // 5% at 0 s
now = 15_000;
console.log(`new server's share: ${shareOfNew()} at 15 s`); // 20% at 15 s
now = 30_000;
console.log(`new server's share: ${shareOfNew()} at 30 s`); // 33% at 30 s

// Power of two choices with a seeded random source: the same seed gives the same choices.
const workers = new Balancer<number>({ strategy: 'p2c', random: seededRandom(42) });
for (let id = 0; id < 50; id++) workers.add(id);
for (let i = 0; i < 5000; i++) workers.acquire();
const loads = workers.stats().map((s) => s.load);
console.log(`p2c: 5000 tasks on 50 workers, busiest ${Math.max(...loads)}, idlest ${Math.min(...loads)}`);
// p2c: 5000 tasks on 50 workers, busiest 102, idlest 98
