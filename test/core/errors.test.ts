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
