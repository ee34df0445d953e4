import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapacityError, NotFoundError, Scheduler, StateError, type Arena, type Backoff, type JobId, type JobState } from '../../src/index.js';
import { LEVEL_LIMIT } from '../../src/scheduler/ready-line.js';
import { arenaOn, builds, type BuildName } from '../helpers/builds.js';

/**
 * The model: plain arrays and linear scans, written from the documented rules rather than from the
 * implementation. A due job's place is a sequence number stamped when it became due; a delayed
 * job becomes due, in (due time, submission) order, at the first call that finds the clock past its
 * due time; a tenant's turn is the lowest (pass, stamp), and each turn adds 1 / weight to its pass.
 */
interface ModelJob {
  id: JobId;
  payload: number;
  tenant: string;
  priority: number;
  state: JobState;
  attempt: number;
  attempts: number;
  backoff: Backoff;
  readySeq: number;
  dueAt: number;
  delaySeq: number;
  startedAt: number;
}

interface ModelTenant {
  weight: number;
  pass: number;
  inRotation: boolean;
  turnSeq: number;
}

const CAPACITY = 12;
const TENANTS = ['default', 'a', 'b'] as const;
const BACKOFFS: Backoff[] = [
  { type: 'fixed', base: 0 },
  { type: 'fixed', base: 10 },
  { type: 'linear', base: 5 },
  { type: 'exponential', base: 3, max: 20 },
];

function wait(backoff: Backoff, retry: number): number {
  const raw = backoff.type === 'fixed' ? backoff.base : backoff.type === 'linear' ? backoff.base * retry : backoff.base * 2 ** (retry - 1);
  return Math.min(raw, backoff.max ?? Infinity);
}

class Model {
  now = 0;
  jobs: ModelJob[] = [];
  dead: ModelJob[] = [];
  tenants = new Map<string, ModelTenant>();
  virtualTime = 0;
  seq = 0;
  nextId = 1;
  nextPayload = 0;
  /** Every payload ever taken to completion or cancelled: none may come back. */
  gone = new Set<number>();

  constructor(
    readonly max: boolean,
    readonly capacity: number,
  ) {}

  tenant(name: string): ModelTenant {
    let tenant = this.tenants.get(name);
    if (!tenant) this.tenants.set(name, (tenant = { weight: 1, pass: 0, inRotation: false, turnSeq: 0 }));
    return tenant;
  }

  get held(): number {
    return this.jobs.filter((j) => j.state !== 'dead').length;
  }

  count(state: JobState): number {
    return this.jobs.filter((j) => j.state === state).length;
  }

  find(id: JobId): ModelJob | undefined {
    return this.jobs.find((j) => j.id === id);
  }

  becomeDue(job: ModelJob): void {
    job.state = 'waiting';
    job.readySeq = this.seq++;
    const tenant = this.tenant(job.tenant);
    if (!tenant.inRotation) {
      tenant.pass = this.entryPass(tenant);
      tenant.inRotation = true;
      tenant.turnSeq = this.seq++;
    }
  }

  /** A tenant enters the rotation at its pass, but not below virtual time nor below any tenant waiting there. */
  entryPass(tenant: ModelTenant): number {
    const waiting = [...this.tenants.values()].filter((t) => t.inRotation).map((t) => t.pass);
    return Math.max(tenant.pass, this.virtualTime, waiting.length > 0 ? Math.min(...waiting) : -Infinity);
  }

  place(job: ModelJob, delay: number): void {
    if (delay > 0) {
      job.state = 'delayed';
      job.dueAt = this.now + delay;
      job.delaySeq = this.seq++;
    } else {
      this.becomeDue(job);
    }
  }

  promote(): void {
    for (;;) {
      const due = this.jobs
        .filter((j) => j.state === 'delayed' && j.dueAt <= this.now)
        .sort((x, y) => x.dueAt - y.dueAt || x.delaySeq - y.delaySeq)[0];
      if (!due) return;
      this.becomeDue(due);
    }
  }

  waitingOf(tenant: string): ModelJob[] {
    const sign = this.max ? -1 : 1;
    return this.jobs
      .filter((j) => j.state === 'waiting' && j.tenant === tenant)
      .sort((x, y) => sign * x.priority - sign * y.priority || x.readySeq - y.readySeq);
  }

  leaveRotationIfEmpty(name: string): void {
    if (this.waitingOf(name).length === 0) this.tenant(name).inRotation = false;
  }

