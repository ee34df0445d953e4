import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffPolicy } from '../../src/scheduler/backoff.js';
import { Tenant } from '../../src/scheduler/fair-share.js';
import { JobRows, type Job } from '../../src/scheduler/job-rows.js';
import type { Handle } from '../../src/structures/handle.js';
import type { AttemptFailure, JobId, JobState } from '../../src/scheduler/types.js';

interface Row {
  id: JobId;
  serial: number;
  payload: { n: number };
  priority: number;
  tenant: Tenant;
  attempts: number;
  attempt: number;
  backoff: ReturnType<typeof backoffPolicy>;
  submittedAt: number;
  time: number;
  handle: number;
  arrival: number;
  state: JobState;
  history: AttemptFailure[] | undefined;
}

const TENANTS = [new Tenant('a'), new Tenant('b')];
const OWN_BACKOFF = backoffPolicy('test', 7);
const STATES: JobState[] = ['waiting', 'delayed', 'in-flight', 'dead'];

/**
 * Rows against a Map of plain records. Bursts of adds cross chunk boundaries (1,024 rows a chunk);
 * releases free rows in the middle for reuse, and releasing all starts over from the first row.
 */
type Step =
  | { kind: 'add'; count: number; ownId: boolean; ownBackoff: boolean; distinct: boolean }
  | { kind: 'release'; pick: number; count: number }
  | { kind: 'releaseAll' }
  | { kind: 'change'; pick: number; value: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), count: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 500, max: 1500 })), ownId: fc.boolean(), ownBackoff: fc.boolean(), distinct: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(), count: fc.integer({ min: 1, max: 800 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('releaseAll' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('change' as const), pick: fc.nat(), value: fc.integer({ min: -5, max: 1e6 }) }) },
);

function expectRow(rows: JobRows<{ n: number }>, job: Job, row: Row): void {
  expect({
    id: rows.id(job), serial: rows.serial(job), payload: rows.payload(job), priority: rows.priority(job), tenant: rows.tenant(job),
    attempts: rows.attempts(job), attempt: rows.attempt(job), backoff: rows.backoff(job), submittedAt: rows.submittedAt(job),
    time: rows.time(job), handle: rows.handle(job), arrival: rows.arrival(job), state: rows.state(job), history: rows.history(job),
  }).toEqual(row);
  expect(rows.taken(job)).toEqual({ id: row.id, payload: row.payload, priority: row.priority, tenant: row.tenant.name, attempt: row.attempt, attempts: row.attempts });
}

describe('JobRows', () => {
  it('keeps every field of every row held, across chunks, reuse and starting over', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        const rows = new JobRows<{ n: number }>(DEFAULT_BACKOFF);
        const model = new Map<Job, Row>();
        let serial = 0;
        for (const s of steps) {
          if (s.kind === 'add') {
            for (let k = 0; k < s.count; k++) {
              const n = serial++;
              const row: Row = {
                // A few priorities fill their lanes' runs; distinct ones (deadlines) stall the lanes.
                id: s.ownId ? `own-${n}` : n + 1, serial: n, payload: { n }, priority: s.distinct ? n * 1.5 : n % 7, tenant: TENANTS[n % 2]!,
                attempts: 1 + (n % 3), attempt: 0, backoff: s.ownBackoff ? OWN_BACKOFF : DEFAULT_BACKOFF, submittedAt: n / 2,
                time: 0, handle: 0, arrival: 0, state: 'waiting', history: undefined,
              };
              const job = rows.add(row.id, row.serial, row.payload, row.priority, row.tenant, row.attempts, row.backoff, row.submittedAt);
              expect(model.has(job)).toBe(false);
              // A reused row says nothing of its last job.
              row.time = rows.time(job);
              row.handle = rows.handle(job);
              model.set(job, row);
            }
          } else if (s.kind === 'release' || s.kind === 'releaseAll') {
            const held = [...model.keys()];
            const count = s.kind === 'releaseAll' ? held.length : Math.min(s.count, held.length);
            for (let k = 0; k < count; k++) {
              const job = s.kind === 'releaseAll' ? held[k]! : held.splice((s.pick + k * 7919) % held.length, 1)[0]!;
              rows.release(job);
              model.delete(job);
              // A pool holding the row by its serial sees the job is gone.
              expect(rows.serial(job)).toBe(-1);
            }
          } else if (model.size > 0) {
            const held = [...model.keys()];
            const job = held[s.pick % held.length]!;
            const row = model.get(job)!;
            rows.setTime(job, (row.time = s.value / 4));
            rows.setHandle(job, (row.handle = s.value) as Handle);
            rows.setPriority(job, (row.priority = -s.value));
            rows.setArrival(job, (row.arrival = s.value * 3));
            rows.setState(job, (row.state = STATES[s.value & 3]!));
            rows.setWaiting(job, (row.handle = s.value + 1) as Handle, (row.arrival = s.value + 2), (row.time = s.value + 3));
            rows.startAttempt(job, (row.time = s.value + 4), (row.handle = s.value + 5)); // the start number shares the handle's field
            row.attempt++;
            const failure: AttemptFailure = { attempt: row.attempt, startedAt: 1, failedAt: 2, reason: s.value };
            rows.addFailure(job, failure);
            row.history = [...(row.history ?? []), failure];
            if (s.value % 5 === 0) {
              rows.clearHistory(job);
              row.history = undefined;
            }
          }
          expect(rows.size).toBe(model.size);
          for (const [job, row] of model) expectRow(rows, job, row);
        }
        // All released: rows start over from the first.
        for (const job of model.keys()) rows.release(job);
        expect(rows.size).toBe(0);
        expect(rows.add(1, serial, { n: serial }, 0, TENANTS[0]!, 1, DEFAULT_BACKOFF, 0)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  const addJobs = (rows: JobRows<number>, priorities: number[]): Job[] =>
    priorities.map((priority, n) => rows.add(n + 1, n, n, priority, TENANTS[0]!, 1, DEFAULT_BACKOFF, 0));

  it('gives fresh jobs of one priority neighbouring rows, so a line drained in order reads memory in order', () => {
    const rows = new JobRows<number>(DEFAULT_BACKOFF);
    const priorities = Array.from({ length: 5000 }, (_, n) => (n * 7919) % 10);
    const jobs = addJobs(rows, priorities);
    for (let p = 0; p < 10; p++) {
      const mine = jobs.filter((_, n) => priorities[n] === p);
      // In submission order, one row after the other, but where a run of rows ends.
      const gaps = mine.slice(1).filter((job, k) => job !== mine[k]! + 1).length;
      expect(gaps).toBeLessThanOrEqual(Math.ceil(mine.length / 64));
    }
    expect(new Set(jobs).size).toBe(jobs.length);
  });

  it('keeps rows in submission order, with a bounded number set aside, when every priority is distinct', () => {
    const rows = new JobRows<number>(DEFAULT_BACKOFF);
    const jobs = addJobs(rows, Array.from({ length: 5000 }, (_, n) => 1e12 + n * 0.5));
    expect(new Set(jobs).size).toBe(jobs.length);
    // Each lane takes the first priority it sees, then stalls: the rest share one run after another.
    const late = jobs.slice(100);
    expect(late.every((job, k) => k === 0 || job > late[k - 1]!)).toBe(true);
    expect(Math.max(...jobs)).toBeLessThan(5000 + 17 * 64);
    // Freed rows are reused before any is carved, and all freed starts over from the first.
    rows.release(jobs[42]!);
    expect(addJobs(rows, [3])[0]).toBe(jobs[42]);
  });
});
