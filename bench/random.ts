/**
 * Seeded randomness, so every contender in a run sees exactly the same keys in the same order, and
 * two runs of the suite see the same ones too.
 */

/** mulberry32: 32 bits of state, fast, good enough to shuffle benchmark keys (not for anything else). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` keys uniform in [0, scale), from `seed`, with 53 random bits each: 32 bits would repeat
 * a key about once per 100,000 (the birthday bound), and a repeated key lets each library's own
 * tie rule pick a different order. With 53 bits, ten million keys are distinct in practice.
 */
export function randomKeys(count: number, seed: number, scale = 1_000_000): Float64Array {
  const next = seededRandom(seed);
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const high = Math.floor(next() * 2 ** 21);
    const low = Math.floor(next() * 2 ** 32);
    keys[i] = ((high * 2 ** 32 + low) / 2 ** 53) * scale;
  }
  return keys;
}
