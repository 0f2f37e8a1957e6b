import type { Instrument } from '../../core/instrument.ts';
import { parseOccSymbol } from '../../core/options/occ-symbol.ts';
import { optionInstrument } from '../../core/options/option-instrument.ts';

/** Contracts remembered at most; a bot cycling through chains must not grow the cache forever. */
const MAX_CACHED_CONTRACTS = 100_000;

/**
 * The gateway's instrument lookup: listed stocks from the broker's asset list, and option
 * contracts recognised from their OCC symbol (underlying, expiry, strike, right, multiplier 100)
 * when their underlying is a listed stock. A contract takes its underlying's sector, so sector
 * limits see an option as exposure to its company. Unknown symbols stay undefined (the engine
 * denies them with `UNKNOWN_INSTRUMENT`).
 */
export function instrumentLookup(
  stocks: ReadonlyMap<string, Instrument>,
): (symbol: string) => Instrument | undefined {
  const contracts = new Map<string, Instrument | null>();
  return (symbol) => {
    const listed = stocks.get(symbol);
    if (listed !== undefined) return listed;
    let known = contracts.get(symbol);
    if (known === undefined) {
      known = null;
      const terms = parseOccSymbol(symbol);
      const underlying = terms.ok ? stocks.get(terms.value.underlying) : undefined;
      if (terms.ok && underlying !== undefined && underlying.assetClass === 'us_equity') {
        const built = optionInstrument(symbol, underlying.sector);
        // Only the compact form the broker uses is the contract's symbol; a padded one is not.
        if (built.ok && built.value.symbol === symbol)
          known = { ...built.value, tradable: underlying.tradable };
      }
      if (contracts.size >= MAX_CACHED_CONTRACTS) contracts.clear();
      contracts.set(symbol, known);
    }
    return known ?? undefined;
  };
}

/** The underlying of an OCC option symbol, or undefined for any other symbol. */
export function optionUnderlying(symbol: string): string | undefined {
  // Cheap pre-test: an OCC symbol ends in 15 characters of date, right and strike.
  if (symbol.length < 16) return undefined;
  const terms = parseOccSymbol(symbol);
  return terms.ok ? terms.value.underlying : undefined;
}
