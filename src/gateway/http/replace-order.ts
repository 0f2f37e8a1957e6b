import { newClientOrderId } from '../../broker/client-order-id.ts';
import { type BrokerOrder, TERMINAL_STATUSES } from '../../broker/order-types.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { Principal } from '../auth/api-key-auth.ts';
import { brokerErrorReply } from '../orders/broker-error-reply.ts';
import { isLive } from '../orders/order-index.ts';
import { intentOf } from '../risk/hydrate-engine.ts';
import { storeStatus } from '../risk/position-closer.ts';
import type { GatewayServices } from '../services.ts';
import { checkReplaceFits, parseReplaceRequest, type ReplaceChanges } from '../wire/parse-replace-request.ts';
import { renderOrder } from '../wire/render.ts';
import { denialReply, type ErrorReply, invalidReply } from './alpaca-errors.ts';

type Reply = ErrorReply | { status: number; body: unknown };

/**
 * `PATCH /v2/orders/{id}`: the body is read strictly (only the broker's replaceable fields, each
 * applied or refused); a finished order is a 422 as at the broker; the replacement is checked
 * like a new order (the old reservation is released first and put back if the replacement is
 * denied) and replaced at the broker through the protection manager, serially with the symbol's
 * other orders, after freeing the shares a growing exit needs from the position's protection.
 */
export async function replaceOrder(
  services: GatewayServices,
  orderId: string,
  body: unknown,
  principal: Principal,
): Promise<Reply> {
  const { ctx } = services;
  const parsed = parseReplaceRequest(body);
  if (!parsed.ok) return invalidReply(parsed.issues);
  const changes = parsed.value;
  let current: BrokerOrder;
  try {
    current = await ctx.broker.getOrder(orderId, { nested: true });
  } catch (error) {
    return brokerErrorReply(error);
  }
  if (TERMINAL_STATUSES.has(current.status)) {
    return {
      status: 422,
      body: { code: 42210000, message: `order is already in "${current.status}" state` },
    };
  }
  const misfits = checkReplaceFits(changes, current);
  if (misfits.length > 0) return invalidReply(misfits);
  const position = services.manager.positionQty(current.symbol);
  const closing = position !== 0 && (current.side === 'sell') === position > 0;
  const growth =
    closing && changes.qty !== undefined
      ? Math.max(0, changes.qty - ((current.qty ?? 0) - current.filledQty))
      : 0;
  return services.manager.withFree(current.symbol, growth, () =>
    replaceChecked(services, current, changes, principal),
  );
}

async function replaceChecked(
  services: GatewayServices,
  current: BrokerOrder,
  changes: ReplaceChanges,
  principal: Principal,
): Promise<Reply> {
  const { ctx } = services;
  const { qty, limitPrice, stopPrice, trail, timeInForce } = changes;
  const orderId = current.id;
  const stored = await ctx.store.orders.get(current.clientOrderId).catch(() => null);
  const before: OrderIntent = stored?.intent ?? intentOf(current);
  const newId = changes.clientOrderId ?? newClientOrderId('rg');
  const after: OrderIntent = {
    ...before,
    clientOrderId: newId,
    qty: qty ?? (current.qty ?? before.qty) - current.filledQty,
    ...(limitPrice !== undefined ? { limitPrice } : {}),
    ...(stopPrice !== undefined ? { stopPrice } : {}),
    ...(timeInForce !== undefined ? { timeInForce } : {}),
    ...(trail !== undefined
      ? current.trailPercent !== undefined
        ? { trailPercent: trail }
        : { trailPrice: trail }
      : {}),
  };
  const engine = ctx.risk.engine;
  engine.onOrderClosed(before.clientOrderId);
  const decision = engine.validateOrder(after);
  if (decision.kind === 'deny') {
    engine.restoreWorkingOrder(before, Math.max(0, (current.qty ?? before.qty) - current.filledQty));
    return denialReply(decision.violations, { effect: decision.effect });
  }
  try {
    await ctx.store.orders.recordIntent(after, { at: Date.now() });
    const replaced = await ctx.metrics.timeBroker('replaceOrder', () =>
      ctx.broker.replaceOrder(orderId, {
        ...(qty !== undefined ? { qty } : {}),
        ...(timeInForce !== undefined ? { timeInForce } : {}),
        ...(limitPrice !== undefined ? { limitPrice } : {}),
        ...(stopPrice !== undefined ? { stopPrice } : {}),
        ...(trail !== undefined ? { trail } : {}),
        clientOrderId: newId,
        intent: decision.effect === 'reduce' || decision.effect === 'close' ? 'exit' : 'entry',
      }),
    );
    ctx.orders.upsert(replaced);
    await ctx.store.orders.recordAck(newId, {
      brokerOrderId: replaced.id,
      status: storeStatus(replaced.status),
      at: Date.now(),
    });
    ctx.hub.publish('order', { event: 'replaced', by: principal.keyId, order: renderOrder(replaced) });
    return { status: 200, body: renderOrder(replaced) };
  } catch (error) {
    engine.onOrderClosed(newId);
    // The old order keeps its reservation only while it still works: a replace refused because the
    // order filled or was cancelled meanwhile must not leave a phantom working order behind.
    const now = await ctx.broker.getOrder(orderId).catch(() => current);
    ctx.orders.upsert(now);
    const remaining = (now.qty ?? before.qty) - now.filledQty;
    if (isLive(now.status) && remaining > 0) engine.restoreWorkingOrder(before, remaining);
    await ctx.store.orders.transition(newId, { to: 'submit_failed', at: Date.now() }).catch(() => undefined);
    return brokerErrorReply(error);
  }
}
