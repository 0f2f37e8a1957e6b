import type { RiskActions } from '../../core/engine-types.ts';
import type { GatewayContext } from '../context.ts';

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
  const book = engine.book.symbols.get(symbol);
  const maxAge = engine.profile.marketData.maxQuoteAgeMs;
  if (book !== undefined && Date.now() - book.priceTime <= maxAge) return;
  try {
    const quote = (await ctx.broker.getLatestQuotes([symbol], { purpose })).get(symbol);
    if (quote === undefined) return;
    // The engine may have been replaced (a profile change) while the quote was on its way.
    const actions = ctx.risk.engine.onMarket({
      kind: 'quote',
      symbol,
      time: quote.time,
      bid: quote.bid,
      ask: quote.ask,
    });
    onActions(actions);
  } catch {
    // No quote: the engine denies with NO_REFERENCE_PRICE.
  }
}
