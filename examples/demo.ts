// `npm start`: the seed use cases end to end through the public API, in under ten seconds.
// On a terminal each scene is a live view redrawn in place; piped or in CI (no TTY) the same
// events print as plain lines, followed by each scene's final state and the summary.
import { Balancer, History, Queue, Scheduler, seededRandom, type JobId, type Lease } from 'flatsched';
import logUpdate from 'log-update';
import picocolors from 'picocolors';

const live = process.stdout.isTTY === true;
const c = picocolors.createColors(live);
const random = seededRandom(2026);
const startedAt = performance.now();


const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => Math.round(low + random() * (high - low));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const bar = (fraction: number, width = 20) => {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return c.green('█'.repeat(full)) + c.dim('░'.repeat(width - full));
};
const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;
const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));

/**
 * One scene's output. Lines logged stay; the frame is the scene's current state, redrawn in place
 * ~12 times a second on a terminal. Without a terminal only the last frame is printed, once.
 */
class Scene {
  readonly #frame: () => string;
  readonly #timer: ReturnType<typeof setInterval> | undefined;

  constructor(title: string, frame: () => string) {
    this.#frame = frame;
    console.log(`\n${c.bold(c.cyan(`── ${title} `))}${c.dim('─'.repeat(Math.max(0, 72 - title.length)))}`);
    if (live) this.#timer = setInterval(() => logUpdate(this.#frame()), 80);
  }

