import { expect, it, vi } from 'vitest';
import * as flatsched from '../../src/index.js';

const classes = ['CapacityError', 'InvalidArgumentError', 'InvalidPriorityError', 'StaleHandleError', 'NotFoundError', 'StateError', 'SnapshotError', 'PoisonedArenaError'] as const;

it.each(classes)('%s is a FlatschedError with its own name and a cause', (name) => {
  const ErrorClass = flatsched[name];
  const error = new ErrorClass('Queue.push: capacity (1) exceeded', { cause: 'why' });
  expect(error).toBeInstanceOf(flatsched.FlatschedError);
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe(name);
  expect(error.cause).toBe('why');
  expect(String(error)).toBe(`${name}: Queue.push: capacity (1) exceeded`);
});

it('InvalidPriorityError is an InvalidArgumentError', () => {
  expect(new flatsched.InvalidPriorityError('x')).toBeInstanceOf(flatsched.InvalidArgumentError);
});

it('an error from another copy of the library (an ESM and a CommonJS build side by side) is an instance of this copy\'s classes, by kind', async () => {
  vi.resetModules();
  const other = await import('../../src/core/errors.js');
  expect(other.CapacityError).not.toBe(flatsched.CapacityError); // truly a second set of classes
  const theirs = new other.InvalidPriorityError('PriorityQueue.push: expected a finite number priority, got NaN');
  expect(theirs).toBeInstanceOf(flatsched.InvalidPriorityError);
  expect(theirs).toBeInstanceOf(flatsched.InvalidArgumentError);
  expect(theirs).toBeInstanceOf(flatsched.FlatschedError);
  expect(theirs).not.toBeInstanceOf(flatsched.CapacityError);
  expect(new flatsched.StateError('x')).toBeInstanceOf(other.StateError);
  expect(new flatsched.StateError('x')).not.toBeInstanceOf(other.SnapshotError);
  expect({ name: 'CapacityError' }).not.toBeInstanceOf(flatsched.CapacityError);
  expect(new Error('x')).not.toBeInstanceOf(flatsched.FlatschedError);
});

it('from() names itself in every error, whichever call inside raised it, and leaves nothing in the arena', () => {
  const { Queue, Stack, NumericQueue, NumericStack, PriorityQueue, Arena } = flatsched;
  const arena = new Arena({ maxMemory: 4 << 20 });
  const before = arena.bytesInUse;
  const cases: [string, () => unknown, string][] = [
    ['Queue.from', () => Queue.from([1, 2, 3], { capacity: 2 }), 'Queue.from: capacity (2) exceeded'],
    ['Queue.from', () => Queue.from([1], { capacity: -1 }), 'Queue.from: expected `capacity` to be an integer >= 1, got -1'],
    ['Stack.from', () => Stack.from([1], { limit: 0 }), 'Stack.from: expected `limit` to be an integer >= 1, got 0'],
    ['NumericQueue.from', () => NumericQueue.from([1, 2, 3], { capacity: 2, arena }), 'NumericQueue.from: capacity (2) exceeded'],
    ['NumericQueue.from', () => NumericQueue.from([1, -2], { arena }), 'NumericQueue.from: ids[1]: expected an integer from 0 to 4294967295, got -2'],
    ['NumericStack.from', () => NumericStack.from([1, 1.5], { arena }), 'NumericStack.from: ids[1]'],
    ['PriorityQueue.from', () => PriorityQueue.from([['a', 1], ['b', Number.NaN]], { arena }), 'PriorityQueue.from: priorities[1]: expected a finite number priority, got NaN'],
  ];
  for (const [where, call, message] of cases) {
    let thrown: unknown;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown, where).toBeInstanceOf(flatsched.FlatschedError);
    expect((thrown as Error).message.startsWith(message), `${where}: ${(thrown as Error).message}`).toBe(true);
  }
  expect(arena.bytesInUse).toBe(before);
});

it('an unbounded bound read back from its getter (Infinity) is accepted as an option', () => {
  const { Queue, Stack, NumericQueue, NumericStack, Scheduler, Balancer } = flatsched;
  const queue = new Queue({ capacity: new Queue().capacity });
  const stack = new Stack({ limit: new Stack().limit });
  const numeric = new NumericQueue({ capacity: Infinity });
  const numericStack = new NumericStack({ limit: Infinity });
  const s = new Scheduler({ capacity: Infinity, maxDelayed: Infinity, tenantCapacity: Infinity, maxDeadLetters: Infinity });
  const b = new Balancer<string>();
  b.add('w', { capacity: b.statsOf(b.add('v')).capacity });
  expect([queue.capacity, stack.limit, numeric.capacity, numericStack.limit, s.capacity, s.maxDelayed, s.tenantCapacity('t'), b.statsOf('w').capacity]).toEqual(Array(8).fill(Infinity));
  for (let i = 0; i < 100; i++) stack.push(i);
  expect(stack.size).toBe(100); // unbounded: nothing dropped
  for (const bad of [-Infinity, Number.NaN, 0, 1.5]) expect(() => new Queue({ capacity: bad })).toThrow(flatsched.InvalidArgumentError);
});

