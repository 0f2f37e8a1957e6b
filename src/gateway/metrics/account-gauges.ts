import { Gauge, type Registry } from 'prom-client';
import type { RiskProfile } from '../../core/config/load-profile.ts';
import type { RiskSnapshot } from '../../core/engine-types.ts';
import { riskLimits, type SubjectLimit } from '../risk/risk-limits.ts';

/** What the account gauges are computed from, read once per refresh. */
export interface AccountGaugeInput {
  readonly snapshot: RiskSnapshot;
  readonly profile: RiskProfile;
  /** Last reading of a market index (e.g. `VIX`), NaN when none. */
  readonly indexLevel: (name: string) => number;
  /** The watched symbols: the only ones with a quote-age series, so its cardinality stays bounded. */
  readonly watched: Iterable<string>;
  /** Time (epoch ms) of the engine's latest price of a symbol; undefined or not finite when none. */
  readonly priceTime: (symbol: string) => number | undefined;
  /** Now, epoch ms. */
  readonly now: number;
}

/** A breaker's current value against the value at which it trips, in the breaker's own unit. */
interface BreakerReading {
  readonly code: string;
  readonly value: number;
  readonly threshold: number;
  /** Room left before it trips; 0 or negative once reached. */
  readonly headroom: number;
}

/**
 * The account's gauges: equity, cash, peak and day-start equity, daily P&L and the share of the
 * daily-loss limit used, drawdown, exposures with their limits and headroom, each breaker's
 * value against its threshold, and the age of the quote of each watched symbol. Limits and
 * headroom come from {@link riskLimits}, as in `/v1/state`.
 */
