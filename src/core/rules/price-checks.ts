import type { PreTradeRule } from '../rule.ts';
import { isOnTick } from '../tick.ts';
import { exceeds, violation } from './limits.ts';

/** Denies limit and stop prices further than `percent` from the reference price. */
export function priceCollarRule(percent: number): PreTradeRule {
  return {
    id: 'price-collar',
    scope: 'entries',
    check(input) {
      const ref = input.referencePrice;
      if (!(ref > 0)) return null; // the reference-price rule reports this
      const order = input.order;
      return (
        outside(this.id, order.symbol, order.limitPrice, ref, percent) ??
        outside(this.id, order.symbol, order.stopPrice, ref, percent)
      );
    },
  };
}

function outside(ruleId: string, symbol: string, price: number | undefined, ref: number, percent: number) {
  if (price === undefined) return null;
  const deviation = (Math.abs(price - ref) / ref) * 100;
  return exceeds(deviation, percent) ? outsideCollar(ruleId, symbol, price, ref, deviation, percent) : null;
}

/** Built outside the check, so the check stays small enough for V8 to inline into the pipeline. */
function outsideCollar(
  ruleId: string,
  symbol: string,
  price: number,
  reference: number,
  deviationPercent: number,
  limitPercent: number,
) {
  return violation('PRICE_OUTSIDE_COLLAR', ruleId, {
    symbol,
    price,
    reference,
    deviationPercent,
    limitPercent,
  });
}

/** Denies prices that are not on the tick grid of their band ($0.01 at ≥ $1, $0.0001 below). */
export const tickRule: PreTradeRule = {
  id: 'tick',
  scope: 'all',
  check(input) {
    const o = input.order;
    if (o.limitPrice !== undefined && !isOnTick(o.limitPrice))
      return offTick(this.id, 'limitPrice', o.limitPrice);
    if (o.stopPrice !== undefined && !isOnTick(o.stopPrice))
      return offTick(this.id, 'stopPrice', o.stopPrice);
    const p = o.protection;
    if (p !== undefined) {
      if (p.takeProfit !== undefined && !isOnTick(p.takeProfit))
        return offTick(this.id, 'takeProfit', p.takeProfit);
      if (p.stopLoss !== undefined && !isOnTick(p.stopLoss)) return offTick(this.id, 'stopLoss', p.stopLoss);
      if (p.stopLossLimit !== undefined && !isOnTick(p.stopLossLimit))
        return offTick(this.id, 'stopLossLimit', p.stopLossLimit);
    }
    return null;
  },
};

function offTick(ruleId: string, field: string, price: number) {
  return violation('PRICE_OFF_TICK', ruleId, {
    field,
    price: String(price),
    tick: price >= 1 ? '0.01' : '0.0001',
  });
}
