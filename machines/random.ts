/**
 * mulberry32, a tiny seedable generator: the retry machine draws its jitter from
 * it (its state lives in context, so runs are reproducible and model-checkable),
 * and the project's generated data and tests use it for repeatable samples.
 * `Math.random` cannot be seeded.
 */

/** How the generator's state advances per draw. */
export const RNG_STEP = 0x6d2b79f5;

/** A uniform number in [0, 1) from the generator state (mulberry32's output function). */
export function rngValue(state: number): number {
  let t = (state + RNG_STEP) | 0;
  t = Math.imul(t ^ (t >>> 15), 1 | t);
  t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A generator of uniform numbers in [0, 1): the same `seed` always gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    const value = rngValue(state);
    state = (state + RNG_STEP) | 0;
    return value;
  };
}
