// Per-decision random streams: every choice the simulation makes draws from a generator seeded by
// (run seed, what is being decided), so the same inputs give the same choices whatever order the
// PDS answers in.
import { seededRandom, type Random } from '@botsky/ratings';

/** FNV-1a over the parts, mixed with the run seed: a 32-bit seed for one decision. */
export function decisionSeed(seed: number, ...parts: readonly (string | number)[]): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const part of parts) {
    const s = `${part}\u0001`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h;
}

export function decisionRandom(seed: number, ...parts: readonly (string | number)[]): Random {
  return seededRandom(decisionSeed(seed, ...parts));
}

/** A Poisson draw by inversion; the rates here are small (a few events per tick at most). */
export function poisson(lambda: number, rand: Random): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit && k < 1000) {
    k++;
    p *= rand();
  }
  return k;
}
