import type { Pipeline, Priority, Worker } from './pipeline.js';

export const WORKERS: readonly { worker: Worker; weight: number; capacity: number }[] = [
  { worker: { name: 'alpha', speed: 1.3, flakiness: 0 }, weight: 2, capacity: 6 },
  { worker: { name: 'beta', speed: 1, flakiness: 0 }, weight: 1, capacity: 3 },
  { worker: { name: 'gamma', speed: 0.9, flakiness: 0.06 }, weight: 1, capacity: 3 },
  { worker: { name: 'delta', speed: 1, flakiness: 0 }, weight: 1, capacity: 3 },
];

const GOOD = 0.03;
const BAD = 0.5;

/**
 * What happens when, on the pipeline's clock: a steady stream of jobs that swells and ebbs, bursts
 * of batch jobs, a release that fails its health check and is rolled back, a worker that crashes.
 * After the first minute it carries on with random releases and crashes, so the page can be left
 * running.
 */
export class Scenario {
  readonly #pipeline: Pipeline;
  #arrivalCredit = 0;
  #nextPatch = 2;
  readonly #timeline: { at: number; run: () => void }[];

  constructor(pipeline: Pipeline) {
    this.#pipeline = pipeline;
    const p = pipeline;
    this.#timeline = [
      { at: 0, run: () => p.deploy({ tag: '1.4.1', failureRate: GOOD }, 'initial release') },
      { at: 6_000, run: () => p.deploy({ tag: '1.4.2', failureRate: GOOD }, 'fix checkout rounding') },
      { at: 10_000, run: () => p.burst(40, 2) },
      { at: 16_000, run: () => p.deploy({ tag: '1.5.0', failureRate: BAD }, 'new search index') },
      { at: 28_000, run: () => p.burst(30, 1) },
      { at: 44_000, run: () => p.deploy({ tag: '1.5.1', failureRate: GOOD }, 'new search index, schema fixed') },
      { at: 47_000, run: () => p.crash('delta', 5_000) },
    ];
    this.#timeline.sort((a, b) => b.at - a.at);
  }

  /** Jobs per second submitted at time `at`: a wave with a 40 s period. */
  static arrivalRate(at: number): number {
    return 5.5 + 4 * Math.sin((2 * Math.PI * at) / 40_000);
  }

  /** Everything due by the pipeline's `now`, then `step` ms of arrivals. */
  tick(step: number): void {
    const p = this.#pipeline;
    while (this.#timeline.length > 0 && this.#timeline.at(-1)!.at <= p.now) this.#timeline.pop()!.run();
    if (this.#timeline.length === 0) this.#planMore();
    this.#arrivalCredit += (Scenario.arrivalRate(p.now) * step * (0.4 + 1.2 * p.random())) / 1000;
    while (this.#arrivalCredit >= 1) {
      this.#arrivalCredit--;
      const roll = p.random();
      const priority: Priority = roll < 0.12 ? 0 : roll < 0.72 ? 1 : 2;
      p.submit(priority);
    }
  }

  /** Deploys the next patch release; a bad one fails its health check and is rolled back. */
  deployNext(bad: boolean): void {
    const tag = `1.5.${this.#nextPatch++}`;
    this.#pipeline.deploy({ tag, failureRate: bad ? BAD : GOOD }, bad ? 'refactor search ranking' : 'routine patch');
  }

  /** Crashes a worker picked at random for 5 s. */
  crashAny(): void {
    const p = this.#pipeline;
    p.crash(WORKERS[Math.floor(p.random() * WORKERS.length)]!.worker.name, 5_000);
  }

  /** The next 20 s: a patch release (one in three is bad), maybe a crash, maybe a burst. */
  #planMore(): void {
    const p = this.#pipeline;
    const start = p.now + 20_000;
    const bad = p.random() < 1 / 3;
    this.#timeline.push({ at: start, run: () => this.deployNext(bad) });
    if (p.random() < 0.5) this.#timeline.push({ at: start - 8_000, run: () => this.crashAny() });
    if (p.random() < 0.5) this.#timeline.push({ at: start - 14_000, run: () => p.burst(30, 2) });
    this.#timeline.sort((a, b) => b.at - a.at);
  }
}
