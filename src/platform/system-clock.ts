import type { Clock } from '../core/clock.ts';

/** The wall clock, for live use. The core never reads it directly: it is injected. */
export const systemClock: Clock = { now: () => Date.now() };
