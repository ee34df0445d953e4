import { renamedFor } from '../core/errors.js';

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
