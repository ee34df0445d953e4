import { Scheduler } from 'flatsched';

interface Task {
  name: string;
  /** How long the work takes, here. */
  ms: number;
  /** Its time limit on the first try; a retry gets twice as long. */
  limit: number;
}

const tasks = new Scheduler<Task>({ defaultAttempts: 2, backoff: 0 });
tasks.on('failed', ({ job, reason }) => console.log(`${job.payload.name}: attempt ${job.attempt} failed (${(reason as Error).name})`));
tasks.on('completed', ({ job }) => console.log(`${job.payload.name}: done on attempt ${job.attempt}`));
tasks.on('cancelled', ({ job }) => console.log(`${job.payload.name}: cancelled while ${job.state}`));

/** Work that stops when its attempt's signal aborts (a time limit, or a cancel). */
function work(task: Task, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, task.ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

tasks.submit({ name: 'ping', ms: 10, limit: 500 });
tasks.submit({ name: 'report', ms: 200, limit: 150 }); // too slow for its first limit, not its second
const nightly = tasks.submit({ name: 'nightly export', ms: 10, limit: 500 }, { delay: 60_000 });
tasks.cancel(nightly);

const stop = new AbortController();
tasks.on('idle', () => stop.abort());
await tasks.run((task, ctx) => work(task, ctx.signal), {
  concurrency: 2,
  timeout: (job) => job.payload.limit * job.attempt,
  signal: stop.signal,
});
// nightly export: cancelled while delayed
// ping: done on attempt 1
// report: attempt 1 failed (TimeoutError)
// report: done on attempt 2
