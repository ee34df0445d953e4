// Status codes returned by every export that can fail. Negative, so an export can return either a
// non-negative result (a slot, a count, a value) or one of these. Mirrored in src/core/status.ts;
// a test checks the two against each other through the `STATUS_*` exported globals.

/** Memory (the arena's page limit or a single block's maximum) or a fixed bound would be exceeded. */
export const CAPACITY: i32 = -1;
/** The structure holds no item. */
export const EMPTY: i32 = -2;
/** The handle was issued by this arena, but its item has left. */
export const STALE: i32 = -3;
/** The handle is live, but belongs to another structure or another arena. */
export const FOREIGN: i32 = -4;
/** The handle was never issued: not an integer below 2^53, a slot never used, a future generation. */
export const FORGED: i32 = -5;
/** An index outside `0 .. length - 1`. */
export const OUT_OF_RANGE: i32 = -6;
