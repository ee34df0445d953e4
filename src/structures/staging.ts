// Filling the arena's staging area (assembly/staging.ts) for the batch calls of the heaps.

/**
 * Copies `count` priorities from `start` into the staging numbers as keys: negated for a max
 * queue, whose core is still a min-heap. A Float64Array of a min queue is one block copy.
 */
export function stageKeys(numbers: Float64Array, priorities: ArrayLike<number>, start: number, count: number, sign: 1 | -1): void {
  if (sign === 1 && priorities instanceof Float64Array) numbers.set(priorities.subarray(start, start + count));
  else for (let k = 0; k < count; k++) numbers[k] = sign * priorities[start + k]!;
}
