import { ManualClock } from '../../src/core/clock.ts';
import type { ProfileInput } from '../../src/core/config/profile-schema.ts';
import { RiskEngine } from '../../src/core/engine.ts';
import { type Instrument, type OptionTerms, stock } from '../../src/core/instrument.ts';
import { optionInstrument } from '../../src/core/options/option-instrument.ts';
import { PortfolioGreeks } from '../../src/core/options/portfolio-greeks.ts';
import type { UnderlyingGreeks } from '../../src/core/options/portfolio-snapshot.ts';
import { profile, T0 } from './engine-fixtures.ts';

/** The rate every options test profile uses, fraction per year. */
export const RATE = 0.04;

/** An option instrument from its terms (throws on bad terms: a test bug). */
export function option(
  underlying: string,
  expiry: string,
  strike: number,
  right: 'call' | 'put',
): Instrument {
  const terms: OptionTerms = { underlying, expiry, strike, right };
  const built = optionInstrument(terms);
  if (!built.ok) throw new Error(JSON.stringify(built.issues));
  return built.value;
}

/** AAPL 100 calls and puts for June and September 2024, MSFT 200 calls for June. */
export const AAPL_JUN_C100 = option('AAPL', '2024-06-21', 100, 'call');
export const AAPL_JUN_P100 = option('AAPL', '2024-06-21', 100, 'put');
export const AAPL_SEP_C100 = option('AAPL', '2024-09-20', 100, 'call');
export const MSFT_JUN_C200 = option('MSFT', '2024-06-21', 200, 'call');

export const OPTION_INSTRUMENTS: Instrument[] = [
  stock('AAPL', 'Information Technology'),
  stock('MSFT', 'Information Technology'),
  AAPL_JUN_C100,
  AAPL_JUN_P100,
  AAPL_SEP_C100,
  MSFT_JUN_C200,
];

/** Implied volatility every option starts with, fraction per √year. */
export const IV = 0.25;

/**
 * An engine at T0 with $100M of equity (so buying power never binds) and an `options` section
 * (rate 4%), AAPL at $100 and MSFT at $200, every option marked at $5 with implied volatility
 * 25% pushed as an `iv` event.
 */
export function optionsEngine(
  options: Omit<NonNullable<ProfileInput['options']>, 'rate'> & { rate?: number } = {},
  overrides: Partial<ProfileInput> = {},
  { marks = true }: { marks?: boolean } = {},
): { engine: RiskEngine; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const engine = new RiskEngine({
    profile: profile({
      startingEquity: 100_000_000,
      options: { rate: RATE, solveImpliedVolatility: false, ...options },
      ...overrides,
    }),
    clock,
    instruments: OPTION_INSTRUMENTS,
  });
  if (marks) {
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 });
    engine.onMarket({ kind: 'mark', symbol: 'MSFT', time: T0, price: 200 });
    for (const i of OPTION_INSTRUMENTS.filter((x) => x.option !== undefined)) {
      engine.onMarket({ kind: 'mark', symbol: i.symbol, time: T0, price: 5 });
      engine.onMarket({ kind: 'iv', symbol: i.symbol, time: T0, value: IV });
    }
  }
  return { engine, clock };
}

/**
 * The Greeks of one underlying holding `positions` (instrument, signed qty), valued from
 * scratch with an independent PortfolioGreeks at `time`, the underlying `price` and `iv`.
 */
export function expectedGreeks(
  underlying: string,
  price: number,
  positions: readonly (readonly [Instrument, number])[],
  { time = T0, iv = IV }: { time?: number; iv?: number } = {},
): UnderlyingGreeks {
  const book = new PortfolioGreeks({ rate: RATE, timeMs: time });
  for (const [instrument, qty] of positions) book.setPosition(instrument, qty, iv);
  book.onUnderlyingPrice(underlying, price);
  const figures = book.byUnderlying(underlying);
  if (figures === undefined) throw new Error(`no figures for ${underlying}`);
  return figures;
}
