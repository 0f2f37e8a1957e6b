import type { Clock } from '../../core/clock.ts';

/** How simulated time moves: with the wall clock (optionally faster), or only when told to. */
export type SimClockMode = 'real' | 'manual';

/** Options of {@link SimClock}. */
export interface SimClockOptions {
  readonly mode: SimClockMode;
  /** Simulated start time in epoch ms; defaults to the wall clock at construction. */
  readonly startMs?: number;
  /** In `real` mode, simulated milliseconds per wall-clock millisecond (1 = real time). */
  readonly speed?: number;
  /** Wall clock, injectable for tests. */
  readonly wallClock?: () => number;
}

/**
 * The simulated exchange's clock: real time, accelerated real time (`speed`), or manual time
 * moved by `advanceTo`. It never runs backwards.
 */
export class SimClock implements Clock {
  readonly mode: SimClockMode;
  readonly speed: number;
  readonly #wall: () => number;
  #anchorSim: number;
  #anchorWall: number;

  constructor(options: SimClockOptions) {
    this.mode = options.mode;
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) {
      throw new RangeError(`SimClock: speed must be a positive number, got ${options.speed}`);
    }
    this.#wall = options.wallClock ?? Date.now;
    this.#anchorWall = this.#wall();
    this.#anchorSim = options.startMs ?? this.#anchorWall;
  }

  /** Current simulated time in epoch ms. */
  now(): number {
    if (this.mode === 'manual') return this.#anchorSim;
    return this.#anchorSim + (this.#wall() - this.#anchorWall) * this.speed;
  }

  /** Moves simulated time forward to `timeMs`; earlier times are ignored. */
  advanceTo(timeMs: number): void {
    if (!Number.isFinite(timeMs))
      throw new RangeError(`SimClock.advanceTo: time must be finite, got ${timeMs}`);
    const current = this.now();
    if (timeMs <= current) return;
    this.#anchorSim = timeMs;
    this.#anchorWall = this.#wall();
  }
}

/** Formats epoch ms as RFC 3339 with nanoseconds, as the broker does. */
export function rfc3339(ms: number): string {
  // toISOString always ends in `.sssZ`: the nanoseconds are its milliseconds and six zeros.
  return `${new Date(ms).toISOString().slice(0, -1)}000000Z`;
}
