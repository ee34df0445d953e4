import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobTable } from '../../src/scheduler/job-table.js';
import type { JobId } from '../../src/scheduler/types.js';

/** A job is its row number; here the row is the job's serial, so that the model can name it. */
interface Entry {
  readonly id: JobId;
  readonly serial: number;
}

/**
 * The table against a Map. Issued ids rise from a counter (with gaps, as when callers hold some
 * numbers); a few jobs are held for long stretches while many come and go, which is what makes
 * the array cut its front and move its old half out (into OrderedIds).
 */
type Step =
  | { kind: 'issue'; gap: number; hold: boolean }
  | { kind: 'own'; id: JobId }
  | { kind: 'drop'; pick: number; count: number }
  | { kind: 'restart'; jump: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('issue' as const), gap: fc.oneof(fc.constant(0), fc.nat(3), fc.integer({ min: 1000, max: 3000 })), hold: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('own' as const), id: fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -5, max: 5000 }), fc.double({ noNaN: true, noDefaultInfinity: true })) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat(), count: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), jump: fc.integer({ min: 0, max: 100_000 }) }) },
);

describe('JobTable', () => {
  it('finds exactly the jobs held, whatever mix of issued and own ids comes and goes', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.nat(1000), (steps, start) => {
        const table = new JobTable();
        const model = new Map<JobId, Entry>();
        let next = start + 1;
        let serial = 0;
        for (const s of steps) {
          if (s.kind === 'issue') {
            // A burst of issued ids; unless `hold`, most leave again at once (a stream of jobs).
            next += s.gap;
            for (let k = 0; k < 1500; k++) {
              while (model.has(next)) next++;
              const job = { id: next++, serial: serial++ };
              table.add(job.id, job.serial, true);
              model.set(job.id, job);
              if (!s.hold && k % 50 !== 0) {
                table.delete(job.id, job.serial);
                model.delete(job.id);
              }
            }
          } else if (s.kind === 'own') {
            if (!model.has(s.id)) {
              const job = { id: s.id, serial: serial++ };
              table.add(job.id, job.serial, false);
              model.set(s.id, job);
            }
          } else if (s.kind === 'drop') {
            const held = [...model.values()];
            for (let k = 0; k < s.count && held.length > 0; k++) {
              const job = held.splice((s.pick + k * 7919) % held.length, 1)[0]!;
              table.delete(job.id, job.serial);
              model.delete(job.id);
            }
          } else {
            next += s.jump;
          }
          expect(table.size).toBe(model.size);
        }
        for (const [id, job] of model) expect(table.get(id)).toBe(job.serial);
        for (const id of [0, -1, 0.5, start, next, next + 1, 'x', '']) expect(table.get(id)).toBe(model.get(id)?.serial);
        const serials = [...model.values()].map((job) => job.serial).sort((a, b) => a - b);
        expect(table.inCreationOrder((job) => job)).toEqual(serials);
        expect(new Set(table)).toEqual(new Set(serials));
      }),
      { numRuns: 60 },
    );
  });

  it('forgets everything on clear', () => {
    const table = new JobTable();
    for (let id = 1; id <= 5000; id++) table.add(id, id, true);
    // The oldest stays while 20,000 come and go: its run of empty slots moves it out of the array.
    for (let id = 5001; id <= 25_000; id++) {
      table.add(id, id, true);
      table.delete(id - 4999, id - 4999);
    }
    expect(table.get(1)).toBe(1);
    table.add('own', 0, false);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(1)).toBeUndefined();
    expect(table.get('own')).toBeUndefined();
    table.add(7, 1, true);
    expect(table.get(7)).toBe(1);
  });
});
