import { Balancer, History, Queue, Scheduler, seededRandom, type JobId, type Lease } from 'flatsched';

/** 0 runs first (the scheduler's default `'min'` order). */
export type Priority = 0 | 1 | 2;
export const PRIORITY_NAMES: Record<Priority, string> = { 0: 'critical', 1: 'normal', 2: 'batch' };

export interface Job {
  readonly kind: string;
  readonly poison: boolean;
}

export interface Worker {
  readonly name: string;
  /** Jobs run `speed` times faster than the base duration. */
  readonly speed: number;
  /** Added to the release's failure rate: a worker with a bad disk. */
  readonly flakiness: number;
}

export interface Release {
  readonly tag: string;
  /** The chance that an attempt started under this release fails. */
  readonly failureRate: number;
}

/** An attempt a worker is running. */
export interface Attempt {
  readonly id: JobId;
  readonly kind: string;
  readonly priority: Priority;
  readonly attempt: number;
  readonly attempts: number;
  readonly lease: Lease<Worker>;
  readonly revision: number;
  readonly endsAt: number;
  readonly failure: string | undefined;
}

/** One point of the queue-depth chart. */
export interface Sample {
  readonly at: number;
  readonly waiting: readonly [number, number, number];
  readonly delayed: number;
  readonly inFlight: number;
}

export type EventKind = 'retry' | 'dead' | 'deploy' | 'rollback' | 'crash' | 'recover' | 'burst' | 'requeue' | 'full';

export interface PipelineEvent {
  readonly at: number;
  readonly kind: EventKind;
  readonly text: string;
  /** A label for the chart's marker; events without one get no marker. */
  readonly mark?: string;
}

export interface PipelineOptions {
  readonly seed: number;
  readonly workers: readonly { worker: Worker; weight: number; capacity: number }[];
}

const SAMPLE_EVERY = 250;
export const CHART_WINDOW = 60_000;
/** The health check judges a release by its attempts over this window. */
const HEALTH_WINDOW = 6_000;
const HEALTH_MIN_ATTEMPTS = 30;
const HEALTH_MAX_ERROR_RATE = 0.3;
const BASE_DURATION: Record<Priority, number> = { 0: 800, 1: 1700, 2: 2600 };
/** The share of jobs that can never succeed (a malformed manifest): they end as dead letters. */
const POISON_RATE = 0.015;
const KINDS: Record<Priority, readonly string[]> = {
  0: ['hotfix', 'rollback-check', 'security-scan'],
  1: ['build', 'test', 'lint', 'package'],
  2: ['report', 'reindex', 'backup'],
};
const FAILURES = ['exit 1', 'timeout after 30s', 'OOM killed', 'flaky test'];

/**
 * A job pipeline on simulated time: jobs wait in a Scheduler by priority, a least-loaded Balancer
 * picks the worker for each, failed attempts retry with backoff until they are dead letters, and a
 * History of releases rolls back the one whose error rate fails the health check.
 *
 * Time is the pipeline's own (`now`, in ms), moved on by `step`: the scheduler, the balancer's
 * slow start and the history all read it, so a run is the same for a given seed at any speed.
 */
export class Pipeline {
  now = 0;
  readonly random: () => number;
  readonly scheduler: Scheduler<Job>;
  readonly balancer: Balancer<Worker>;
  readonly releases: History<Release>;
  readonly running = new Map<JobId, Attempt>();
  readonly samples = new Queue<Sample>({ capacity: CHART_WINDOW / SAMPLE_EVERY + 2, overflow: 'drop-oldest' });
  readonly events = new Queue<PipelineEvent>({ capacity: 200, overflow: 'drop-oldest' });
  readonly totals = { submitted: 0, completed: 0, retries: 0, dead: 0, rejected: 0 };
  /** Completions over the last few seconds, for the throughput figure. */
  readonly #recentCompletions = new Queue<number>();
  /** The priority of every job the scheduler holds (not dead): to count waiting jobs per priority. */
  readonly #held = new Map<JobId, Priority>();
  /** Outcomes of attempts under each revision, newest last: what the health check judges. */
  readonly #outcomes = new Queue<{ at: number; revision: number; failed: boolean }>();
  readonly #unhealthyUntil = new Map<string, number>();
  #nextSampleAt = 0;

