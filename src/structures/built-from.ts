import { InvalidArgumentError, describe, renamedFor } from '../core/errors.js';
import { iterable } from '../core/validate.js';

/**
 * What `X.from` returns: the structure `make` builds, filled by `fill`. On failure (a bad option,
 * item or id, a full arena) a structure already made is disposed, so that it holds no arena
 * memory until collected, and the error names `where` rather than the call that raised it inside.
 */
export function builtFrom<S extends object>(where: string, make: () => S, fill: (structure: S) => void): S {
  let structure: S | undefined;
  try {
    structure = make();
    fill(structure);
    return structure;
  } catch (error) {
    (structure as { dispose?: () => void } | undefined)?.dispose?.();
    throw renamedFor(where, error);
  }
}

/**
 * A `from`'s `entries` as two columns, the pairs' first and second elements (`pair` names them,
 * as `[item, priority]`), for a `pushMany`. Each entry must be an object: a number or a string in
 * its place is refused by its index, where indexing it would have read garbage.
 */
export function pairColumns<A, B>(where: string, entries: unknown, pair: string): [A[], B[]] {
  const firsts: A[] = [];
  const seconds: B[] = [];
  for (const entry of iterable<readonly [A, B]>(where, entries, `${pair} pairs`)) {
    if (entry === null || typeof entry !== 'object') {
      throw new InvalidArgumentError(`${where}: entries[${firsts.length}]: expected an ${pair} pair, got ${describe(entry)}`);
    }
    firsts.push(entry[0]);
    seconds.push(entry[1]);
  }
  return [firsts, seconds];
}
