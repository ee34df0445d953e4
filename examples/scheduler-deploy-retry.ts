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

/** A failure that names its own wait, as an HTTP 429 or 503 does with Retry-After. */
class RetryAfter extends Error {
  constructor(
    message: string,
    readonly ms: number,
  ) {
    super(message);
  }
}

// The registry rate-limits the first try (retry after 250 ms), then answers 503 once more.
const registryErrors = [new RetryAfter('429 from the registry', 250), new Error('503 from the registry')];
async function deploy({ service }: Deploy, signal: AbortSignal): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  signal.throwIfAborted();
  const error = registryErrors.shift();
  if (error) throw error;
  return `${service} healthy`;
}

const started = performance.now();
deploys.submit({ service: 'checkout', version: '2.3.0' });

const stop = new AbortController();
const worker = deploys.run((job, ctx) => deploy(job, ctx.signal), {
  timeout: 2_000,
  signal: stop.signal,
  // The wait a failure names replaces the backoff; any other failure keeps it.
  retryDelay: (reason) => (reason instanceof RetryAfter ? reason.ms : undefined),
});
await deploys.onIdle();
stop.abort();
await worker;
console.log(`waited out both waits: ${performance.now() - started >= 450}`);
// checkout@2.3.0: attempt 1 failed (429 from the registry), retry in 250 ms
// checkout@2.3.0: attempt 2 failed (503 from the registry), retry in 200 ms
// checkout@2.3.0: checkout healthy on attempt 3
// waited out both waits: true
