declare const handleBrand: unique symbol;

/**
 * What `PriorityQueue.push` returns: a plain number (an exact integer below 2^53, storable in a
 * Float64Array or as a Map key) that names one item of one queue. A handle whose item has left is
 * stale forever, even when its slot holds another item now; one of another queue or arena, or a
 * number that was never issued, is rejected. The layout is drawn in assembly/slots.ts.
 */
export type Handle = number & { readonly [handleBrand]: true };
