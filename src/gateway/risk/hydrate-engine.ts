import { listAllOpenOrders } from '../../broker/list-open-orders.ts';
import type { BrokerOrder } from '../../broker/order-types.ts';
import type { TradeUpdate } from '../../broker/trade-update.ts';
import type { RiskEngine } from '../../core/engine.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { GatewayContext } from '../context.ts';
import { PROTECTIVE_ID_PREFIX } from '../protection/coverage.ts';
import { recoverStore } from './store-recovery.ts';

/** What hydration found, for the startup log and `/v1/state`. */
export interface HydrationReport {
  readonly positions: number;
  readonly workingOrders: number;
  /** Position differences no order explained; each was alerted once and corrected in the store. */
  readonly mismatches: readonly string[];
  /** Fills made while the gateway was down, recorded from the broker's orders. */
  readonly recoveredFills: number;
  /** Stored orders whose status was brought up to the broker's. */
  readonly updatedOrders: number;
}

/**
 * Brings a freshly built engine (its latch, peak and day start already restored from the store)
 * up to the broker's truth: account, marks, positions with the stops the broker holds, and the
 * entries still working there. The store is brought up to the broker too (see
 * {@link recoverStore}); `pending` are the trade updates buffered since the stream was
 * subscribed, applied after this returns.
 */
export async function hydrateEngine(
  ctx: GatewayContext,
  engine: RiskEngine,
  pending: readonly TradeUpdate[] = [],
): Promise<HydrationReport> {
  const { broker, orders } = ctx;
  const [account, positions, open, recovered] = await Promise.all([
    broker.getAccount(),
    broker.listPositions(),
    // Every open order, however many pages: a stop left unread would be placed again.
    listAllOpenOrders(broker),
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
  const intents = new Map(recovered.workingOrders.map((o) => [o.clientOrderId, o.intent]));
  let working = 0;
  for (const o of open) {
    const remaining = (o.qty ?? 0) - o.filledQty;
    if (remaining <= 0) continue;
    // The gateway's own protective orders are no working exits of the bot: reserved, they would
    // make the bot's full exit look like a flip.
    if (o.clientOrderId.startsWith(PROTECTIVE_ID_PREFIX)) continue;
    engine.restoreWorkingOrder(intents.get(o.clientOrderId) ?? intentOf(o), remaining);
    working += 1;
  }
  // The store missed whatever filled while the gateway was down: record it before trading, so
  // the store's orders and positions equal the broker's. What no order explains is corrected once.
  const recovery = await recoverStore(ctx, { recovered, positions, pending, now });
  const mismatches = recovery.corrections.map(
    (c) =>
      `${c.symbol}: store ${c.store}, broker ${c.broker} (no order explains it; a correcting fill was recorded)`,
  );
  return {
    positions: positions.length,
    workingOrders: working,
    mismatches,
    recoveredFills: recovery.recoveredFills,
    updatedOrders: recovery.updatedOrders,
  };
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
