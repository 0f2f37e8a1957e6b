import type { PreTradeRule } from '../rule.ts';
import { violation } from './limits.ts';

/** Denies entries in symbols the engine does not know, or that are not tradable. */
export const instrumentRule: PreTradeRule = {
  id: 'instrument',
  scope: 'entries',
  check(input) {
    // The book entry mirrors the flag, so a check need not read the instrument object too.
    const book = input.book;
    if (book !== undefined)
      return book.tradable ? null : violation('INSTRUMENT_NOT_TRADABLE', this.id, { symbol: book.symbol });
    const instrument = input.instrument;
    if (instrument === undefined)
      return violation('UNKNOWN_INSTRUMENT', this.id, { symbol: input.order.symbol });
    if (!instrument.tradable)
      return violation('INSTRUMENT_NOT_TRADABLE', this.id, { symbol: instrument.symbol });
    return null;
  },
};

/** Denies entries in symbols on the profile's restricted list. */
export function restrictedSymbolsRule(restricted: readonly string[]): PreTradeRule {
  const set = new Set(restricted.map((s) => s.toUpperCase()));
  return {
    id: 'restricted-symbols',
    scope: 'entries',
    check(input) {
      return set.has(input.order.symbol)
        ? violation('RESTRICTED_SYMBOL', this.id, { symbol: input.order.symbol })
        : null;
    },
  };
}

/** Denies orders that open or grow a short when the profile is long-only or the symbol is not shortable. */
export function shortSaleRule(longOnly: boolean): PreTradeRule {
  return {
    id: 'short-sale',
    scope: 'entries',
    check(input) {
      if (input.positionQtyAfter >= 0 || input.order.side !== 'sell') return null;
      if (longOnly)
        return violation('SHORT_NOT_ALLOWED', this.id, {
          symbol: input.order.symbol,
          reason: 'long-only profile',
        });
      if (input.instrument !== undefined && !input.instrument.shortable) {
        return violation('SHORT_NOT_ALLOWED', this.id, {
          symbol: input.order.symbol,
          reason: 'not shortable',
        });
      }
      return null;
    },
  };
}
