import { randomBytes } from 'node:crypto';

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * Deterministic PRNG (mulberry32). Seeded randomness keeps the demo ids stable
 * across restarts and makes random fault runs reproducible.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/** Unseeded randomness backed by node:crypto, drawn from a pool: one system call per 1024 numbers. */
export const cryptoRandom: Random = () => {
  if (offset + 4 > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const value = pool.readUInt32LE(offset);
  offset += 4;
  return value / 2 ** 32;
};

export function randomDigits(random: Random, length: number): string {
  let digits = '';
  for (let i = 0; i < length; i++) digits += Math.floor(random() * 10).toString();
  return digits;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick() from an empty list');
  return item;
}
