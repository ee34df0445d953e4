// npm run gateway -- --backends 3 --latency 5,5,40 --concurrency 64 --queue 1024
// Starts the stand-in backends and the gateway on 127.0.0.1, prints where, and runs until Ctrl-C.
import { parseArgs } from 'node:util';
import type { BalancerStrategy } from 'flatsched';
import { createGateway, type BackendSpec } from './gateway.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '3' },
    latency: { type: 'string', default: '5' },
    weights: { type: 'string', default: '1' },
    strategy: { type: 'string', default: 'least-loaded' },
    admission: { type: 'string', default: 'on' },
    concurrency: { type: 'string', default: '64' },
    queue: { type: 'string', default: '1024' },
    'priority-paths': { type: 'string', default: '/health,/api/critical' },
    'retry-after': { type: 'string', default: '1' },
    port: { type: 'string', default: '8080' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run gateway -- [options]
  --backends N         stand-in backends to start (default 3)
  --latency a,b,…      each backend's response time in ms; one value applies to all (default 5)
  --weights a,b,…      each backend's weight; one value applies to all (default 1)
  --strategy S         least-loaded | p2c | weighted-round-robin | round-robin (default least-loaded)
  --admission on|off   the priority admission queue; off forwards every request at once (default on)
  --concurrency N      requests forwarded at once (default 64)
  --queue N            requests that may wait before 503 (default 1024)
  --priority-paths p,… paths that jump the queue, or none (default /health,/api/critical)
  --retry-after S      seconds a 503 asks clients to wait (default 1)
  --port N             0 for any free port (default 8080)`);
  process.exit(0);
}

const count = Number(values.backends);
const perBackend = (list: string) => {
  const numbers = list.split(',').map(Number);
  return Array.from({ length: count }, (_, i) => numbers[Math.min(i, numbers.length - 1)]!);
};
const latencies = perBackend(values.latency);
const weights = perBackend(values.weights);
const backends: BackendSpec[] = latencies.map((latency, i) => ({ latency, weight: weights[i] }));

const gateway = createGateway({
  backends,
  strategy: values.strategy as BalancerStrategy,
  admission: values.admission !== 'off',
  concurrency: Number(values.concurrency),
  queueCapacity: Number(values.queue),
  highPriorityPaths: values['priority-paths'] === 'none' ? [] : values['priority-paths'].split(','),
  retryAfter: Number(values['retry-after']),
  port: Number(values.port),
});

const url = await gateway.start();
// The first line is what scripts read (load.ts does): keep its shape.
console.log(`gateway listening on ${url}`);
console.log(`  ${values.strategy}, admission ${values.admission === 'off' ? 'off' : `on: ${values.concurrency} at once, ${values.queue} may wait`}`);
for (const [i, upstream] of gateway.upstreams.entries()) {
  console.log(`  backend ${upstream.id} ${upstream.url} latency ${latencies[i]} ms, weight ${weights[i]}`);
}
console.log(`  stats: curl ${url}/_gateway/stats · drain: curl -X POST ${url}/_gateway/drain/b1`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
