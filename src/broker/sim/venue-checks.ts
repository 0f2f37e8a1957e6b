import { numberToDecimal } from '../wire/decimal.ts';
import { contractMultiplier } from './ledger.ts';
import type { CheckedOrder } from './order-rules.ts';
import { forbidden, type SimHttpError } from './sim-errors.ts';
import type { VenueState } from './venue-state.ts';

/**
 * The account-dependent rules: shares available (held by other orders), shorting, wash trades and
 * buying power. Returns the broker-shaped 403 or undefined when the order may be placed.
 */
export function checkAgainstAccount(state: VenueState, o: CheckedOrder): SimHttpError | undefined {
  const position = state.ledger.positionQty(o.symbol);
  const closing = (o.side === 'sell' && position > 0) || (o.side === 'buy' && position < 0);
  if (closing) {
    const held = state.heldForOrders(o.symbol, o.side);
    const available = Math.max(0, Math.abs(position) - held.qty);
    if (o.qty > available) {
      return forbidden(
        `insufficient qty available for order (requested: ${numberToDecimal(o.qty)}, available: ${numberToDecimal(available)})`,
        {
          available: numberToDecimal(available),
          existing_qty: numberToDecimal(Math.abs(position)),
          held_for_orders: numberToDecimal(held.qty),
          related_orders: held.orderIds,
          symbol: o.symbol,
        },
      );
    }
  } else if (o.side === 'sell') {
    const asset = state.assets.get(o.symbol);
    if (!state.ledger.shortingEnabled) return forbidden('account is not allowed to short');
    if (asset?.shortable === false) return forbidden(`asset ${o.symbol} cannot be sold short`);
  }
  const wash = washTrade(state, o);
  if (wash !== undefined) return wash;
  if (!closing) {
    const price =
      o.type === 'limit' || o.type === 'stop_limit'
        ? o.limitPrice!
        : o.type === 'stop'
          ? o.stopPrice!
          : state.marketPrice(o.symbol, o.side);
    if (price !== undefined) {
      const cost = o.qty * price * contractMultiplier(o.symbol);
      const mark = (s: string) => state.mark(s);
      const buyingPower = state.ledger.baseBuyingPower(mark) - state.reservedBuyingPower();
      if (cost > buyingPower + 1e-9) {
        return forbidden('insufficient buying power', {
          buying_power: numberToDecimal(Math.max(0, Math.round(buyingPower * 100) / 100)),
          cost_basis: numberToDecimal(Math.round(cost * 100) / 100),
        });
      }
    }
  }
  return undefined;
}

/** An opposite-side live order for the same symbol that the new order could trade against. */
function washTrade(state: VenueState, o: CheckedOrder): SimHttpError | undefined {
  for (const existing of state.liveOrders(o.symbol)) {
    if (existing.side === o.side) continue;
    let reason: string | undefined;
    if (existing.type !== 'limit') reason = 'opposite side market/stop order exists';
    else {
      const crosses =
        o.type === 'market' ||
        (o.type === 'limit' &&
          (o.side === 'buy' ? o.limitPrice! >= existing.limitPrice! : o.limitPrice! <= existing.limitPrice!));
      if (crosses) reason = 'opposite side limit order exists';
    }
    if (reason !== undefined) {
      return forbidden('potential wash trade detected. use complex orders', {
        existing_order_id: existing.id,
        reject_reason: reason,
      });
    }
  }
  return undefined;
}
