import { Scheduler } from 'flatsched';

interface CiJob {
  pipeline: string;
  step: string;
}

// A lower number runs first; equal priorities run in the order they were submitted.
const ci = new Scheduler<CiJob>({ capacity: 10_000 });

ci.submit({ pipeline: 'main#812', step: 'nightly e2e' }, { priority: 3 });
ci.submit({ pipeline: 'pr-77', step: 'lint' }, { priority: 2 });
ci.submit({ pipeline: 'pr-78', step: 'lint' }, { priority: 2 });
ci.submit({ pipeline: 'main#813', step: 'build' }, { priority: 1 });
ci.submit({ pipeline: 'hotfix-4.2.1', step: 'deploy' }, { priority: 0 });

// Two runners; each job takes 20 ms here.
const stop = new AbortController();
const runners = ci.run(
  async ({ pipeline, step }, { priority }) => {
    console.log(`start ${pipeline} ${step} (priority ${priority})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  },
  { concurrency: 2, signal: stop.signal },
);

// An urgent job submitted while the first two run goes first among what is left.
await new Promise((resolve) => setTimeout(resolve, 5));
ci.submit({ pipeline: 'hotfix-4.2.2', step: 'deploy' }, { priority: 0 });

await ci.onIdle();
stop.abort();
await runners;
console.log(`${ci.size} jobs left`);
// start hotfix-4.2.1 deploy (priority 0)
// start main#813 build (priority 1)
// start hotfix-4.2.2 deploy (priority 0)
// start pr-77 lint (priority 2)
// start pr-78 lint (priority 2)
// start main#812 nightly e2e (priority 3)
// 0 jobs left
