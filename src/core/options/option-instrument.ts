import { type Instrument, type OptionTerms, UNKNOWN_SECTOR } from '../instrument.ts';
import { fail, ok, type Parsed } from '../result.ts';
import { formatOccSymbol, parseOccSymbol } from './occ-symbol.ts';

/** Units of the underlying per standard US equity option contract. */
export const OPTION_MULTIPLIER = 100;

/**
 * Builds the instrument of a listed US equity option from its OCC symbol (padded or compact)
 * or from its terms. The instrument's symbol is the compact OCC form that Alpaca uses; the
 * multiplier is 100; `sector` is normally the underlying's sector. Never throws: an invalid
 * symbol or terms return the issues found.
 */
export function optionInstrument(
  contract: string | OptionTerms,
  sector: string = UNKNOWN_SECTOR,
): Parsed<Instrument> {
  const terms = typeof contract === 'string' ? parseOccSymbol(contract) : ok(contract);
  if (!terms.ok) return terms;
  const symbol = formatOccSymbol(terms.value, 'compact');
  if (!symbol.ok) return fail(symbol.issues);
  const { underlying, expiry, strike, right } = terms.value;
  return ok({
    symbol: symbol.value,
    assetClass: 'us_option',
    sector,
    multiplier: OPTION_MULTIPLIER,
    tradable: true,
    shortable: true,
    option: { underlying, expiry, strike, right },
  });
}
