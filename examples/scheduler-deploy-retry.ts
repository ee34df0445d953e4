import { Scheduler } from 'flatsched';

interface Deploy {
  service: string;
  version: string;
}

const deploys = new Scheduler<Deploy>({
  defaultAttempts: 4,
  backoff: { type: 'exponential', base: 100, max: 1_000 }, // 100 ms, 200 ms, 400 ms
});

deploys.on('retry', ({ job, reason, delay }) => {
  const { service, version } = job.payload;
  console.log(`${service}@${version}: attempt ${job.attempt} failed (${(reason as Error).message}), retry in ${delay} ms`);
});
deploys.on('completed', ({ job, result }) => {
  console.log(`${job.payload.service}@${job.payload.version}: ${String(result)} on attempt ${job.attempt}`);
});

// The registry answers 503 twice before the deploy goes through.
let registryErrors = 2;
async function deploy({ service }: Deploy, signal: AbortSignal): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  signal.throwIfAborted();
  if (registryErrors-- > 0) throw new Error('503 from the registry');
  return `${service} healthy`;
}

const started = performance.now();
deploys.submit({ service: 'checkout', version: '2.3.0' });

const stop = new AbortController();
const worker = deploys.run((job, ctx) => deploy(job, ctx.signal), { timeout: 2_000, signal: stop.signal });
await deploys.onIdle();
stop.abort();
await worker;
console.log(`waited out the backoff: ${performance.now() - started >= 300}`);
// checkout@2.3.0: attempt 1 failed (503 from the registry), retry in 100 ms
// checkout@2.3.0: attempt 2 failed (503 from the registry), retry in 200 ms
// checkout@2.3.0: checkout healthy on attempt 3
// waited out the backoff: true
