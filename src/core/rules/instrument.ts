import type { Violation } from '../decision.ts';
import type { PreTradeRule } from '../rule.ts';
import { violation } from './limits.ts';

/** Denies entries in symbols the engine does not know, or that are not tradable. */
export const instrumentRule: PreTradeRule = {
  id: 'instrument',
  scope: 'entries',
  check(input) {
    // The book entry mirrors the flag, so a check need not read the instrument object too.
    const book = input.book;
    if (book !== undefined) return book.tradable ? null : notTradable(this.id, book.symbol);
    const instrument = input.instrument;
    if (instrument === undefined) return symbolViolation('UNKNOWN_INSTRUMENT', this.id, input.order.symbol);
    if (!instrument.tradable) return notTradable(this.id, instrument.symbol);
    return null;
  },
};

/**
 * Violations naming only the symbol. Built outside the checks, so the checks stay small enough
 * for V8 to inline into the compiled pipeline.
 */
function symbolViolation(code: string, ruleId: string, symbol: string): Violation {
  return violation(code, ruleId, { symbol });
}

function notTradable(ruleId: string, symbol: string): Violation {
  return symbolViolation('INSTRUMENT_NOT_TRADABLE', ruleId, symbol);
}

/** Denies entries in symbols on the profile's restricted list. */
export function restrictedSymbolsRule(restricted: readonly string[]): PreTradeRule {
  const set = new Set(restricted.map((s) => s.toUpperCase()));
  return {
    id: 'restricted-symbols',
    scope: 'entries',
    check(input) {
      const symbol = input.order.symbol;
      return set.has(symbol) ? symbolViolation('RESTRICTED_SYMBOL', this.id, symbol) : null;
    },
  };
}

function shortNotAllowed(ruleId: string, symbol: string, reason: string): Violation {
  return violation('SHORT_NOT_ALLOWED', ruleId, { symbol, reason });
}

/** Denies orders that open or grow a short when the profile is long-only or the symbol is not shortable. */
export function shortSaleRule(longOnly: boolean): PreTradeRule {
  return {
    id: 'short-sale',
    scope: 'entries',
    check(input) {
      if (input.positionQtyAfter >= 0 || input.order.side !== 'sell') return null;
      if (longOnly) return shortNotAllowed(this.id, input.order.symbol, 'long-only profile');
      if (input.instrument !== undefined && !input.instrument.shortable)
        return shortNotAllowed(this.id, input.order.symbol, 'not shortable');
      return null;
    },
  };
}