  take(): ModelJob | undefined {
    this.promote();
    let turn: [string, ModelTenant] | undefined;
    for (const entry of this.tenants) {
      const [, t] = entry;
      if (t.inRotation && (!turn || t.pass < turn[1].pass || (t.pass === turn[1].pass && t.turnSeq < turn[1].turnSeq))) turn = entry;
    }
    if (!turn) return undefined;
    const [name, tenant] = turn;
    const job = this.waitingOf(name)[0]!;
    this.virtualTime = tenant.pass;
    tenant.pass += 1 / tenant.weight;
    tenant.turnSeq = this.seq++;
    job.state = 'in-flight';
    job.attempt++;
    job.startedAt = this.now;
    this.leaveRotationIfEmpty(name);
    return job;
  }

  remove(job: ModelJob): void {
    this.jobs.splice(this.jobs.indexOf(job), 1);
    if (job.state === 'dead') this.dead.splice(this.dead.indexOf(job), 1);
    const wasWaiting = job.state === 'waiting';
    job.state = 'gone' as JobState;
    if (wasWaiting) this.leaveRotationIfEmpty(job.tenant);
  }
}

interface Real {
  s: Scheduler<number>;
  clock: { now: number };
  readonly arena: Arena;
}

type Command = fc.Command<Model, Real>;

function check(model: Model, real: Real): void {
  model.promote();
  const stats = real.s.stats();
  expect({ waiting: stats.waiting, delayed: stats.delayed, inFlight: stats.inFlight, dead: stats.dead }).toEqual({
    waiting: model.count('waiting'),
    delayed: model.count('delayed'),
    inFlight: model.count('in-flight'),
    dead: model.count('dead'),
  });
  expect(real.s.size).toBe(model.held);
  for (const job of model.jobs) {
    expect(real.s.get(job.id)).toMatchObject({ state: job.state, payload: job.payload, attempt: job.attempt, priority: job.priority, tenant: job.tenant });
  }
  expect(real.s.deadLetters().map((d) => d.id)).toEqual(model.dead.map((d) => d.id));
}

/** Picks one of the model's jobs in `states` by an index drawn up front. */
function pick(model: Model, index: number, states: JobState[]): ModelJob | undefined {
  const candidates = model.jobs.filter((j) => states.includes(j.state));
  return candidates.length === 0 ? undefined : candidates[index % candidates.length];
}

class Submit implements Command {
  constructor(
    readonly priority: number,
    readonly delay: number,
    readonly tenant: string,
    readonly attempts: number,
    readonly backoff: number,
    readonly ownId: boolean,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const payload = model.nextPayload++;
    const options = { priority: this.priority, delay: this.delay, tenant: this.tenant, attempts: this.attempts, backoff: BACKOFFS[this.backoff]!, ...(this.ownId ? { id: `own-${payload}` } : {}) };
    if (model.held >= model.capacity) {
      expect(() => real.s.submit(payload, options)).toThrow(CapacityError);
      return check(model, real);
    }
    const id = real.s.submit(payload, options);
    if (this.ownId) expect(id).toBe(`own-${payload}`);
    else {
      while (model.find(model.nextId)) model.nextId++;
      expect(id).toBe(model.nextId++);
    }
    model.promote();
    const job: ModelJob = { id, payload, tenant: this.tenant, priority: this.priority, state: 'waiting', attempt: 0, attempts: this.attempts, backoff: BACKOFFS[this.backoff]!, readySeq: 0, dueAt: 0, delaySeq: 0, startedAt: 0 };
    model.jobs.push(job);
    model.place(job, this.delay);
    check(model, real);
  }
  toString = () => `submit(p${this.priority}, delay ${this.delay}, ${this.tenant}, ${this.attempts} attempts, backoff ${this.backoff}${this.ownId ? ', own id' : ''})`;
}

class Take implements Command {
  check = () => true;
  run(model: Model, real: Real): void {
    const expected = model.take();
    const taken = real.s.take();
    if (!expected) expect(taken).toBeUndefined();
    else {
      expect(taken).toEqual({ id: expected.id, payload: expected.payload, priority: expected.priority, tenant: expected.tenant, attempt: expected.attempt, attempts: expected.attempts });
      expect(model.gone.has(taken!.payload)).toBe(false);
    }
    check(model, real);
  }
  toString = () => 'take';
}

class Ack implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const job = pick(model, this.index, ['in-flight']);
    if (!job) return;
    real.s.ack(job.id);
    model.remove(job);
    model.gone.add(job.payload);
    expect(() => real.s.ack(job.id)).toThrow(NotFoundError);
    check(model, real);
  }
  toString = () => `ack(#${this.index})`;
}

