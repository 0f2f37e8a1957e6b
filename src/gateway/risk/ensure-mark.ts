import type { RiskActions } from '../../core/engine-types.ts';
import type { GatewayContext } from '../context.ts';
import { optionUnderlying } from '../options/option-instruments.ts';

/**
 * Makes sure the engine has a fresh mark for a symbol before it is checked or sized: when the
 * engine's price is missing or older than the profile's `maxQuoteAgeMs`, the latest quote is
 * fetched once and marked, and what the engine answers to it goes to `onActions`. Never throws:
 * without a quote the engine answers NO_REFERENCE_PRICE, which is the right answer.
 */
export async function ensureMark(
  ctx: GatewayContext,
  symbol: string,
  onActions: (actions: RiskActions) => void,
  /** Whose request the quote is paced as: a client's (capped) or the gateway's own. */
  purpose: 'client' | 'monitor' = 'client',
): Promise<void> {
  const engine = ctx.risk.engine;
  const maxAge = engine.profile.marketData.maxQuoteAgeMs;
  const now = Date.now();
  const book = engine.book.symbols.get(symbol);
  const wanted: string[] = [];
  // An option is valued from its underlying: its Greeks need the underlying's price as fresh.
  const underlying = optionUnderlying(symbol);
  if (underlying !== undefined) {
    const known =
      engine.greeks?.underlyingPrice(underlying)?.time ?? engine.book.symbols.get(underlying)?.priceTime;
    if (known === undefined || !(now - known <= maxAge)) wanted.push(underlying);
  }
  if (book === undefined || !(now - book.priceTime <= maxAge)) wanted.push(symbol);
  if (wanted.length === 0) return;
  try {
    const quotes = await ctx.broker.getLatestQuotes(wanted, { purpose });
    // The underlying first, so that the option's quote is solved against its spot.
    for (const s of wanted) {
      const quote = quotes.get(s);
      if (quote === undefined) continue;
      // The engine may have been replaced (a profile change) while the quote was on its way.
      const actions = ctx.risk.engine.onMarket({
        kind: 'quote',
        symbol: s,
        time: quote.time,
        bid: quote.bid,
        ask: quote.ask,
      });
      onActions(actions);
    }
  } catch {
    // No quote: the engine denies with NO_REFERENCE_PRICE.
  }
}