  constructor(options: PipelineOptions) {
    this.random = seededRandom(options.seed);
    const clock = () => this.now;
    this.scheduler = new Scheduler<Job>({
      clock,
      capacity: 400,
      defaultAttempts: 3,
      backoff: { type: 'exponential', base: 600, max: 6_000, jitter: true },
      random: seededRandom(options.seed + 1),
      maxDeadLetters: 100,
    });
    // A worker back from a crash ramps up over 8 s instead of taking a full share at once.
    this.balancer = new Balancer<Worker>({ strategy: 'least-loaded', clock, slowStart: { window: 8_000, floor: 0.2, steps: 8 } });
    for (const { worker, weight, capacity } of options.workers) {
      this.balancer.add(worker, { id: worker.name, weight, capacity, slowStart: false });
    }
    // Roll-forward keeps the failed release in the list, as `kubectl rollout undo` does.
    this.releases = new History<Release>({ mode: 'roll-forward', limit: 7, clock });

    this.scheduler.on('completed', ({ job }) => this.#held.delete(job.id));
    this.scheduler.on('retry', ({ job, reason, delay }) => {
      this.totals.retries++;
      this.#log('retry', `${label(job.id, job.payload.kind)} ${String(reason)}: retry ${job.attempt}/${job.attempts - 1} in ${seconds(delay)}`);
    });
    this.scheduler.on('dead', ({ job, reason }) => {
      this.totals.dead++;
      this.#held.delete(job.id);
      this.#log('dead', `${label(job.id, job.payload.kind)} dead after ${job.attempts} attempts: ${String(reason)}`);
    });
  }

  /** Submits a job; false when the scheduler is at capacity. */
  submit(priority: Priority): boolean {
    const kinds = KINDS[priority];
    const kind = kinds[Math.floor(this.random() * kinds.length)]!;
    const id = this.scheduler.trySubmit({ kind, poison: this.random() < POISON_RATE }, { priority, attempts: priority === 0 ? 5 : 3 });
    if (id === false) {
      if (this.totals.rejected++ % 50 === 0) this.#log('full', `scheduler full (${this.scheduler.capacity} jobs): submissions rejected`);
      return false;
    }
    this.totals.submitted++;
    this.#held.set(id, priority);
    return true;
  }

  burst(count: number, priority: Priority): void {
    let accepted = 0;
    for (let i = 0; i < count; i++) if (this.submit(priority)) accepted++;
    this.#log('burst', `burst: ${accepted} ${PRIORITY_NAMES[priority]} jobs submitted`, `+${accepted}`);
  }

  deploy(release: Release, reason: string): void {
    const revision = this.releases.push(release, { reason });
    this.#log('deploy', `deployed ${release.tag} as r${revision}: ${reason}`, release.tag);
  }

  /** Takes a worker out: its running attempts fail, and it is not picked until `recover`. */
  crash(name: string, forMs: number): void {
    if (!this.balancer.statsOf(name).healthy) return;
    this.balancer.setHealthy(name, false);
    this.#unhealthyUntil.set(name, this.now + forMs);
    let lost = 0;
    for (const attempt of [...this.running.values()]) {
      if (attempt.lease.id !== name) continue;
      this.#finish(attempt, 'worker lost');
      lost++;
    }
    this.#log('crash', `${name} crashed, ${lost} running job${lost === 1 ? '' : 's'} lost`, `${name} down`);
  }

  requeueDeadLetters(): number {
    let requeued = 0;
    for (const job of this.scheduler.deadLetters()) {
      if (this.scheduler.size >= this.scheduler.capacity) break;
      this.scheduler.requeue(job.id);
      this.#held.set(job.id, job.priority as Priority);
      requeued++;
    }
    if (requeued > 0) this.#log('requeue', `${requeued} dead letter${requeued === 1 ? '' : 's'} requeued`);
    return requeued;
  }

  /** Moves the pipeline `ms` forward: recoveries, completions, dispatch, the health check. */
  step(ms: number): void {
    this.now += ms;
    this.#recover();
    this.#complete();
    this.#dispatch();
    this.#checkHealth();
    if (this.now >= this.#nextSampleAt) {
      this.samples.push(this.#sample());
      this.#nextSampleAt = (Math.floor(this.now / SAMPLE_EVERY) + 1) * SAMPLE_EVERY;
    }
  }

  /** Jobs completed per second over the last 5 s. */
  throughput(): number {
    while (this.#recentCompletions.size > 0 && this.#recentCompletions.peek()! < this.now - 5_000) this.#recentCompletions.shift();
    return this.#recentCompletions.size / 5;
  }

  attemptsOn(worker: string): Attempt[] {
    return [...this.running.values()].filter((attempt) => attempt.lease.id === worker);
  }

  #dispatch(): void {
    if (this.scheduler.paused) return;
    while (this.scheduler.nextDueIn() === 0) {
      const lease = this.balancer.acquire();
      if (lease === undefined) return;
      const job = this.scheduler.take()!;
      const release = this.releases.current!;
      const priority = job.priority as Priority;
      const duration = (BASE_DURATION[priority] * (0.5 + this.random())) / lease.worker.speed;
      const failure = job.payload.poison ? 'invalid manifest' : this.#failure(release, lease.worker);
      this.running.set(job.id, {
        id: job.id,
        kind: job.payload.kind,
        priority,
        attempt: job.attempt,
        attempts: job.attempts,
        lease,
        revision: this.releases.currentRevision!,
        endsAt: this.now + duration,
        failure,
      });
    }
  }

  #failure(release: Release, worker: Worker): string | undefined {
    if (this.random() >= release.failureRate + worker.flakiness) return undefined;
    if (release.failureRate > 0.1) return `${release.tag}: search schema mismatch`;
    return FAILURES[Math.floor(this.random() * FAILURES.length)];
  }

  #complete(): void {
    for (const attempt of [...this.running.values()]) {
      if (attempt.endsAt > this.now) continue;
      this.#outcomes.push({ at: this.now, revision: attempt.revision, failed: attempt.failure !== undefined });
      this.#finish(attempt, attempt.failure);
    }
  }

