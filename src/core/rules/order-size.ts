import type { Limit } from '../config/profile-schema.ts';
import type { PreTradeRule } from '../rule.ts';
import { exceeds, resolveLimit, violation } from './limits.ts';

/** Fat-finger guard: maximum shares or contracts per order. */
export function orderQuantityRule(maxQuantity: number): PreTradeRule {
  return {
    id: 'order-quantity',
    scope: 'entries',
    check(input) {
      const qty = input.order.qty;
      return exceeds(qty, maxQuantity)
        ? violation('ORDER_QUANTITY_EXCEEDED', this.id, {
            symbol: input.order.symbol,
            qty,
            maxQty: maxQuantity,
          })
        : null;
    },
  };
}

/** Maximum order value in dollars (and/or percent of the exposure basis). */
export function orderNotionalRule(limit: Limit): PreTradeRule {
  return {
    id: 'order-notional',
    scope: 'entries',
    check(input, _ctx) {
      const max = resolveLimit(limit, input.basis);
      return exceeds(input.notional, max)
        ? violation('ORDER_NOTIONAL_EXCEEDED', this.id, {
            symbol: input.order.symbol,
            notional: input.notional,
            limit: max,
          })
        : null;
    },
  };
}
