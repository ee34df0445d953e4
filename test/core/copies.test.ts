import { expect, it, vi } from 'vitest';
import { InvalidArgumentError, PriorityQueue } from '../../src/index.js';

it("a handle of another copy of the library (an ESM and a CommonJS build side by side) is refused, never applied to that copy's items", async () => {
  const mine = new PriorityQueue<string>();
  const mineHandle = mine.push('mine', 1);
  vi.resetModules();
  const other = await import('../../src/index.js');
  expect(other.PriorityQueue).not.toBe(PriorityQueue); // truly a second copy, with arenas of its own
  const theirs = new other.PriorityQueue<string>();
  const theirHandle = theirs.push('theirs', 1);
  for (const call of [() => theirs.update(mineHandle, 5), () => theirs.remove(mineHandle)]) {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(/belongs to another queue/);
  }
  expect(theirs.has(mineHandle)).toBe(false);
  expect(theirs.get(mineHandle)).toBeUndefined();
  expect(() => mine.update(theirHandle, 5)).toThrow(InvalidArgumentError);
  expect([...theirs.entries()]).toEqual([['theirs', 1]]);
  expect([...mine.entries()]).toEqual([['mine', 1]]);
});