  #finish(attempt: Attempt, failure: string | undefined): void {
    this.running.delete(attempt.id);
    this.balancer.release(attempt.lease);
    if (failure === undefined) {
      this.scheduler.ack(attempt.id);
      this.totals.completed++;
      this.#recentCompletions.push(this.now);
    } else {
      this.scheduler.fail(attempt.id, failure);
    }
  }

  #recover(): void {
    for (const [name, until] of this.#unhealthyUntil) {
      if (until > this.now) continue;
      this.#unhealthyUntil.delete(name);
      this.balancer.setHealthy(name, true);
      this.#log('recover', `${name} is back, ramping up (slow start)`);
    }
  }

  /** A release whose attempts fail too often is marked failed and rolled back to the last good one. */
  #checkHealth(): void {
    while (this.#outcomes.size > 0 && this.#outcomes.peek()!.at < this.now - HEALTH_WINDOW) this.#outcomes.shift();
    const revision = this.releases.currentRevision;
    if (revision === undefined) return;
    let attempts = 0;
    let failed = 0;
    for (const outcome of this.#outcomes) {
      if (outcome.revision !== revision) continue;
      attempts++;
      if (outcome.failed) failed++;
    }
    if (attempts < HEALTH_MIN_ATTEMPTS || failed / attempts <= HEALTH_MAX_ERROR_RATE) return;
    const bad = this.releases.current!;
    this.releases.markFailed();
    const good = this.releases.rollbackToLastGood();
    const errors = Math.round((100 * failed) / attempts);
    this.#log('rollback', `${bad.tag} failed its health check (${errors}% errors): rolled back to ${good.tag} as r${this.releases.currentRevision}`, `↩ ${good.tag}`);
  }

  #sample(): Sample {
    const waiting: [number, number, number] = [0, 0, 0];
    let delayed = 0;
    for (const [id, priority] of this.#held) {
      const state = this.scheduler.get(id)?.state;
      if (state === 'waiting') waiting[priority]++;
      else if (state === 'delayed') delayed++;
    }
    return { at: this.now, waiting, delayed, inFlight: this.running.size };
  }

  #log(kind: EventKind, text: string, mark?: string): void {
    this.events.push(mark === undefined ? { at: this.now, kind, text } : { at: this.now, kind, text, mark });
  }
}

function label(id: JobId, kind: string): string {
  return `#${id} ${kind}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
