import type { BrokerOrder } from '../../broker/order-types.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { CloseReason } from '../../store/order-types.ts';
import type { GatewayContext } from '../context.ts';
import { isLive, type TrackedOrder } from '../orders/order-index.ts';

/**
 * Closes (part of) a position at market: the symbol's working orders are cancelled first
 * (bracket legs hold the shares, and the broker refuses to sell shares held for orders), then
 * the close is sent through the broker's exit path and recorded with its close reason.
 */
export async function closePosition(
  ctx: GatewayContext,
  symbol: string,
  options: { readonly qty?: number; readonly reason: CloseReason; readonly by: string },
): Promise<BrokerOrder> {
  await cancelLiveOrders(ctx, (o) => o.symbol === symbol);
  const amount = options.qty === undefined ? undefined : { qty: options.qty };
  const order = await ctx.metrics.timeBroker('closePosition', () => ctx.broker.closePosition(symbol, amount));
  ctx.orders.upsert(order);
  await recordClose(ctx, order, options.reason);
  ctx.hub.publish('close', { symbol, reason: options.reason, by: options.by, orderId: order.id });
  await ctx.store.audit
    .append({
      at: Date.now(),
      kind: 'order',
      actor: options.by,
      codes: [options.reason],
      clientOrderId: order.clientOrderId,
      symbol,
      message: `closing ${order.side} ${order.qty ?? 'all'} ${symbol} at market (${options.reason})`,
    })
    .catch((error: unknown) => ctx.log.error({ error: String(error) }, 'audit of a close failed'));
  return order;
}

/** Cancels every live order matching `which`; resolves when the broker acknowledged each cancel. */
export async function cancelLiveOrders(
  ctx: GatewayContext,
  which: (o: TrackedOrder) => boolean,
): Promise<{ cancelled: number; failed: number }> {
  // Cancelling a parent cancels its legs, so legs of a live parent are left to it.
  const targets = ctx.orders
    .live()
    .filter((o) => which(o) && (o.parentId === undefined || !isParentLive(ctx, o.parentId)));
  let failed = 0;
  await Promise.all(
    targets.map(async (o) => {
      try {
        await ctx.metrics.timeBroker('cancelOrder', () => ctx.broker.cancelOrder(o.brokerOrderId));
        ctx.orders.markPendingCancel(o);
      } catch (error) {
        failed += 1;
        ctx.log.warn({ orderId: o.brokerOrderId, error: String(error) }, 'cancel failed');
      }
    }),
  );
  return { cancelled: targets.length - failed, failed };
}

function isParentLive(ctx: GatewayContext, parentId: string): boolean {
  const parent = ctx.orders.get(parentId);
  return parent !== undefined && isLive(parent.status);
}

/** Records a closing order the broker created, with why it closes the position. */
export async function recordClose(
  ctx: GatewayContext,
  order: BrokerOrder,
  reason: CloseReason,
): Promise<void> {
  const intent: OrderIntent = {
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    qty: order.qty ?? Math.max(order.filledQty, 1),
    type: order.type,
    timeInForce: order.timeInForce,
  };
  try {
    const now = Date.now();
    // Journalled while the store is down, written to it when it is back.
    await ctx.durability.orders.recordCloseIntent(intent, { at: now, closeReason: reason });
    await ctx.durability.orders.recordAck(order.clientOrderId, {
      brokerOrderId: order.id,
      status: storeStatus(order.status),
      at: now,
    });
  } catch (error) {
    ctx.log.error({ error: String(error), orderId: order.id }, 'could not record a closing order');
  }
}

/** The broker's statuses the store does not list are recorded as the nearest one it does. */
export function storeStatus(status: BrokerOrder['status']): import('../../store/order-types.ts').OrderStatus {
  switch (status) {
    case 'held':
    case 'accepted_for_bidding':
    case 'calculated':
    case 'pending_review':
      return 'accepted';
    default:
      return status;
  }
}