it('an option a call does not take (a misspelt one) is an InvalidArgumentError naming it and the names the call takes, with nothing built or changed', async () => {
  const { Queue, Stack, NumericQueue, NumericStack, NumericPriorityQueue, PriorityQueue, Scheduler, Balancer, History, Arena, init, initSync } = flatsched;
  const scheduler = new Scheduler<string>();
  const balancer = new Balancer<string>();
  const history = new History<number>();
  history.push(1);
  history.push(2);
  const pq = PriorityQueue.from([['a', 1]]);
  const cases: [string, () => unknown][] = [
    ['Queue', () => new Queue({ capcity: 1 } as never)],
    ['Queue', () => new Queue({ arena: new Arena() } as never)], // plain JS: it takes no arena
    ['Stack', () => new Stack({ limt: 1 } as never)],
    ['NumericQueue', () => new NumericQueue({ overflo: 'reject' } as never)],
    ['NumericStack', () => new NumericStack({ limits: 1 } as never)],
    ['NumericPriorityQueue', () => new NumericPriorityQueue({ order: 'max' } as never)],
    ['PriorityQueue', () => new PriorityQueue({ eager: true } as never)],
    ['PriorityQueue.restore', () => PriorityQueue.restore(pq.snapshot(), { maxbytes: 10 } as never)],
    ['PriorityQueue.snapshot', () => pq.snapshot({ codecs: {} } as never)],
    ['Queue.restore', () => Queue.restore(new Queue().snapshot(), { arena: new Arena() } as never)],
    ['Scheduler', () => new Scheduler({ concurency: 2 } as never)],
    ['Scheduler.canAccept', () => scheduler.canAccept(1, { tenat: 'a' } as never)],
    ['Scheduler.run', () => scheduler.run(() => {}, { concurency: 2 } as never)],
    ['Scheduler.restore', () => Scheduler.restore(scheduler.snapshot(), { ordr: 'max' } as never)],
    ['Scheduler.submit: backoff', () => scheduler.submit('x', { backoff: { type: 'fixed', base: 1, maximum: 5 } as never })],
    ['Balancer', () => new Balancer({ stratgy: 'p2c' } as never)],
    ['Balancer: slowStart', () => new Balancer({ slowStart: { window: 10, step: 2 } as never })],
    ['Balancer.add', () => balancer.add('w', { wieght: 2 } as never)],
    ['Balancer.restore', () => Balancer.restore(balancer.snapshot(), { strategi: 'p2c' } as never)],
    ['History', () => new History({ limt: 3 } as never)],
    ['History.push', () => history.push(3, { reson: 'x' } as never)],
    ['History.undo', () => history.undo({ dryrun: true } as never)],
    ['History.rollback', () => history.rollback(1, { dryrun: true } as never)],
    ['History.restore', () => History.restore(history.snapshot(), { limits: 3 } as never)],
    ['Arena', () => new Arena({ maxmemory: 1 << 22 } as never)],
    ['initSync', () => initSync({ byte: new Uint8Array() } as never)],
  ];
  for (const [where, call] of cases) {
    let error: unknown;
    try {
      await call();
    } catch (caught) {
      error = caught;
    }
    expect(error, where).toBeInstanceOf(flatsched.InvalidArgumentError);
    expect((error as Error).message, where).toMatch(new RegExp(`^${where.replace(/[.]/g, '\\.')}: unknown option "\\w+"; it takes \``));
  }
  await expect(init({ urls: 'x' } as never)).rejects.toThrow(/^init: unknown option "urls"; it takes `module`, `bytes`, `url`$/);
  expect(scheduler.size).toBe(0);
  expect(history.list().map((record) => record.revision)).toEqual([2, 1]);
  expect(balancer.size).toBe(0);
  // A job's own options are read per job, where reading their keys would cost more than the submit: not checked.
  expect(() => scheduler.submit('x', { priorty: 1 } as never)).not.toThrow();
  // Objects that TypeScript lets through as a wider type are taken: a job's options asked of canAccept,
  // one object for snapshot and restore, a restore-or-create given the constructor's options.
  const job = { priority: 2, tenant: 'a', delay: 0, attempts: 2, backoff: 10, id: 'j' };
  expect(scheduler.canAccept(1, job)).toBe(true);
  const entry = { payload: 'x', tenant: 'a' };
  expect(scheduler.canAccept(1, entry)).toBe(true);
  const io = { codec: { encode: JSON.stringify, decode: JSON.parse }, maxBytes: 1 << 20 };
  const historyOptions = { ...io, limit: 5, mode: 'default' as const };
  const schedulerOptions = { ...io, capacity: 10, order: 'max' as const, clock: () => 0 };
  const balancerOptions = { ...io, strategy: 'p2c' as const };
  const queueOptions = { ...io, capacity: 3 };
  const stackOptions = { ...io, limit: 3 };
  const pqOptions = { ...io, max: false };
  expect(History.restore(history.snapshot(io), historyOptions).size).toBe(2);
  expect(Scheduler.restore(scheduler.snapshot(io), schedulerOptions).size).toBe(1);
  expect(Balancer.restore(balancer.snapshot(io), balancerOptions).size).toBe(0);
  expect(Queue.restore(new Queue().snapshot(io), queueOptions).size).toBe(0);
  expect(Stack.restore(new Stack().snapshot(io), stackOptions).size).toBe(0);
  expect(PriorityQueue.restore(pq.snapshot(io), pqOptions).size).toBe(1);
});
