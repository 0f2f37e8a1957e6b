import type { PreTradeRule } from '../rule.ts';
import { violation } from './limits.ts';

/**
 * Fails closed on market data: an entry needs a reference price that exists, is positive and
 * finite, and is no older than `maxAgeMs`.
 */
export function referencePriceRule(maxAgeMs: number): PreTradeRule {
  return {
    id: 'reference-price',
    scope: 'entries',
    check(input) {
      const price = input.referencePrice;
      if (Number.isNaN(price) && input.referenceAgeMs === Number.POSITIVE_INFINITY) {
        return violation('NO_REFERENCE_PRICE', this.id, { symbol: input.order.symbol });
      }
      if (!Number.isFinite(price) || price <= 0) {
        return violation('INVALID_REFERENCE_PRICE', this.id, {
          symbol: input.order.symbol,
          price: String(price),
        });
      }
      if (input.referenceAgeMs > maxAgeMs) {
        return violation('STALE_REFERENCE_PRICE', this.id, {
          symbol: input.order.symbol,
          ageMs: Math.round(input.referenceAgeMs),
          maxAgeMs,
        });
      }
      return null;
    },
  };
}
