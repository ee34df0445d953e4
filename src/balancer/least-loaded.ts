import { loadPerWeight, type Member } from './member.js';
import type { Ranking } from './heap-tier.js';

/** Least-loaded: the lowest load per unit of weight is picked; ties by least recent pick. */
export const leastLoaded: Ranking<unknown> = {
  key: (member: Member<unknown>) => loadPerWeight(member),
};
