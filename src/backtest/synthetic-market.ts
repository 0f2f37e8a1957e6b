import { newYorkToEpoch } from '../core/session.ts';
import type { BarSeries, IndexSeries, MarketData, SplitEvent } from './data/bar-series.ts';
import { BarSeriesBuilder } from './data/bar-series.ts';
import { INDEX_CLOSE } from './data/parse-time.ts';

/**
 * A deterministic synthetic stock market: same seed, same bars, on any machine. Pure code (no
 * I/O, no wall clock), so the backtester, demos and the simulated exchange can all use it.
 *
 * Model: a Markov chain of market regimes (calm, normal, stressed, crisis) scales drift and
 * volatility; the market factor follows a GARCH(1,1) so volatility clusters; each symbol loads
 * on the market and its sector factor plus its own noise; part of each day's move happens
 * overnight (gaps), with rare earnings-sized jumps. A VIX-like index tracks market volatility,
 * and symbols whose price runs past $500 split 2:1 or 4:1 (raw prices, with a split event).
 */

/** One synthetic symbol and its sector. */
export interface SyntheticSymbol {
  readonly symbol: string;
  readonly sector: string;
}

/** Options for {@link generateSyntheticMarket}; every field has a default. */
export interface SyntheticMarketOptions {
  /** PRNG seed; the whole market is a function of it. */
  readonly seed: number;
  /** The symbols, or how many to make (spread over five sectors). Default 12. */
  readonly symbols?: readonly SyntheticSymbol[] | number;
  /** First session, `YYYY-MM-DD` (weekdays only are generated). Default 2015-01-02. */
  readonly start?: string;
  /** Number of sessions (weekdays). Default 1,500 (about six years). */
  readonly sessions?: number;
  /** Bars per session: `daily` (1), `hour` (7, LEAN-style) or `minute` (390). Default daily. */
  readonly resolution?: 'daily' | 'hour' | 'minute';
  /** Also generate a VIX-like index. Default true. */
  readonly vix?: boolean;
  /** Let expensive symbols split. Default true. */
  readonly splits?: boolean;
}

/** A seeded uniform generator on [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from a uniform generator (Box–Muller). */
export function gaussian(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const SECTORS = ['Information Technology', 'Financials', 'Energy', 'Health Care', 'Industrials'] as const;
const PREFIX = ['TEC', 'FIN', 'NRG', 'HLT', 'IND'] as const;

/** The default universe: `count` symbols spread round-robin over five sectors. */
export function defaultSyntheticSymbols(count = 12): SyntheticSymbol[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol: `${PREFIX[i % 5]}${String.fromCharCode(65 + (Math.floor(i / 5) % 26))}${i >= 130 ? Math.floor(i / 130) : ''}`,
    sector: SECTORS[i % 5]!,
  }));
}

interface Regime {
  readonly name: string;
  /** Daily drift (log return) and volatility multiplier. */
  readonly drift: number;
  readonly volScale: number;
  /** Probability per day of moving to each regime (same order as REGIMES). */
  readonly next: readonly number[];
}

const REGIMES: readonly Regime[] = [
  { name: 'calm', drift: 0.0006, volScale: 0.7, next: [0.985, 0.015, 0, 0] },
  { name: 'normal', drift: 0.0003, volScale: 1, next: [0.01, 0.975, 0.014, 0.001] },
  { name: 'stressed', drift: -0.0008, volScale: 1.7, next: [0, 0.04, 0.95, 0.01] },
  { name: 'crisis', drift: -0.004, volScale: 3.2, next: [0, 0.02, 0.06, 0.92] },
];

