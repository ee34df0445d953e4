import { word } from '../core/validate.js';

/**
 * A seeded source of numbers in [0, 1) for the balancer's `random` option: the same seed gives
 * the same p2c choices, so a test or a benchmark can be replayed exactly. A 32-bit Weyl sequence
 * passed through MurmurHash3's finalizer: fast, period 2^32, plenty for choosing workers and not
 * meant for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = word('seededRandom', seed) | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}
