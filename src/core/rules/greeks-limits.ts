/**
 * The `greeks-limits` pre-trade rules: the portfolio Greeks after the order, per underlying and
 * in total, against the profile's `options.limits`.
 *
 * The order is valued with `PortfolioGreeks.whatIf` in two portfolios: the positions held, and
 * (while any exist) the positions plus every risk-increasing working order as if it had filled.
 * The order is denied if either breaks a limit, so neither "the others all fill" nor "none of
 * them fills" can slip past. A measure the order moves toward zero is never a breach, so hedges
 * pass even while a market move keeps the portfolio above a limit; `scope: entries` skips orders
 * that reduce or close a position.
 *
 * One rule per code, all with the id `greeks-limits`, so every kind of breach is reported; they
 * share one evaluation per check. Fails closed (`NO_GREEKS_INPUT`) when an option order has no
 * underlying price, a stale one, or no implied volatility, or when a position the limits need
 * cannot be valued.
 */
import type { OptionsConfig } from '../config/options-schema.ts';
import type { Violation } from '../decision.ts';
import type { Instrument } from '../instrument.ts';
import { zeroPositionGreeks } from '../options/greek-units.ts';
import type { GreeksBook } from '../options/greeks-book.ts';
import { isOptionInstrument } from '../options/greeks-book.ts';
import {
  type GreeksBreach,
  type GreeksMeasures,
  greeksMeasures,
  totalBreaches,
  underlyingBreaches,
} from '../options/greeks-limits.ts';
import type { PortfolioGreeks } from '../options/portfolio-greeks.ts';
import type { CheckInput, PreTradeRule, RiskContext } from '../rule.ts';
import { violation } from './limits.ts';

const RULE_ID = 'greeks-limits';
const INPUTS = 'NO_GREEKS_INPUT';

type Findings = ReadonlyMap<string, Violation>;
const NONE: Findings = new Map();

/** Builds the rules for a profile's `options` section; none when it sets no limit. */
export function greeksLimitRules(config: OptionsConfig): PreTradeRule[] {
  const measures = greeksMeasures(config.limits);
  if (measures.codes.length === 0) return [];
  // One evaluation per check, shared by the rules: keyed on everything it depends on.
  let key: { order: unknown; now: number; version: number; ctx: unknown } | undefined;
  let findings: Findings = NONE;
  const evaluateOnce = (input: CheckInput, ctx: RiskContext): Findings => {
    const book = ctx.greeks;
    const version = book?.version ?? -1;
    if (key?.order === input.order && key.now === input.now && key.version === version && key.ctx === ctx)
      return findings;
    findings = evaluate(measures, input, ctx, book);
    key = { order: input.order, now: input.now, version: book?.version ?? -1, ctx };
    return findings;
  };
  return [INPUTS, ...measures.codes].map((code) => ({
    id: RULE_ID,
    scope: 'entries',
    check: (input: CheckInput, ctx: RiskContext) => evaluateOnce(input, ctx).get(code) ?? null,
  }));
}

function evaluate(
  measures: GreeksMeasures,
  input: CheckInput,
  ctx: RiskContext,
  book: GreeksBook | undefined,
): Findings {
  if (book === undefined) return missing({ reason: 'the engine keeps no Greeks (profile without options)' });
  const instrument = input.instrument;
  if (instrument === undefined) return NONE; // the instrument rule denies it
  book.advanceTo(input.now);
  const needsUnderlying = measures.perUnderlying.length > 0;
  const needsTotal = measures.total.length > 0;
  const symbol = instrument.symbol;
  const underlying = instrument.option?.underlying ?? symbol;
  if (isOptionInstrument(instrument) && (needsUnderlying || needsTotal)) {
    const problem = optionInputProblem(book, instrument, input.now, ctx.profile.marketData.maxQuoteAgeMs);
    if (problem !== undefined) return missing({ symbol, underlying, ...problem });
  }
  const iv = book.impliedVolatility(symbol);
  const signed = input.order.side === 'buy' ? input.order.qty : -input.order.qty;
  const found = new Map<string, Violation>();
  const scenarios: [PortfolioGreeks, boolean][] = [[book.positions, false]];
  if (book.hasWorking) scenarios.push([book.withWorking, true]);
  for (const [portfolio, working] of scenarios) {
    const result = portfolio.whatIf(instrument, signed, Number.isNaN(iv) ? undefined : iv);
    if (!result.ok) return missing({ symbol, reason: result.message });
    const after = result.underlying;
    if (needsUnderlying && after.unpriced > 0) return missing({ underlying, unpriced: after.unpriced });
    const beforeTotals = zeroPositionGreeks();
    const unpricedBefore = portfolio.exposureInto(beforeTotals);
    if (needsTotal && (result.totals.unpriced > 0 || book.refused.size > 0)) {
      return missing({
        scope: 'portfolio',
        unpriced: Math.max(result.totals.unpriced, unpricedBefore),
        refused: book.refused.size,
      });
    }
    const breaches: GreeksBreach[] = [];
    underlyingBreaches(measures, after, portfolio.byUnderlying(underlying), breaches);
    totalBreaches(measures, result.totals, beforeTotals, breaches);
    for (const breach of breaches) {
      if (found.has(breach.code)) continue;
      const values = working ? { ...breach.values, workingOrders: 'filled' } : breach.values;
      found.set(breach.code, violation(breach.code, RULE_ID, values));
    }
  }
  return found;
}

/** What keeps an option order from being valued, if anything. */
function optionInputProblem(
  book: GreeksBook,
  instrument: Instrument & { option: { underlying: string } },
  now: number,
  maxAgeMs: number,
): Record<string, number | string> | undefined {
  const underlying = book.underlyingPrice(instrument.option.underlying);
  if (underlying === undefined) return { missing: 'underlyingPrice' };
  const ageMs = now - underlying.time;
  if (ageMs > maxAgeMs) return { stale: 'underlyingPrice', ageMs: Math.round(ageMs), maxAgeMs };
  if (Number.isNaN(book.impliedVolatility(instrument.symbol))) {
    const error = book.impliedVolatilityError(instrument.symbol);
    return error === undefined ? { missing: 'impliedVolatility' } : { missing: 'impliedVolatility', error };
  }
  return undefined;
}

function missing(values: Record<string, number | string>): Findings {
  return new Map([[INPUTS, violation(INPUTS, RULE_ID, values)]]);
}