class Fail implements Command {
  /** `delay`: the wait `fail` names in place of the backoff (undefined: the backoff). */
  constructor(
    readonly index: number,
    readonly delay?: number,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const job = pick(model, this.index, ['in-flight']);
    if (!job) {
      const waiting = pick(model, this.index, ['waiting', 'delayed', 'dead']);
      if (waiting) expect(() => real.s.fail(waiting.id, 'not in flight')).toThrow(StateError);
      return;
    }
    const state = real.s.fail(job.id, `failure ${job.attempt}`, this.delay === undefined ? undefined : { delay: this.delay });
    model.promote();
    if (job.attempt < job.attempts) model.place(job, this.delay ?? wait(job.backoff, job.attempt));
    else {
      job.state = 'dead';
      model.dead.push(job);
    }
    expect(state).toBe(job.state);
    expect(real.s.get(job.id)?.history).toHaveLength(job.attempt);
    check(model, real);
  }
  toString = () => `fail(#${this.index}${this.delay === undefined ? '' : `, { delay: ${this.delay} }`})`;
}

class Cancel implements Command {
  constructor(
    readonly index: number,
    readonly states: JobState[],
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const job = pick(model, this.index, this.states);
    if (!job) {
      expect(real.s.cancel('never-submitted')).toBe(false);
      return;
    }
    expect(real.s.cancel(job.id)).toBe(true);
    model.remove(job);
    model.gone.add(job.payload);
    expect(real.s.cancel(job.id)).toBe(false);
    check(model, real);
  }
  toString = () => `cancel(#${this.index} of ${this.states.join('|')})`;
}

class Reprioritize implements Command {
  constructor(
    readonly index: number,
    readonly priority: number,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const job = pick(model, this.index, ['waiting', 'delayed', 'in-flight', 'dead']);
    if (!job) return;
    real.s.reprioritize(job.id, this.priority);
    job.priority = this.priority;
    check(model, real);
  }
  toString = () => `reprioritize(#${this.index}, ${this.priority})`;
}

class Requeue implements Command {
  constructor(readonly index: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const job = pick(model, this.index, ['dead']);
    if (!job) return;
    if (model.held >= model.capacity) {
      expect(() => real.s.requeue(job.id)).toThrow(CapacityError);
      return check(model, real);
    }
    real.s.requeue(job.id);
    model.promote();
    model.dead.splice(model.dead.indexOf(job), 1);
    job.attempt = 0;
    model.place(job, 0);
    check(model, real);
  }
  toString = () => `requeue(#${this.index})`;
}

class Advance implements Command {
  constructor(readonly ms: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    model.now += this.ms;
    real.clock.now += this.ms;
    check(model, real);
  }
  toString = () => `advance(${this.ms})`;
}

class SetWeight implements Command {
  constructor(
    readonly tenant: string,
    readonly weight: number,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    real.s.setTenantWeight(this.tenant, this.weight);
    model.tenant(this.tenant).weight = this.weight;
    check(model, real);
  }
  toString = () => `setTenantWeight(${this.tenant}, ${this.weight})`;
}

/**
 * Snapshot and restore. In-flight jobs come back waiting at the head of their tenant's line among
 * equal priorities, in the order they started, with the interrupted attempt counted; one that was
 * on its last attempt becomes a dead letter. Jobs that started at the same time have no documented
 * order among themselves, so the command waits for a state without such a tie.
 */
class SnapshotRestore implements Command {
  check = (model: Readonly<Model>) => {
    const starts = model.jobs.filter((j) => j.state === 'in-flight').map((j) => j.startedAt);
    return new Set(starts).size === starts.length;
  };
  run(model: Model, real: Real): void {
    const bytes = real.s.snapshot();
    const arena = real.arena;
    real.s.dispose();
    real.s = Scheduler.restore<number>(bytes, { clock: () => real.clock.now, arena });
    model.promote();
    const interrupted = model.jobs.filter((j) => j.state === 'in-flight').sort((x, y) => x.startedAt - y.startedAt);
    let head = Math.min(0, ...model.jobs.map((j) => j.readySeq)) - interrupted.length;
    for (const job of interrupted) {
      if (job.attempt >= job.attempts) {
        job.state = 'dead';
        model.dead.push(job);
        continue;
      }
      const tenant = model.tenant(job.tenant);
      job.state = 'waiting';
      job.readySeq = head++;
      if (!tenant.inRotation) {
        tenant.pass = model.entryPass(tenant);
        tenant.inRotation = true;
        tenant.turnSeq = model.seq++;
      }
    }
    check(model, real);
    for (const job of interrupted) {
      const history = real.s.get(job.id)!.history;
      expect(history).toHaveLength(job.attempt);
      expect(String(history.at(-1)!.reason)).toContain('interrupted by a restore');
    }
  }
  toString = () => 'snapshot+restore';
}

