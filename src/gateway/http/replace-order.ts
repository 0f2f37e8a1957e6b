import { newClientOrderId } from '../../broker/client-order-id.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { Principal } from '../auth/api-key-auth.ts';
import { brokerErrorReply } from '../orders/broker-error-reply.ts';
import { intentOf } from '../risk/hydrate-engine.ts';
import { storeStatus } from '../risk/position-closer.ts';
import type { GatewayServices } from '../services.ts';
import { renderOrder } from '../wire/render.ts';
import { denialReply, type ErrorReply, invalidReply } from './alpaca-errors.ts';

function positive(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * `PATCH /v2/orders/{id}`: the replacement is checked like a new order (the old reservation is
 * released first and put back if the replacement is denied), then replaced at the broker.
 */
export async function replaceOrder(
  services: GatewayServices,
  orderId: string,
  body: unknown,
  principal: Principal,
): Promise<ErrorReply | { status: number; body: unknown }> {
  const { ctx } = services;
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const qty = positive(b.qty);
  const limitPrice = positive(b.limit_price);
  const stopPrice = positive(b.stop_price);
  const issues = [
    ...(qty === null ? [{ field: 'qty', expected: 'a positive number' }] : []),
    ...(limitPrice === null ? [{ field: 'limit_price', expected: 'a positive number' }] : []),
    ...(stopPrice === null ? [{ field: 'stop_price', expected: 'a positive number' }] : []),
  ];
  if (issues.length > 0) return invalidReply(issues);
  let current: Awaited<ReturnType<typeof ctx.broker.getOrder>>;
  try {
    current = await ctx.broker.getOrder(orderId, { nested: true });
  } catch (error) {
    return brokerErrorReply(error);
  }
  const stored = await ctx.store.orders.get(current.clientOrderId).catch(() => null);
  const before: OrderIntent = stored?.intent ?? intentOf(current);
  const newId =
    typeof b.client_order_id === 'string' && b.client_order_id !== ''
      ? b.client_order_id
      : newClientOrderId('rg');
  const after: OrderIntent = {
    ...before,
    clientOrderId: newId,
    qty: qty ?? (current.qty ?? before.qty) - current.filledQty,
    ...(limitPrice !== undefined && limitPrice !== null ? { limitPrice } : {}),
    ...(stopPrice !== undefined && stopPrice !== null ? { stopPrice } : {}),
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
        ...(qty !== undefined && qty !== null ? { qty } : {}),
        ...(limitPrice !== undefined && limitPrice !== null ? { limitPrice } : {}),
        ...(stopPrice !== undefined && stopPrice !== null ? { stopPrice } : {}),
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
    engine.restoreWorkingOrder(before, Math.max(0, (current.qty ?? before.qty) - current.filledQty));
    await ctx.store.orders.transition(newId, { to: 'submit_failed', at: Date.now() }).catch(() => undefined);
    return brokerErrorReply(error);
  }
}
