import type { Limit } from '../config/profile-schema.ts';
import type { Violation } from '../decision.ts';
import type { CheckInput, PreTradeRule } from '../rule.ts';
import { dollarLimit, exceeds, shareOf, violation } from './limits.ts';

/** Fat-finger guard: maximum shares or contracts per order. */
export function orderQuantityRule(maxQuantity: number): PreTradeRule {
  return {
    id: 'order-quantity',
    scope: 'entries',
    check(input) {
      const qty = input.order.qty;
      return qty > maxQuantity && exceeds(qty, maxQuantity)
        ? quantityExceeded(this.id, input, maxQuantity)
        : null;
    },
  };
}

/** Built outside the check, so the check stays small enough for V8 to inline into the pipeline. */
function quantityExceeded(ruleId: string, input: CheckInput, maxQty: number): Violation {
  return violation('ORDER_QUANTITY_EXCEEDED', ruleId, {
    symbol: input.order.symbol,
    qty: input.order.qty,
    maxQty,
  });
}

/** Maximum order value in dollars (and/or percent of the exposure basis). */
export function orderNotionalRule(limit: Limit): PreTradeRule {
  // The limit's parts read once (see dollarLimit).
  const share = shareOf(limit.percent);
  const usd = limit.usd ?? Number.POSITIVE_INFINITY;
  return {
    id: 'order-notional',
    scope: 'entries',
    check(input, _ctx) {
      const max = dollarLimit(share, +usd, input.basis);
      return input.notional > max && exceeds(input.notional, max)
        ? notionalExceeded(this.id, input, max)
        : null;
    },
  };
}

function notionalExceeded(ruleId: string, input: CheckInput, limit: number): Violation {
  return violation('ORDER_NOTIONAL_EXCEEDED', ruleId, {
    symbol: input.order.symbol,
    notional: input.notional,
    limit,
  });
}
