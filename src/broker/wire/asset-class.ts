import { parseOccSymbol } from '../../core/options/occ-symbol.ts';

/** The asset classes riskgate tells apart, as the broker spells them. */
export type AssetClass = 'us_equity' | 'us_option' | 'crypto';

/**
 * The asset class of a symbol as the broker names it: an OCC option symbol
 * (`AAPL250117C00150000`) is `us_option`, a pair with a slash (`BTC/USD`) is `crypto`, anything
 * else `us_equity`. For where the broker did not say.
 */
export function assetClassOf(symbol: string): AssetClass {
  if (symbol.includes('/')) return 'crypto';
  return parseOccSymbol(symbol).ok ? 'us_option' : 'us_equity';
}
