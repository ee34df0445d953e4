import { Scheduler } from 'flatsched';

interface Webhook {
  tenant: string;
  url: string;
}

const hooks = new Scheduler<Webhook>({ defaultAttempts: 3, backoff: 0, maxDeadLetters: 1_000 });
hooks.on('dead', ({ job }) => console.log(`dead: ${job.payload.url} after ${job.attempt} attempts`));

hooks.submit({ tenant: 'acme', url: 'https://acme.test/hook' }, { id: 'acme-1' });
hooks.submit({ tenant: 'globex', url: 'https://globex.test/hook' }, { id: 'globex-1' });
hooks.submit({ tenant: 'initech', url: 'https://initech.test/old-hook' }, { id: 'initech-1' });

// globex is down for maintenance for now; initech's endpoint is gone for good.
let globexDown = true;
function deliver({ url }: Webhook): void {
  if (url.includes('globex') && globexDown) throw new Error('503 maintenance');
  if (url.includes('old-hook')) throw new Error('410 Gone');
}

// A plain take/ack/fail loop (no worker pool needed).
function drain(): void {
  for (let job = hooks.take(); job; job = hooks.take()) {
    try {
      deliver(job.payload);
      hooks.ack(job.id);
      console.log(`delivered ${job.id} on attempt ${job.attempt}`);
    } catch (error) {
      hooks.fail(job.id, error);
    }
  }
}
drain();
// delivered acme-1 on attempt 1
// dead: https://globex.test/hook after 3 attempts
// dead: https://initech.test/old-hook after 3 attempts

// Inspect the dead letters with their attempt history.
for (const letter of hooks.deadLetters()) {
  const reasons = letter.history.map((h) => `#${h.attempt} ${(h.reason as Error).message}`);
  console.log(`${letter.id} (${letter.payload.tenant}): ${reasons.join(', ')}`);
}
// globex-1 (globex): #1 503 maintenance, #2 503 maintenance, #3 503 maintenance
// initech-1 (initech): #1 410 Gone, #2 410 Gone, #3 410 Gone

// globex is back: requeue its letter with fresh attempts, then drop the rest.
globexDown = false;
hooks.requeue('globex-1');
console.log(`purged ${hooks.purge()}`);
drain();
const { waiting, inFlight, dead } = hooks.stats();
console.log({ waiting, inFlight, dead });
// purged 1
// delivered globex-1 on attempt 1
// { waiting: 0, inFlight: 0, dead: 0 }