export class AccountGauges {
  readonly #equity: Gauge;
  readonly #cash: Gauge;
  readonly #peak: Gauge;
  readonly #dayStart: Gauge;
  readonly #dailyPnl: Gauge;
  readonly #dailyLossUsed: Gauge;
  readonly #drawdown: Gauge;
  readonly #exposure: Gauge<'scope'>;
  readonly #exposureLimit: Gauge<'scope'>;
  readonly #exposureHeadroom: Gauge<'scope'>;
  readonly #sector: Gauge<'sector'>;
  readonly #sectorLimit: Gauge<'sector'>;
  readonly #sectorHeadroom: Gauge<'sector'>;
  readonly #breakerValue: Gauge<'code'>;
  readonly #breakerThreshold: Gauge<'code'>;
  readonly #breakerHeadroom: Gauge<'code'>;
  readonly #quoteAge: Gauge<'symbol'>;
  readonly #quoteMaxAge: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers });
    this.#equity = gauge('riskgate_equity_dollars', 'Account equity as last seen by the engine, in dollars');
    this.#cash = gauge('riskgate_cash_dollars', 'Account cash as last seen by the engine, in dollars');
    this.#peak = gauge(
      'riskgate_peak_equity_dollars',
      'Highest equity seen (drawdown is measured from it), in dollars',
    );
    this.#dayStart = gauge(
      'riskgate_day_start_equity_dollars',
      'Equity at the start of the trading day (New York session), in dollars; NaN before the first mark',
    );
    this.#dailyPnl = gauge('riskgate_daily_pnl_dollars', 'Equity minus day-start equity, in dollars');
    this.#dailyLossUsed = gauge(
      'riskgate_daily_loss_limit_used_percent',
      "Today's loss as a share of the daily-loss limit, in percent (100 = the breaker trips); NaN without the breaker",
    );
    this.#drawdown = gauge('riskgate_drawdown_percent', 'Drawdown from peak equity, in percent');
    this.#exposure = gauge(
      'riskgate_exposure_dollars',
      'Gross and worst-case |net| exposure, working orders counted, in dollars',
      ['scope'],
    );
    this.#exposureLimit = gauge(
      'riskgate_exposure_limit_dollars',
      "The profile's gross and net exposure limits resolved against the basis equity, in dollars",
      ['scope'],
    );
    this.#exposureHeadroom = gauge(
      'riskgate_exposure_headroom_dollars',
      'Room left under the gross and net exposure limits (limit - exposure), in dollars; negative when over',
      ['scope'],
    );
    this.#sector = gauge(
      'riskgate_sector_exposure_dollars',
      'Exposure by sector (sectors with exposure only), working orders counted, in dollars',
      ['sector'],
    );
    this.#sectorLimit = gauge(
      'riskgate_sector_exposure_limit_dollars',
      "The profile's sector exposure limit for each sector with exposure, in dollars",
      ['sector'],
    );
    this.#sectorHeadroom = gauge(
      'riskgate_sector_exposure_headroom_dollars',
      'Room left under the sector exposure limit, in dollars; negative when over',
      ['sector'],
    );
    this.#breakerValue = gauge(
      'riskgate_breaker_value',
      "A breaker's current value in its own unit (DAILY_LOSS_LIMIT: loss in dollars; EQUITY_FLOOR: equity in dollars; MAX_DRAWDOWN: percent; LOSS_STREAK: losses; VIX_LEVEL: points)",
      ['code'],
    );
    this.#breakerThreshold = gauge(
      'riskgate_breaker_threshold',
      'The value at which a breaker trips, in the unit of riskgate_breaker_value',
      ['code'],
    );
    this.#breakerHeadroom = gauge(
      'riskgate_breaker_headroom',
      'Room left before a breaker trips, in the unit of riskgate_breaker_value; 0 or less once reached',
      ['code'],
    );
    this.#quoteAge = gauge(
      'riskgate_quote_age_seconds',
      "Age of the engine's latest price of each watched symbol by the quote's own time, in seconds (+Inf when none yet)",
      ['symbol'],
    );
    this.#quoteMaxAge = gauge(
      'riskgate_quote_max_age_seconds',
      "The profile's maximum quote age (marketData.maxQuoteAgeMs): an entry on an older price is denied, in seconds",
    );
  }

  /** Sets every account gauge from one snapshot; series of sectors, breakers and symbols gone are dropped. */
  update(input: AccountGaugeInput): void {
    const snap = input.snapshot;
    this.#equity.set(snap.equity);
    this.#cash.set(snap.cash);
    this.#peak.set(snap.peakEquity);
    this.#dailyPnl.set(snap.dailyPnl);
    this.#drawdown.set(snap.drawdownPercent);
    // A gauge without labels always has a sample: NaN says "not known yet" where 0 would be a figure.
    this.#dayStart.set(snap.dayStart?.equity ?? Number.NaN);

    const limits = riskLimits(snap, input.profile);
    this.#exposure.set({ scope: 'gross' }, snap.exposure.gross);
    this.#exposure.set({ scope: 'net' }, snap.exposure.net);
    this.#exposureLimit.reset();
    this.#exposureHeadroom.reset();
    this.#sector.reset();
    this.#sectorLimit.reset();
    this.#sectorHeadroom.reset();
    for (const [sector, value] of Object.entries(snap.exposure.bySector)) this.#sector.set({ sector }, value);
    this.#dailyLossUsed.set(Number.NaN);
    for (const l of limits) {
      const s = l.subject;
      if (s.kind === 'exposure')
        this.#setLimit(this.#exposureLimit, this.#exposureHeadroom, { scope: s.scope }, l);
      else if (s.kind === 'sector')
        this.#setLimit(this.#sectorLimit, this.#sectorHeadroom, { sector: s.sector }, l);
      else if (s.kind === 'breaker' && s.code === 'DAILY_LOSS_LIMIT' && l.limit > 0)
        this.#dailyLossUsed.set((l.value / l.limit) * 100);
    }

    this.#breakerValue.reset();
    this.#breakerThreshold.reset();
    this.#breakerHeadroom.reset();
    for (const r of breakerReadings(input, limits)) {
      this.#breakerValue.set({ code: r.code }, r.value);
      this.#breakerThreshold.set({ code: r.code }, r.threshold);
      this.#breakerHeadroom.set({ code: r.code }, r.headroom);
    }

    this.#quoteMaxAge.set(input.profile.marketData.maxQuoteAgeMs / 1000);
    this.#quoteAge.reset();
    for (const symbol of input.watched) {
      const time = input.priceTime(symbol);
      this.#quoteAge.set(
        { symbol },
        time !== undefined && Number.isFinite(time)
          ? Math.max(0, input.now - time) / 1000
          : Number.POSITIVE_INFINITY,
      );
    }
  }

  #setLimit<L extends string>(
    limit: Gauge<L>,
    headroom: Gauge<L>,
    labels: Record<L, string>,
    view: SubjectLimit,
  ): void {
    limit.set(labels, view.limit);
    headroom.set(labels, view.headroom);
  }
}

/**
 * Each breaker of the profile that has a current value: the daily loss, equity floor and
 * drawdown as in `/v1/state`, the loss streak from the breaker's persisted count, the VIX level
 * from the last index reading. The correlation breaker's average is internal and not shown.
 */
function breakerReadings(input: AccountGaugeInput, limits: readonly SubjectLimit[]): BreakerReading[] {
  const readings: BreakerReading[] = [];
  for (const l of limits) {
    if (l.subject.kind === 'breaker')
      readings.push({ code: l.subject.code, value: l.value, threshold: l.limit, headroom: l.headroom });
  }
  const b = input.profile.breakers;
  if (b.lossStreak !== undefined) {
    const state = input.snapshot.breakers.find((br) => br.code === 'LOSS_STREAK')?.state as
      | { streak?: unknown }
      | undefined;
    const streak = typeof state?.streak === 'number' ? state.streak : 0;
    readings.push({
      code: 'LOSS_STREAK',
      value: streak,
      threshold: b.lossStreak.losses,
      headroom: b.lossStreak.losses - streak,
    });
  }
  if (b.vix !== undefined) {
    const vix = input.indexLevel('VIX');
    if (Number.isFinite(vix))
      readings.push({ code: 'VIX_LEVEL', value: vix, threshold: b.vix.above, headroom: b.vix.above - vix });
  }
  return readings;
}