/** shrink() gives memory back and changes nothing the model can see. */
class Shrink implements Command {
  check = () => true;
  run(model: Model, real: Real): void {
    real.s.shrink();
    check(model, real);
  }
  toString = () => 'shrink';
}

const index = fc.nat({ max: 50 });
/** A few priorities (the usual), or many: a tenant's line past LEVEL_LIMIT moves into a heap. */
const fewPriorities = fc.integer({ min: 0, max: 3 });
const manyPriorities = fc.oneof(fewPriorities, fc.integer({ min: 4, max: LEVEL_LIMIT + 30 }));
/** With many priorities: one tenant gets a run of distinct ones, enough to pass LEVEL_LIMIT. */
const flood = fc
  .tuple(fc.integer({ min: -10, max: 10 }), fc.integer({ min: LEVEL_LIMIT - 8, max: LEVEL_LIMIT + 8 }), fc.constantFrom(...TENANTS))
  .map(([start, count, tenant]): Command => ({
    check: () => true,
    run(model, real) {
      for (let p = start; p < start + count; p++) new Submit(p, 0, tenant, 2, 0, false).run(model, real);
    },
    toString: () => `flood(${start}..${start + count - 1}, ${tenant})`,
  }));
const commands = (priority: fc.Arbitrary<number>, extra: fc.Arbitrary<Command>[] = []) => fc.commands(
  [
    ...extra,
    fc
      .tuple(priority, fc.constantFrom(0, 0, 0, 5, 10, 20), fc.constantFrom(...TENANTS), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: BACKOFFS.length - 1 }), fc.boolean())
      .map(([p, d, t, a, b, own]) => new Submit(p, d, t, a, b, own)),
    fc.constant(new Take()),
    fc.constant(new Take()),
    index.map((i) => new Ack(i)),
    fc.tuple(index, fc.option(fc.constantFrom(0, 1, 7, 40), { nil: undefined })).map(([i, delay]) => new Fail(i, delay)),
    fc.tuple(index, fc.constantFrom<JobState[]>(['waiting'], ['delayed'], ['in-flight'], ['dead'], ['waiting', 'delayed', 'in-flight', 'dead'])).map(([i, states]) => new Cancel(i, states)),
    fc.tuple(index, priority).map(([i, p]) => new Reprioritize(i, p)),
    index.map((i) => new Requeue(i)),
    fc.constantFrom(1, 3, 5, 10, 25).map((ms) => new Advance(ms)),
    fc.tuple(fc.constantFrom(...TENANTS), fc.constantFrom(0.5, 1, 2, 3)).map(([t, w]) => new SetWeight(t, w)),
    fc.constant(new SnapshotRestore()),
    fc.constant(new Shrink()),
  ],
  { maxCommands: 80, size: 'max' },
);

describe.each(Object.keys(builds) as BuildName[])('Scheduler lifecycle against a model (%s build)', (build) => {
  for (const [order, priorities, numRuns] of [['min', 'few', 300], ['max', 'few', 300], ['min', 'many', 15], ['max', 'many', 15]] as const) {
    it(`loses, duplicates and reorders no job (order: ${order}, ${priorities} priorities)`, () => {
      const arena = arenaOn(build);
      const many = priorities === 'many';
      const capacity = many ? 3 * LEVEL_LIMIT : CAPACITY;
      fc.assert(
        fc.property(many ? commands(manyPriorities, [flood]) : commands(fewPriorities), (cmds) => {
          const clock = { now: 0 };
          const real: Real = { s: new Scheduler<number>({ capacity, order, clock: () => clock.now, arena }), clock, arena };
          const model = new Model(order === 'max', capacity);
          try {
            fc.modelRun(() => ({ model, real }), cmds);
            const s = real.s;
            // Finally drain everything: each held job comes out once, in the model's order.
            clock.now = model.now += 1000;
            for (const job of [...model.dead]) {
              s.cancel(job.id);
              model.remove(job);
            }
            for (let expected = model.take(); expected; expected = model.take()) {
              expect(s.take()?.id).toBe(expected.id);
              s.ack(expected.id);
              model.remove(expected);
            }
            for (const job of model.jobs.filter((j) => j.state === 'in-flight')) s.ack(job.id);
            expect(s.take()).toBeUndefined();
            expect(s.stats()).toMatchObject({ waiting: 0, delayed: 0, dead: 0, inFlight: 0 });
          } finally {
            real.s.dispose();
          }
        }),
        { numRuns },
      );
    });
  }
});