/** Generates bars (and the VIX and splits) for a synthetic universe. */
export function generateSyntheticMarket(options: SyntheticMarketOptions): MarketData {
  const random = seededRandom(options.seed);
  const symbols =
    typeof options.symbols === 'number' || options.symbols === undefined
      ? defaultSyntheticSymbols(typeof options.symbols === 'number' ? options.symbols : 12)
      : options.symbols;
  const sessions = weekdays(options.start ?? '2015-01-02', options.sessions ?? 1500);
  const offsets = sessionOffsetsMinutes(options.resolution ?? 'daily');
  const sectorIndex = new Map<string, number>();
  for (const s of symbols) if (!sectorIndex.has(s.sector)) sectorIndex.set(s.sector, sectorIndex.size);
  const names = symbols.map((s) => {
    const beta = 0.6 + 0.9 * random();
    return {
      ...s,
      beta,
      sectorLoad: 0.5 + 0.7 * random(),
      idioVol: 0.008 + 0.012 * random(),
      price: 20 + 180 * random(),
      volume: 200_000 + 3_000_000 * random(),
      builder: new BarSeriesBuilder(s.symbol, 'synthetic', sessions.length * offsets.length),
    };
  });
  const sectorFactor = new Float64Array(sectorIndex.size);
  const vix = new BarSeriesBuilder('VIX', 'synthetic', sessions.length);
  const splits: SplitEvent[] = [];
  let regime = 1;
  let variance = 0.01 ** 2;
  let lastMarket = 0;
  let vixLevel = 16;

  for (let day = 0; day < sessions.length; day++) {
    const date = sessions[day]!;
    regime = nextRegime(REGIMES[regime]!, random);
    const r = REGIMES[regime]!;
    // GARCH(1,1) on the market factor: today's variance follows yesterday's shock.
    variance = 0.000002 + 0.09 * lastMarket * lastMarket + 0.89 * variance;
    const marketVol = Math.sqrt(variance) * r.volScale;
    const market = r.drift + marketVol * gaussian(random);
    lastMarket = market / r.volScale;
    for (let k = 0; k < sectorFactor.length; k++) sectorFactor[k] = 0.006 * r.volScale * gaussian(random);
    const open = newYorkToEpoch(date, '09:30');
    for (const n of names) {
      const jump = random() < 0.004 ? (random() < 0.5 ? -1 : 1) * (0.05 + 0.12 * random()) : 0;
      const total =
        n.beta * market +
        n.sectorLoad * sectorFactor[sectorIndex.get(n.sector)!]! +
        n.idioVol * Math.sqrt(r.volScale) * gaussian(random) +
        jump;
      // About a third of the day's move (and all of a jump) happens overnight.
      const gap = jump + 0.35 * (total - jump) + 0.002 * gaussian(random);
      const dayOpen = n.price * Math.exp(gap);
      const dayClose = n.price * Math.exp(total);
      const dayVol = Math.abs(total - gap) + marketVol * 0.6;
      const volume = n.volume * (1 + 6 * Math.abs(total)) * Math.exp(0.3 * gaussian(random));
      emitSession(n.builder, open, offsets, dayOpen, dayClose, dayVol, volume, random);
      n.price = dayClose;
      if (options.splits !== false && n.price > 500) {
        const ratio = n.price > 1500 ? 4 : 2;
        n.price /= ratio;
        n.volume *= ratio;
        const nextDate = sessions[day + 1];
        if (nextDate !== undefined)
          splits.push({ symbol: n.symbol, time: newYorkToEpoch(nextDate, '00:00'), ratio });
      }
    }
    // The VIX mean-reverts toward annualised market volatility, with its own noise.
    const target = Math.max(9, 100 * Math.sqrt(252) * marketVol * 1.1);
    vixLevel = Math.max(9, vixLevel + 0.25 * (target - vixLevel) + 0.8 * gaussian(random));
    const v = Math.round(vixLevel * 100) / 100;
    vix.push(newYorkToEpoch(date, INDEX_CLOSE), v, v, v, v, 0);
  }
  const resolution = options.resolution ?? 'daily';
  const bars: BarSeries[] = names.map((n) => n.builder.build(resolution));
  const vs = vix.build('daily');
  const indexes: IndexSeries[] =
    options.vix === false
      ? []
      : [{ name: 'VIX', source: 'synthetic', length: vs.length, time: vs.time, value: vs.close }];
  return {
    bars,
    indexes,
    splits,
    quotes: [],
    sectors: Object.fromEntries(symbols.map((s) => [s.symbol, s.sector])),
  };
}

function nextRegime(current: Regime, random: () => number): number {
  let u = random();
  for (let i = 0; i < current.next.length; i++) {
    u -= current.next[i]!;
    if (u < 0) return i;
  }
  return REGIMES.indexOf(current);
}

/** Bar start offsets in minutes after 09:30 for one session. */
function sessionOffsetsMinutes(resolution: 'daily' | 'hour' | 'minute'): number[] {
  if (resolution === 'daily') return [0];
  if (resolution === 'hour') return [0, 30, 90, 150, 210, 270, 330];
  return Array.from({ length: 390 }, (_, i) => i);
}

/** Splits one session's open→close move into bars along a Brownian bridge, rounded to cents. */
function emitSession(
  builder: BarSeriesBuilder,
  open: number,
  offsets: readonly number[],
  dayOpen: number,
  dayClose: number,
  dayVol: number,
  volume: number,
  random: () => number,
): void {
  const n = offsets.length;
  const step = dayVol / Math.sqrt(n);
  let price = dayOpen;
  const logEnd = Math.log(dayClose);
  for (let i = 0; i < n; i++) {
    const remaining = n - i;
    const drift = (logEnd - Math.log(price)) / remaining;
    const next =
      i === n - 1
        ? dayClose
        : price * Math.exp(drift + step * gaussian(random) * Math.sqrt(1 - 1 / remaining));
    const o = cents(price);
    const c = cents(next);
    const h = cents(Math.max(o, c) * (1 + Math.abs(0.4 * step * gaussian(random))));
    const l = cents(Math.min(o, c) * (1 - Math.abs(0.4 * step * gaussian(random))));
    const share = (1 / n) * (0.6 + 0.8 * random());
    builder.push(
      open + offsets[i]! * 60_000,
      o,
      Math.max(h, o, c),
      Math.min(l, o, c),
      c,
      Math.round(volume * share),
    );
    price = next;
  }
}

function cents(x: number): number {
  return Math.max(0.01, Math.round(x * 100) / 100);
}

/** `count` weekday dates (`YYYY-MM-DD`) from `start` (holidays are not skipped). */
export function weekdays(start: string, count: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new RangeError(`start must be YYYY-MM-DD, got "${start}"`);
  while (out.length < count) {
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}
