import type { RiskEngine } from '../../core/engine.ts';
import type { RiskActions } from '../../core/engine-types.ts';
import { requiredIndexNames } from '../../core/rules/index-freshness.ts';
import type { BreakerTrip } from '../../core/state-store.ts';
import type { GatewayContext } from '../context.ts';
import type { IndexReading } from '../wire/parse-index-readings.ts';

/** The last reading of one index, with when and how it arrived. */
export interface IndexEntry extends IndexReading {
  /** When the gateway took it, epoch ms. */
  readonly receivedAt: number;
  /** `api` (posted) or `poller`. */
  readonly source: string;
}

/** A reading that was not applied, and why. */
export interface IgnoredReading {
  readonly reading: IndexReading;
  readonly reason: string;
  /** The reading in force, which this one did not replace. */
  readonly last: { readonly value: number; readonly time: number };
}

/** What {@link IndexBook.accept} did with a batch. */
export interface AcceptResult {
  readonly accepted: readonly IndexReading[];
  readonly ignored: readonly IgnoredReading[];
  /** Breakers the readings tripped (the engine's state already moved). */
  readonly trips: readonly BreakerTrip[];
  /** Resolves once the trips' actions (persist, alert, cancel, flatten) have been carried out. */
  readonly settled: Promise<void>;
}

/** One index as `/v1/state` shows it. */
export interface IndexView {
  readonly name: string;
  readonly value: number | null;
  /** Reading time, epoch ms, or null when none was received since the start. */
  readonly time: number | null;
  readonly ageMs: number | null;
  /** True when entries need it fresh. */
  readonly required: boolean;
  /** True when required and missing or older than `maxAgeMs`. */
  readonly stale: boolean;
  readonly maxAgeMs: number;
  readonly source: string | null;
  readonly receivedAt: number | null;
}

/**
 * Keeps each market index's last reading and hands every newer one to the engine in force, whose
 * breakers (the VIX breaker) and regime exits use it exactly as in a backtest; the actions it
 * answers go the way of any mark's. A reading not newer than the one in force is ignored, so a
 * feed that repeats or reorders itself never sets an index back.
 */
export class IndexBook {
  readonly #ctx: GatewayContext;
  readonly #handle: (actions: RiskActions, source: string) => Promise<void>;
  readonly #last = new Map<string, IndexEntry>();
  /** The polled source's health, set by the poller when there is one. */
  source: { readonly url: string; lastPollAt: number; lastError: string | null } | undefined;

  constructor(ctx: GatewayContext, handle: (actions: RiskActions, source: string) => Promise<void>) {
    this.#ctx = ctx;
    this.#handle = handle;
  }

  /** Indices entries need fresh: the profile's (VIX for a VIX breaker or regime) and the configured ones. */
  required(): string[] {
    return requiredIndexNames(this.#ctx.risk.engine.profile, this.#ctx.config.indices.required);
  }

  /** Index names the feed takes: the configured ones and every required one. */
  accepted(): string[] {
    return [...new Set([...this.#ctx.config.indices.names, ...this.required()])];
  }

  /** The last reading of an index, if any. */
  last(name: string): IndexEntry | undefined {
    return this.#last.get(name);
  }

  /**
   * Applies validated readings oldest first; readings not newer than the last of their index
   * are ignored and reported. Never throws.
   */
  accept(readings: readonly IndexReading[], source: string): AcceptResult {
    const ordered = readings
      .map((reading, i) => ({ reading, i }))
      .sort((a, b) => a.reading.time - b.reading.time || a.i - b.i)
      .map((x) => x.reading);
    const accepted: IndexReading[] = [];
    const ignored: IgnoredReading[] = [];
    const trips: BreakerTrip[] = [];
    const work: Promise<void>[] = [];
    const receivedAt = Date.now();
    for (const reading of ordered) {
      const last = this.#last.get(reading.name);
      if (last !== undefined && reading.time <= last.time) {
        ignored.push({
          reading,
          reason:
            reading.time === last.time ? 'same time as the last reading' : 'older than the last reading',
          last: { value: last.value, time: last.time },
        });
        continue;
      }
      this.#last.set(reading.name, { ...reading, receivedAt, source });
      accepted.push(reading);
      const actions = this.#ctx.risk.engine.onMarket({ kind: 'index', ...reading });
      trips.push(...actions.trips);
      work.push(this.#handle(actions, 'index'));
    }
    if (accepted.length > 0)
      this.#ctx.log.debug({ source, accepted: accepted.length, ignored: ignored.length }, 'index readings');
    return {
      accepted,
      ignored,
      trips,
      settled: Promise.allSettled(work).then(() => undefined),
    };
  }

  /**
   * Hands every last reading to a new engine (after a profile change) before it takes over, so
   * it does not start blind; its actions are carried out like any reading's.
   */
  replayInto(engine: RiskEngine): void {
    for (const entry of [...this.#last.values()].sort((a, b) => a.time - b.time)) {
      const actions = engine.onMarket({
        kind: 'index',
        name: entry.name,
        value: entry.value,
        time: entry.time,
      });
      void this.#handle(actions, 'index');
    }
  }

  /** Every accepted or received index with its last value, time and age at `now` (epoch ms). */
  view(now: number): IndexView[] {
    const required = new Set(this.required());
    const maxAgeMs = this.#ctx.config.indices.maxAgeMs;
    const names = [...new Set([...this.accepted(), ...this.#last.keys()])];
    return names.map((name) => {
      const e = this.#last.get(name);
      const ageMs = e === undefined ? null : now - e.time;
      return {
        name,
        value: e?.value ?? null,
        time: e?.time ?? null,
        ageMs,
        required: required.has(name),
        stale: required.has(name) && (ageMs === null || ageMs > maxAgeMs),
        maxAgeMs,
        source: e?.source ?? null,
        receivedAt: e?.receivedAt ?? null,
      };
    });
  }

  /** The `indices` section of `/v1/state`. */
  stateView(now: number): Record<string, unknown> {
    return {
      maxAgeMs: this.#ctx.config.indices.maxAgeMs,
      required: this.required(),
      readings: this.view(now),
      source:
        this.source === undefined ? null : { ...this.source, lastPollAt: this.source.lastPollAt || null },
    };
  }
}
