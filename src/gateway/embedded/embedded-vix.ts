import { seededRandom } from '../../broker/sim/seeded-random.ts';
import type { IndexBook } from '../indices/index-book.ts';

/** How often the embedded VIX is published, in ms: well inside the default 60 s maximum age. */
export const EMBEDDED_VIX_INTERVAL_MS = 5_000;

/** Long-run level, pull per step and noise per step of the embedded VIX, in VIX points. */
const MEAN = 16;
const PULL = 0.1;
const NOISE = 0.6;
/** Kept inside a calm range so the demo never trips a VIX breaker by chance. */
const LOW = 10;
const HIGH = 28;

/**
 * A seeded VIX for the embedded simulated exchange: a mean-reverting walk around 16, kept
 * between 10 and 28. The embedded market has no index of its own, and a profile with a VIX
 * breaker (the example profile) denies entries while the VIX is missing; this keeps the demo
 * trading. Each value rounds to the cent, as the Cboe publishes it.
 */
export function embeddedVixWalk(seed: number): () => number {
  const random = seededRandom(seed ^ 0x5f1c);
  let level = MEAN;
  return () => {
    const shock = (random() + random() + random() - 1.5) * 2 * NOISE;
    level = Math.min(HIGH, Math.max(LOW, level + PULL * (MEAN - level) + shock));
    return Math.round(level * 100) / 100;
  };
}

/**
 * Publishes the embedded VIX into the index book every {@link EMBEDDED_VIX_INTERVAL_MS}, from
 * now; the returned function stops it.
 */
export function startEmbeddedVix(book: IndexBook, seed: number): () => void {
  const next = embeddedVixWalk(seed);
  const publish = () => {
    book.accept([{ name: 'VIX', value: next(), time: Date.now() }], 'embedded');
  };
  publish();
  const timer = setInterval(publish, EMBEDDED_VIX_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