  log(line: string): void {
    if (live) logUpdate.clear();
    console.log(`  ${line}`);
    if (live) logUpdate(this.#frame());
  }

  end(): void {
    clearInterval(this.#timer);
    if (live) {
      logUpdate(this.#frame());
      logUpdate.done();
    } else {
      console.log(this.#frame());
    }
  }
}

// ── 1. CI/CD jobs by priority on a pool of runners ────────────────────────────────────────────

interface CiJob {
  readonly name: string;
  readonly duration: number;
}

async function pipeline(): Promise<string> {
  const RUNNERS = 3;
  const jobs = new Scheduler<CiJob>();
  const runners: ({ job: CiJob; priority: number; since: number } | undefined)[] = Array(RUNNERS).fill(undefined);
  const order: string[] = [];
  let done = 0;
  let total = 0;

  const scene = new Scene(`CI/CD jobs by priority on ${RUNNERS} runners (Scheduler.run)`, () => {
    const now = performance.now();
    const { waiting, delayed } = jobs.stats();
    const lines = runners.map((slot, i) =>
      slot === undefined
        ? `  runner ${i + 1}  ${c.dim('idle')}`
        : `  runner ${i + 1}  ${bar((now - slot.since) / slot.job.duration, 12)} ${pad(slot.job.name, 30)} ${c.dim(`p${slot.priority}`)}`,
    );
    lines.push(`  queue     ${waiting} waiting, ${delayed} scheduled for later`);
    lines.push(`  done      ${bar(done / total)} ${done}/${total}`);
    return lines.join('\n');
  });

  // Lower numbers run first; equal priorities run in the order they were submitted.
  const submitted: [string, number][] = [
    ['lint', 3],
    ['build web', 2],
    ['build api', 2],
    ['unit tests web', 2],
    ['unit tests api', 2],
    ['deploy staging', 1],
    ['integration tests', 2],
    ['docs site', 3],
    ['security patch CVE-2026-1234', 0],
    ['e2e tests', 2],
    ['deploy canary', 1],
    ['changelog', 3],
  ];
  jobs.submitMany(submitted.map(([name, priority]) => ({ payload: { name, duration: between(150, 450) }, priority })));
  jobs.submit({ name: 'nightly report', duration: 200 }, { priority: 9, delay: 600 });
  total = submitted.length + 2;
  scene.log(`${submitted.length} jobs submitted at once, a nightly report due in 600 ms`);
  const urgent = setTimeout(() => {
    jobs.submit({ name: 'hotfix checkout rounding', duration: between(150, 300) }, { priority: 0 });
    scene.log(c.yellow('hotfix submitted at priority 0: it goes ahead of everything waiting'));
  }, 500);

  const stop = new AbortController();
  const running = jobs.run(
    async (job, ctx) => {
      const slot = runners.indexOf(undefined);
      runners[slot] = { job, priority: ctx.priority, since: performance.now() };
      order.push(job.name);
      scene.log(`${c.green('▶')} ${pad(job.name, 30)} ${c.dim(`p${ctx.priority}  runner ${slot + 1}  ${job.duration} ms`)}`);
      await sleep(job.duration);
      runners[slot] = undefined;
      done++;
    },
    { concurrency: RUNNERS, signal: stop.signal },
  );
  await sleep(520); // the hotfix is in before the pipeline can go idle
  await jobs.onIdle();
  clearTimeout(urgent);
  stop.abort();
  await running;
  scene.end();
  jobs.dispose();
  const hotfix = order.indexOf('hotfix checkout rounding') + 1;
  return `${total} jobs on ${RUNNERS} runners, started in priority order: the security patch first, the late hotfix ${ordinal(hotfix)} of ${total}, the nightly report last`;
}

// ── 2. A failing deploy: retries with backoff, then a dead letter, inspected and requeued ────────

interface Step {
  readonly name: string;
  readonly duration: number;
}

async function retries(): Promise<string> {
  const steps = new Scheduler<Step>();
  let registryUp = false;
  const tracked = new Map<JobId, { name: string; failures: number; state: string }>();

  const scene = new Scene('A failing deploy: retries with backoff, dead letter, requeue (Scheduler)', () => {
    const now = performance.now();
    return [...tracked.entries()]
      .map(([id, seen]) => {
        const job = steps.get(id);
        let state = seen.state;
        if (job?.state === 'delayed') state = c.yellow(`retry in ${Math.max(0, Math.round(job.dueAt! - now))} ms`);
        else if (job?.state === 'in-flight') state = c.cyan(`attempt ${job.attempt} of ${job.attempts} running`);
        return `  ${pad(seen.name, 30)} ${c.red('✖'.repeat(seen.failures))}${' '.repeat(Math.max(0, 4 - seen.failures))} ${state}`;
      })
      .join('\n');
  });

  steps
    .on('retry', ({ job, reason, delay }) => {
      tracked.get(job.id)!.failures++;
      scene.log(`${c.yellow('↻')} ${job.payload.name}: attempt ${job.attempt} failed (${(reason as Error).message}); retry in ${Math.round(delay)} ms`);
    })
    .on('dead', ({ job }) => {
      const seen = tracked.get(job.id)!;
      seen.failures++;
      seen.state = c.red('dead letter');
      scene.log(`${c.red('☠')} ${job.payload.name}: out of attempts after ${job.attempt}, moved to the dead letters`);
    })
    .on('completed', ({ job }) => {
      const seen = tracked.get(job.id)!;
      seen.state = `${seen.state === c.yellow('requeued') ? 'requeued, ' : ''}${c.green(`done on attempt ${job.attempt}`)}`;
      scene.log(`${c.green('✔')} ${job.payload.name}: succeeded on attempt ${job.attempt}`);
    });

  const deploy = steps.submit({ name: 'deploy shop 1.5.0 to prod-eu', duration: 100 }, { attempts: 4, backoff: { type: 'exponential', base: 150 } });
  const flaky = steps.submit({ name: 'integration tests (flaky)', duration: 150 }, { attempts: 3, backoff: { type: 'fixed', base: 200 } });
  tracked.set(deploy, { name: 'deploy shop 1.5.0 to prod-eu', failures: 0, state: 'waiting' });
  tracked.set(flaky, { name: 'integration tests (flaky)', failures: 0, state: 'waiting' });

  const stop = new AbortController();
  const running = steps.run(
    async (step, ctx) => {
      await sleep(step.duration);
      if (ctx.id === deploy && !registryUp) throw new Error('registry.internal:5000 refused the connection');
      if (ctx.id === flaky && ctx.attempt === 1) throw new Error('timed out waiting for the database fixture');
    },
    { concurrency: 2, signal: stop.signal },
  );
  await steps.onIdle();

  const [dead] = steps.deadLetters();
  scene.log(`dead letters: ${dead!.payload.name}, ${dead!.history.length} attempts:`);
  for (const failure of dead!.history) {
    scene.log(c.dim(`  attempt ${failure.attempt}: +${seconds(failure.failedAt - dead!.submittedAt)} ${(failure.reason as Error).message}`));
  }
  registryUp = true;
  scene.log('the registry is back: requeue the dead letter with a fresh set of attempts');
  steps.requeue(dead!.id);
  tracked.get(deploy)!.state = c.yellow('requeued');
  await steps.onIdle();
  stop.abort();
  await running;
  scene.end();
  steps.dispose();
  return `the deploy failed 4 times (backoff 150, 300, 600 ms), was dead-lettered, inspected, requeued and deployed; the flaky tests passed on attempt 2`;
}

// ── 3. Tasks to the least-loaded build server, a backlog when all are full, a drain ──────────────

interface Task {
  readonly name: string;
  readonly cost: number;
  readonly duration: number;
}

async function servers(): Promise<string> {
  const TASKS = 24;
  const balancer = new Balancer<string>({ strategy: 'least-loaded' });
  // build-1 has twice the cores: weight 2 makes it as busy as the others when it runs twice as much.
  balancer.add('build-1', { weight: 2, capacity: 6 });
  balancer.add('build-2', { capacity: 3 });
  balancer.add('build-3', { capacity: 3 });
  const backlog = new Queue<Task>();
  let arrived = 0;
  let finished = 0;
  let peakBacklog = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let allDone!: () => void;
  const everything = new Promise<void>((resolve) => (allDone = resolve));

  const scene = new Scene('Tasks to the least-loaded build server (Balancer)', () => {
    const lines = balancer.stats().map((s) => {
      const flags = s.draining ? c.yellow(' draining') : '';
      return `  ${s.id}  w${s.weight}  ${bar(s.load / s.capacity, 12)} ${s.load}/${s.capacity}  ${c.dim(`${s.picks} tasks so far`)}${flags}`;
    });
    lines.push(`  backlog  ${backlog.size} waiting for room${backlog.size ? `: ${[...backlog].map((t) => t.name).slice(0, 4).join(', ')}` : ''}`);
    lines.push(`  done     ${bar(finished / TASKS)} ${finished}/${TASKS}`);
    return lines.join('\n');
  });

  const start = (task: Task, lease: Lease<string>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      balancer.release(lease);
      finished++;
      dispatch();
      if (finished === TASKS) allDone();
    }, task.duration);
    timers.add(timer);
  };
  // First come, first served: the backlog's head waits until some server has room for its cost.
  const dispatch = () => {
    for (let task = backlog.peek(); task !== undefined; task = backlog.peek()) {
      const lease = balancer.acquire(task.cost);
      if (lease === undefined) break;
      backlog.shift();
      start(task, lease);
    }
  };

  for (let i = 1; i <= TASKS; i++) {
    const big = i % 8 === 0;
    backlog.push({ name: big ? `monorepo-${i}` : `task-${i}`, cost: big ? 3 : 1, duration: between(250, 650) });
    arrived++;
    dispatch();
    if (backlog.size > 0 && peakBacklog === 0) scene.log(`every server is full: ${backlog.peek()!.name} waits in the backlog`);
    if (backlog.size > peakBacklog) peakBacklog = backlog.size;
    if (i % 6 === 0) scene.log(c.dim(`after ${i} tasks: ${balancer.stats().map((s) => `${s.id} ${s.load}/${s.capacity}`).join(', ')}, backlog ${backlog.size}`));
    if (i === 10) {
      balancer.drain('build-2');
      scene.log(c.yellow('build-2 drained for maintenance: it finishes its tasks and gets no new ones'));
    }
    if (i === 20) {
      balancer.undrain('build-2');
      scene.log('build-2 is back');
    }
    await sleep(40);
  }
  await everything;
  scene.end();
  const picks = balancer.stats().map((s) => `${s.id} ${s.picks}`).join(', ');
  balancer.dispose();
  return `${arrived} tasks: ${picks}; at most ${peakBacklog} waited in the backlog`;
}

// ── 4. Tenants sharing one worker pool by weight ─────────────────────────────────────────────────

async function tenants(): Promise<string> {
  const JOBS = 20;
  const WEIGHTS = { 'team-a': 3, 'team-b': 1, 'team-c': 1 } as const;
  const names = Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[];
  const shared = new Scheduler<{ tenant: string; n: number }>();
  for (const tenant of names) shared.setTenantWeight(tenant, WEIGHTS[tenant]);
  const completed: Record<string, number> = { 'team-a': 0, 'team-b': 0, 'team-c': 0 };
  let firstShare = '';

  const scene = new Scene('Tenants sharing 2 workers by weight (Scheduler, weighted fair share)', () =>
    names.map((tenant) => `  ${tenant} (weight ${WEIGHTS[tenant]})  ${bar(completed[tenant]! / JOBS)} ${completed[tenant]}/${JOBS}`).join('\n'),
  );

  // Every tenant submits its whole backlog at once; team-a's weight buys it 3 of every 5 turns.
  shared.submitMany(names.flatMap((tenant) => Array.from({ length: JOBS }, (_, n) => ({ payload: { tenant, n }, tenant }))));
  scene.log(`${names.length * JOBS} jobs submitted at once, ${JOBS} per tenant`);
  const stop = new AbortController();
  const running = shared.run(
    async (job) => {
      await sleep(20);
      completed[job.tenant]!++;
      const total = Object.values(completed).reduce((a, b) => a + b, 0);
      if (total === 25) {
        firstShare = names.map((tenant) => `${tenant} ${completed[tenant]}`).join(', ');
        scene.log(`first 25 jobs while all three are backlogged: ${firstShare} (weights 3 : 1 : 1)`);
      }
    },
    { concurrency: 2, signal: stop.signal },
  );
  await shared.onIdle();
  stop.abort();
  await running;
  scene.end();
  shared.dispose();
  return `first 25 jobs ${firstShare}, for weights 3 : 1 : 1`;
}

// ── 5. A release that fails its health check, rolled back ────────────────────────────────────────

interface Release {
  readonly tag: string;
  readonly errorRate: number;
}

async function rollback(): Promise<string> {
  const releases = new History<Release>({ mode: 'roll-forward' });
  let rolling: { tag: string; progress: number } | undefined;

  const scene = new Scene('A failed release rolled back (History, roll-forward mode)', () => {
    const current = releases.current;
    const lines = [`  running  ${current ? `${current.tag} (revision ${releases.currentRevision})` : c.dim('nothing yet')}`];
    if (rolling) lines.push(`  rollout  ${bar(rolling.progress)} ${rolling.tag}`);
    return lines.join('\n');
  });

  const roll = async (release: Release, reason: string) => {
    for (let step = 0; step <= 10; step++) {
      rolling = { tag: release.tag, progress: step / 10 };
      await sleep(25);
    }
    rolling = undefined;
    const revision = releases.push(release, { reason });
    scene.log(`revision ${revision}: ${release.tag} deployed (${reason})`);
  };

  const ERROR_BUDGET = 0.05;
  for (const [release, reason] of [
    [{ tag: '1.4.0', errorRate: 0.004 }, 'initial release'],
    [{ tag: '1.4.1', errorRate: 0.003 }, 'fix checkout rounding'],
    [{ tag: '1.5.0', errorRate: 0.125 }, 'new search'],
  ] as const) {
    await roll(release, reason);
    await sleep(60);
    if (release.errorRate > ERROR_BUDGET) {
      releases.markFailed();
      scene.log(c.red(`health check: ${(release.errorRate * 100).toFixed(1)} % errors, over the ${ERROR_BUDGET * 100} % budget: ${release.tag} marked failed`));
      const target = releases.rollbackToLastGood({ dryRun: true });
      scene.log(`rolling back to the last good release, ${target.tag}`);
      const running = releases.rollbackToLastGood();
      scene.log(c.green(`running ${running.tag} again as revision ${releases.currentRevision}`));
    }
  }
  for (const r of releases.list()) scene.log(c.dim(`r${r.revision}  ${pad(r.entry.tag, 6)} ${pad(r.status, 11)} ${r.reason ?? ''}`));
  scene.end();
  return `1.5.0 failed its health check and was rolled back: running ${releases.current!.tag} (revision ${releases.currentRevision})`;
}

// ── Run every scene, then the summary ────────────────────────────────────────────────────────────

console.log(c.bold('flatsched demo: the Scheduler, Balancer and History on a Wasm core'));
const summary: [string, string][] = [];
summary.push(['CI/CD', await pipeline()]);
summary.push(['retries', await retries()]);
summary.push(['balancer', await servers()]);
summary.push(['tenants', await tenants()]);
summary.push(['rollback', await rollback()]);

console.log(`\n${c.bold(`Summary: 5 scenes in ${seconds(performance.now() - startedAt)}`)}`);
for (const [scene, line] of summary) console.log(`  ${c.cyan(pad(scene, 9))} ${line}`);
