import { describe, expect, it, vi } from 'vitest';
import { CHART_WINDOW, Pipeline } from '../../examples/web/pipeline.js';
import { Scenario, WORKERS } from '../../examples/web/scenario.js';

vi.mock('flatsched', () => import('../../src/index.js'));

const STEP = 50;

/** The demo page's first minute, without the page: what it shows must be what happened. */
function run(seed: number, until: number, check?: (pipeline: Pipeline) => void): Pipeline {
  const pipeline = new Pipeline({ seed, workers: WORKERS });
  const scenario = new Scenario(pipeline);
  while (pipeline.now < until) {
    scenario.tick(STEP);
    pipeline.step(STEP);
    check?.(pipeline);
  }
  return pipeline;
}

describe('the demo pipeline', () => {
  it.each([1, 7, 42])('rolls the bad release back to the last good one (seed %i)', (seed) => {
    const pipeline = run(seed, 60_000);
    const list = pipeline.releases.list();
    const bad = list.find((r) => r.entry.tag === '1.5.0')!;
    expect(bad.status).toBe('failed');
    const rollback = list.find((r) => r.revision === bad.revision + 1)!;
    expect(rollback.entry.tag).toBe('1.4.2');
    expect(rollback.reason).toBe('rollback to 2');
    // The health check caught it within 10 s of the deploy.
    expect(rollback.at - bad.at).toBeLessThan(10_000);
    expect(pipeline.releases.current!.tag).toBe('1.5.1');
  });

  it('leases exactly the attempts it runs, and none on a crashed worker', () => {
    let crashedSteps = 0;
    run(7, 120_000, (pipeline) => {
      const stats = pipeline.balancer.stats();
      expect(stats.reduce((sum, worker) => sum + worker.load, 0)).toBe(pipeline.running.size);
      expect(pipeline.scheduler.stats().inFlight).toBe(pipeline.running.size);
      for (const worker of stats) {
        expect(pipeline.attemptsOn(String(worker.id)).length).toBe(worker.leases);
        if (!worker.healthy) {
          crashedSteps++;
          expect(worker.leases).toBe(0);
        }
      }
    });
    expect(crashedSteps).toBeGreaterThan(0);
  });

  it('counts every job once: completed, dead, or still held', () => {
    const pipeline = run(7, 90_000);
    const { submitted, completed, dead } = pipeline.totals;
    expect(pipeline.scheduler.deadLetters().length).toBe(dead);
    expect(completed + dead + pipeline.scheduler.size).toBe(submitted);
    expect(dead).toBeGreaterThan(0);
    for (const letter of pipeline.scheduler.deadLetters()) expect(letter.history).toHaveLength(letter.attempts);
  });

  it('keeps one minute of samples for the chart', () => {
    const pipeline = run(7, 90_000);
    const samples = pipeline.samples.toArray();
    expect(samples.at(-1)!.at).toBe(90_000);
    expect(samples[0]!.at).toBeLessThanOrEqual(90_000 - CHART_WINDOW);
    expect(samples[0]!.at).toBeGreaterThan(90_000 - CHART_WINDOW - 1_000);
  });
});
