/**
 * Status codes the core returns (assembly/status.ts). A test checks these against the module's
 * STATUS_* exports, so the two files cannot drift apart.
 */
export const CAPACITY = -1;
export const EMPTY = -2;
export const STALE = -3;
export const FOREIGN = -4;
export const FORGED = -5;
export const OUT_OF_RANGE = -6;
