import { describe, expect, it } from 'vitest';
import { compare, type Measurement } from '../../bench/harness.js';
import { computeTargets } from '../../bench/targets.js';
import type { Results } from '../../bench/results.js';

function measured(name: string, rounds: (number | null)[] | undefined, median: number, ours = false): Measurement {
  return { name, library: ours ? 'flatsched' : 'other', ours, group: 'g', median, p25: median, p75: median, min: median, max: median, opsPerSecond: 1e9 / median, samples: 10, rounds: rounds as number[] | undefined };
}

describe('bench ratios', () => {
  it('take the median of the rounds both sides finished, and their range', () => {
    const baseline = measured('base', [10, 20, 30, 40, null], 25);
    const ours = measured('ours', [10, 10, 10, 10, 10], 10, true);
    // Rounds 1-4 give 1, 2, 3, 4 (the fifth has no baseline median): the middle two's geometric mean.
    expect(compare(baseline, ours).ratio).toBeCloseTo(Math.sqrt(6), 12);
    expect(compare(baseline, ours).range).toEqual([1, 4]);
  });

  it('is not moved by a slow spell that covers both sides of a round, as pooled medians are', () => {
    // Ours is twice as fast in every round; the host ran at half speed during rounds 2-4 (both sides).
    const baseline = measured('base', [20, 20, 40, 40, 40], 40);
    const ours = measured('ours', [10, 10, 20, 20, 20], 10, true);
    expect(compare(baseline, ours).ratio).toBe(2);
    expect(compare(baseline, ours).range).toEqual([2, 2]);
  });

  it('fall back to the pooled medians with fewer than two rounds, or none recorded', () => {
    expect(compare(measured('base', [30], 30), measured('ours', [10], 10, true))).toEqual({ ratio: 3 });
    expect(compare(measured('base', undefined, 30), measured('ours', undefined, 15, true))).toEqual({ ratio: 2 });
  });

  it('judge a target on the worst case and report its rounds', () => {
    const results = {
      cases: [
        { suite: 'Stack', workload: 'bursts', size: 1000, operations: 1, operation: 'op', unit: 'ns/op', plan: { rounds: 3, roundTime: 1, warmupTime: 0 }, results: [measured('Stack', [10, 10, 10], 10, true), measured('Array', [8, 9, 12], 9)] },
      ],
    } as unknown as Results;
    const stack = computeTargets(results).find((t) => t.target.startsWith('Stack'))!;
    expect(stack.met).toBe(false);
    expect(stack.measured).toBe('worst 0.90× (bursts, N=1k; 0.80–1.20× by round)');
  });
});
