import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobTable } from '../../src/scheduler/job-table.js';
import type { JobId } from '../../src/scheduler/types.js';

interface Entry {
  readonly id: JobId;
  readonly serial: number;
}

/**
 * The table against a Map. Issued ids rise from a counter (with gaps, as when callers hold some
 * numbers); a few jobs are held for long stretches while many come and go, which is what makes
 * the array cut its front and move its old half into the Map.
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
        const table = new JobTable<Entry>();
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
              table.add(job.id, job, true);
              model.set(job.id, job);
              if (!s.hold && k % 50 !== 0) {
                table.delete(job.id, job);
                model.delete(job.id);
              }
            }
          } else if (s.kind === 'own') {
            if (!model.has(s.id)) {
              const job = { id: s.id, serial: serial++ };
              table.add(job.id, job, false);
              model.set(s.id, job);
            }
          } else if (s.kind === 'drop') {
            const held = [...model.values()];
            for (let k = 0; k < s.count && held.length > 0; k++) {
              const job = held.splice((s.pick + k * 7919) % held.length, 1)[0]!;
              table.delete(job.id, job);
              model.delete(job.id);
            }
          } else {
            next += s.jump;
          }
          expect(table.size).toBe(model.size);
        }
        for (const [id, job] of model) expect(table.get(id)).toBe(job);
        for (const id of [0, -1, 0.5, start, next, next + 1, 'x', '']) expect(table.get(id)).toBe(model.get(id));
        expect(table.inCreationOrder((job) => job.serial)).toEqual([...model.values()].sort((a, b) => a.serial - b.serial));
        expect(new Set(table)).toEqual(new Set(model.values()));
      }),
      { numRuns: 60 },
    );
  });

  it('forgets everything on clear', () => {
    const table = new JobTable<Entry>();
    for (let id = 1; id <= 5000; id++) table.add(id, { id, serial: id }, true);
    table.add('own', { id: 'own', serial: 0 }, false);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(1)).toBeUndefined();
    expect(table.get('own')).toBeUndefined();
    table.add(7, { id: 7, serial: 1 }, true);
    expect(table.get(7)).toEqual({ id: 7, serial: 1 });
  });
});
