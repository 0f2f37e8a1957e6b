import { newClientOrderId } from '../../broker/client-order-id.ts';
import { type BrokerOrder, TERMINAL_STATUSES } from '../../broker/order-types.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { Principal } from '../auth/api-key-auth.ts';
import { brokerErrorReply } from '../orders/broker-error-reply.ts';
import { isLive } from '../orders/order-index.ts';
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
  // As at the broker: a finished order cannot be replaced.
  if (TERMINAL_STATUSES.has(current.status)) {
    return {
      status: 422,
      body: { code: 42210000, message: `order is already in "${current.status}" state` },
    };
  }
  // An exit that grows needs shares the position's protection may hold: they are freed first,
  // and the protection is brought back in line after, serially with the symbol's other orders.
  const position = services.manager.positionQty(current.symbol);
  const closing = position !== 0 && (current.side === 'sell') === position > 0;
  const growth =
    closing && qty !== undefined && qty !== null
      ? Math.max(0, qty - ((current.qty ?? 0) - current.filledQty))
      : 0;
  return services.manager.withFree(current.symbol, growth, () =>
    replaceChecked(services, current, { qty, limitPrice, stopPrice, body: b }, principal),
  );
}

async function replaceChecked(
  services: GatewayServices,
  current: BrokerOrder,
  changes: {
    readonly qty: number | undefined | null;
    readonly limitPrice: number | undefined | null;
    readonly stopPrice: number | undefined | null;
    readonly body: Record<string, unknown>;
  },
  principal: Principal,
): Promise<ErrorReply | { status: number; body: unknown }> {
  const { ctx } = services;
  const { qty, limitPrice, stopPrice, body: b } = changes;
  const orderId = current.id;
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
