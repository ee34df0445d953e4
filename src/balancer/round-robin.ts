import type { Ranking } from './heap-tier.js';

/**
 * Round-robin: every available worker has the same key, so the queue's tie rule alone decides,
 * and it serves the worker picked least recently. Unavailable workers are skipped without losing
 * their turn: one that comes back is picked next, as it waited longest.
 */
export const roundRobin: Ranking<unknown> = {
  key: () => 0,
};
