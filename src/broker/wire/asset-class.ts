import { parseOccSymbol } from '../../core/options/occ-symbol.ts';

/** The asset classes riskgate tells apart, as the broker spells them. */
export type AssetClass = 'us_equity' | 'us_option' | 'crypto';

/** The shortest OCC option symbol: a 1-character root, YYMMDD, C or P and 8 strike digits. */
const MIN_OCC_LENGTH = 16;

/**
 * The asset class of a symbol as the broker names it: an OCC option symbol
 * (`AAPL250117C00150000`) is `us_option`, a pair with a slash (`BTC/USD`) is `crypto`, anything
 * else `us_equity`. For where the broker did not say.
 */
export function assetClassOf(symbol: string): AssetClass {
  if (symbol.includes('/')) return 'crypto';
  // An OCC symbol has at least 16 characters (root, YYMMDD, C/P, 8 strike digits): a shorter one
  // is an equity without building the parser's refusal.
  if (symbol.length < MIN_OCC_LENGTH) return 'us_equity';
  return parseOccSymbol(symbol).ok ? 'us_option' : 'us_equity';
}
