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
