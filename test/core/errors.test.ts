import { expect, it } from 'vitest';
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
