import type { BrokerOrder } from '../../broker/order-types.ts';
import type { RiskEngine } from '../../core/engine.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { GatewayContext } from '../context.ts';

/** What hydration found, for the startup log and `/v1/state`. */
export interface HydrationReport {
  readonly positions: number;
  readonly workingOrders: number;
  readonly mismatches: readonly string[];
}

/**
 * Brings a freshly built engine (its latch, peak and day start already restored from the store)
 * up to the broker's truth: account, marks, positions with the stops the broker holds, and the
 * entries still working there. The store's own view of positions is compared and every
 * difference is reported: the broker wins.
 */
export async function hydrateEngine(ctx: GatewayContext, engine: RiskEngine): Promise<HydrationReport> {
  const { broker, orders } = ctx;
  const [account, positions, open, recovered] = await Promise.all([
    broker.getAccount(),
    broker.listPositions(),
    broker.listOrders({ status: 'open', nested: true, limit: 500 }),
    ctx.store.recover(),
  ]);
  const now = Date.now();
  engine.onAccount({
    time: now,
    equity: account.equity,
    cash: account.cash,
    buyingPower: account.buyingPower,
  });
  for (const o of open) orders.upsert(o);
  const symbols = new Set([...positions.map((p) => p.symbol), ...open.map((o) => o.symbol)]);
  if (symbols.size > 0) {
    const quotes = await broker.getLatestQuotes([...symbols]);
    for (const q of quotes.values()) {
      engine.onMarket({ kind: 'quote', symbol: q.symbol, time: q.time, bid: q.bid, ask: q.ask });
    }
  }
  for (const p of positions) {
    const stops = orders
      .liveStops(p.symbol, p.qty)
      .map((s) => s.stopPrice)
      .filter((x): x is number => x !== undefined);
    const stop = stops.length === 0 ? undefined : p.qty > 0 ? Math.max(...stops) : Math.min(...stops);
    engine.restorePosition({
      symbol: p.symbol,
      qty: p.qty,
      avgPrice: p.avgEntryPrice,
      time: now,
      ...(stop !== undefined ? { stop } : {}),
    });
  }
  const mismatches: string[] = [];
  const stored = new Map(recovered.positions.positions.map((p) => [p.symbol, p.qty]));
  for (const p of positions) {
    const mine = stored.get(p.symbol) ?? 0;
    if (Math.abs(mine - p.qty) > 1e-9) mismatches.push(`${p.symbol}: store ${mine}, broker ${p.qty}`);
    stored.delete(p.symbol);
  }
  for (const [symbol, qty] of stored) mismatches.push(`${symbol}: store ${qty}, broker 0`);

  const intents = new Map(recovered.workingOrders.map((o) => [o.clientOrderId, o.intent]));
  let working = 0;
  for (const o of open) {
    const remaining = (o.qty ?? 0) - o.filledQty;
    if (remaining <= 0) continue;
    engine.restoreWorkingOrder(intents.get(o.clientOrderId) ?? intentOf(o), remaining);
    working += 1;
  }
  // Intents the broker may or may not have got before a crash: settle each by client order id.
  for (const pending of recovered.unacknowledgedOrders) {
    try {
      const found = await broker.getOrderByClientId(pending.clientOrderId);
      orders.upsert(found);
      await ctx.store.orders.recordAck(pending.clientOrderId, { brokerOrderId: found.id, at: now });
    } catch {
      await ctx.store.orders
        .transition(pending.clientOrderId, {
          to: 'submit_failed',
          at: now,
          reason: 'not found at the broker after a restart',
        })
        .catch(() => undefined);
    }
  }
  return { positions: positions.length, workingOrders: working, mismatches };
}

/** An order at the broker as an intent (for orders riskgate did not record). */
export function intentOf(o: BrokerOrder): OrderIntent {
  const stop = o.legs.find((l) => l.type === 'stop' || l.type === 'stop_limit')?.stopPrice;
  const target = o.legs.find((l) => l.type === 'limit')?.limitPrice;
  return {
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty ?? 0,
    type: o.type,
    timeInForce: o.timeInForce,
    ...(o.limitPrice !== undefined ? { limitPrice: o.limitPrice } : {}),
    ...(o.stopPrice !== undefined ? { stopPrice: o.stopPrice } : {}),
    ...(stop !== undefined || target !== undefined
      ? {
          protection: {
            ...(stop !== undefined ? { stopLoss: stop } : {}),
            ...(target !== undefined ? { takeProfit: target } : {}),
          },
        }
      : {}),
  };
}
