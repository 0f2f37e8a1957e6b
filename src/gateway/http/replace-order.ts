import { newClientOrderId } from '../../broker/client-order-id.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { Principal } from '../auth/api-key-auth.ts';
import { brokerErrorReply } from '../orders/broker-error-reply.ts';
import { intentOf } from '../risk/hydrate-engine.ts';
import { storeStatus } from '../risk/position-closer.ts';
import type { GatewayServices } from '../services.ts';
import { checkReplaceFits, parseReplaceRequest } from '../wire/parse-replace-request.ts';
import { renderOrder } from '../wire/render.ts';
import { denialReply, type ErrorReply, invalidReply } from './alpaca-errors.ts';

/**
 * `PATCH /v2/orders/{id}`: the body is read strictly (only the broker's replaceable fields, each
 * applied or refused), the replacement is checked like a new order (the old reservation is
 * released first and put back if the replacement is denied), then replaced at the broker.
 */
export async function replaceOrder(
  services: GatewayServices,
  orderId: string,
  body: unknown,
  principal: Principal,
): Promise<ErrorReply | { status: number; body: unknown }> {
  const { ctx } = services;
  const parsed = parseReplaceRequest(body);
  if (!parsed.ok) return invalidReply(parsed.issues);
  const changes = parsed.value;
  const { qty, limitPrice, stopPrice, trail, timeInForce } = changes;
  let current: Awaited<ReturnType<typeof ctx.broker.getOrder>>;
  try {
    current = await ctx.broker.getOrder(orderId, { nested: true });
  } catch (error) {
    return brokerErrorReply(error);
  }
  const misfits = checkReplaceFits(changes, current);
  if (misfits.length > 0) return invalidReply(misfits);
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
    engine.restoreWorkingOrder(before, Math.max(0, (current.qty ?? before.qty) - current.filledQty));
    await ctx.store.orders.transition(newId, { to: 'submit_failed', at: Date.now() }).catch(() => undefined);
    return brokerErrorReply(error);
  }
}
