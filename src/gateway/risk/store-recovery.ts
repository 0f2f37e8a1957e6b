import type { BrokerPosition } from '../../broker/account-types.ts';
import { isBrokerError } from '../../broker/errors.ts';
import { type BrokerOrder, TERMINAL_STATUSES } from '../../broker/order-types.ts';
import type { TradeUpdate } from '../../broker/trade-update.ts';
import type { Fill } from '../../core/market.ts';
import type { OrderRecord } from '../../store/order-types.ts';
import type { StoredPosition } from '../../store/position-math.ts';
import type { RecoveredState } from '../../store/recovery.ts';
import type { GatewayContext } from '../context.ts';
import { storeStatus } from './position-closer.ts';

/** A position difference no order explained, and the correcting entry recorded for it. */
export interface PositionCorrection {
  readonly symbol: string;
  /** Signed shares the store held before the correction. */
  readonly store: number;
  /** Signed shares the broker holds. */
  readonly broker: number;
  /** Execution id of the correcting fill. */
  readonly executionId: string;
}

/** What bringing the store up to the broker found and recorded. */
export interface StoreRecovery {
  /** Fills recorded from the broker's orders: executions the store missed while the gateway was down. */
  readonly recoveredFills: number;
  /** Orders whose status or fill figures were brought up to the broker's. */
  readonly updatedOrders: number;
  /** Differences no order explained (fills made at the broker outside riskgate), corrected once. */
  readonly corrections: readonly PositionCorrection[];
}

const STOP_TYPES = new Set(['stop', 'stop_limit', 'trailing_stop']);

/** True when the broker will not change the order again (done for the day included). */
function isFinal(order: BrokerOrder): boolean {
  return TERMINAL_STATUSES.has(order.status) || order.status === 'done_for_day';
}
const EPSILON = 1e-9;
/** Stored orders of one symbol searched for protective legs when that symbol's position differs. */
const LEG_PARENT_LOOKBACK = 200;

/**
 * Brings the store's orders and positions up to the broker's after a restart. Every order the
 * store thinks is working (and every unacknowledged intent the broker turns out to have) is
 * looked up; its missing fills are recorded under execution ids derived from the broker's
 * cumulative figures (`recovered:<broker id>:<filled qty>`, so repeating recovery adds nothing)
 * and its final status is recorded. Where a symbol's position still differs, the protective legs
 * of its stored orders are looked up too (a stop that triggered while the gateway was down).
 * What no order explains is a fill made at the broker outside riskgate: it is recorded once as a
 * correcting fill (reason `reconciliation`) and audited, so the next restart finds nothing.
 *
 * `pending` holds the trade updates received since the stream was subscribed and not yet
 * applied: fills they carry are left to them, so a fill is never recorded twice.
 */
export async function recoverStore(
  ctx: GatewayContext,
  input: {
    readonly recovered: RecoveredState;
    readonly positions: readonly BrokerPosition[];
    readonly pending: readonly TradeUpdate[];
    readonly now: number;
  },
): Promise<StoreRecovery> {
  const run = new Recovery(ctx, input.pending, input.now);
  for (const record of input.recovered.workingOrders) await run.settleWorking(record);
  let stored = await ctx.store.positions.current();
  const differing = differences(stored.positions, input.positions);
  if (differing.size > 0) {
    for (const symbol of differing.keys()) await run.settleLegsOf(symbol);
    stored = await ctx.store.positions.current();
  }
  const corrections: PositionCorrection[] = [];
  for (const [symbol, diff] of differences(stored.positions, input.positions)) {
    corrections.push(await run.correct(symbol, diff));
  }
  return { recoveredFills: run.fills, updatedOrders: run.updated, corrections };
}

/** Signed store and broker quantities of every symbol where they differ. */
function differences(
  stored: readonly StoredPosition[],
  broker: readonly BrokerPosition[],
): Map<string, Diff> {
  const mine = new Map(stored.map((p) => [p.symbol, p]));
  const diffs = new Map<string, Diff>();
  for (const p of broker) {
    const own = mine.get(p.symbol);
    mine.delete(p.symbol);
    const qty = own?.qty ?? 0;
    if (Math.abs(qty - p.qty) > EPSILON) {
      diffs.set(p.symbol, { store: qty, broker: p.qty, price: p.currentPrice ?? p.avgEntryPrice });
    }
  }
  for (const [symbol, own] of mine) {
    // Flat at the broker: closed at the store's entry price, so the correction adds no P&L of its own.
    if (Math.abs(own.qty) > EPSILON) diffs.set(symbol, { store: own.qty, broker: 0, price: own.avgPrice });
  }
  return diffs;
}

/** A position difference: signed store and broker shares, and the dollar price to correct at. */
interface Diff {
  readonly store: number;
  readonly broker: number;
  readonly price: number;
}

/** One recovery pass: the lookups done so far and what was recorded. */
class Recovery {
  readonly #ctx: GatewayContext;
  readonly #pending: readonly TradeUpdate[];
  readonly #now: number;
  /** Broker ids already looked up, so an order is settled once. */
  readonly #seen = new Set<string>();
  fills = 0;
  updated = 0;

  constructor(ctx: GatewayContext, pending: readonly TradeUpdate[], now: number) {
    this.#ctx = ctx;
    this.#pending = pending;
    this.#now = now;
  }

  /** Looks up one order the store thinks can still fill and records what the broker says. */
  async settleWorking(record: OrderRecord): Promise<void> {
    const ctx = this.#ctx;
    let order: BrokerOrder;
    try {
      order = await this.#lookup(record);
    } catch (error) {
      if (!isBrokerError(error, 'NOT_FOUND')) {
        ctx.log.warn(
          { clientOrderId: record.clientOrderId, error: String(error) },
          'order not looked up at start; the next start tries again',
        );
        return;
      }
      if (record.status === 'pending_submit') {
        // The crash came before the broker got it.
        await ctx.store.orders
          .transition(record.clientOrderId, {
            to: 'submit_failed',
            at: this.#now,
            reason: 'not found at the broker after a restart',
          })
          .catch(() => undefined);
      } else {
        ctx.log.warn({ clientOrderId: record.clientOrderId }, 'acknowledged order not found at the broker');
      }
      return;
    }
    ctx.orders.upsert(order);
    this.#seen.add(order.id);
    if (record.brokerOrderId === null) {
      const stopLeg = order.legs.find((l) => STOP_TYPES.has(l.type));
      const takeProfitLeg = order.legs.find((l) => l.type === 'limit');
      await ctx.store.orders.recordAck(record.clientOrderId, {
        brokerOrderId: order.id,
        // A final status comes with its fill figures in the transition below.
        status: isFinal(order) ? 'new' : storeStatus(order.status),
        legs: { takeProfit: takeProfitLeg?.id ?? null, stopLoss: stopLeg?.id ?? null },
        at: this.#now,
      });
    }
    await this.#recordFills(order);
    const status = storeStatus(order.status);
    const current = await ctx.store.orders.get(record.clientOrderId);
    // Only fills and final statuses are recorded: a working status the broker reports differently
    // (`accepted` for `new`) is not news, and must not move the order backwards.
    const filled = current !== null && Math.abs(current.filledQty - order.filledQty) > EPSILON;
    if (current !== null && (filled || (isFinal(order) && current.status !== status))) {
      const result = await ctx.store.orders.transition(record.clientOrderId, {
        to: status,
        at: this.#now,
        reason: 'recovered from the broker at start',
        filledQty: order.filledQty,
        ...(order.filledAvgPrice !== undefined ? { avgFillPrice: order.filledAvgPrice } : {}),
      });
      if (result.applied) this.updated += 1;
    }
  }

  /** Looks up the filled bracket/OTO entries of a symbol, so fills of their legs are recorded too. */
  async settleLegsOf(symbol: string): Promise<void> {
    const ctx = this.#ctx;
    const parents = (await ctx.store.orders.list({ symbol, limit: LEG_PARENT_LOOKBACK })).filter(
      (o) =>
        o.brokerOrderId !== null &&
        o.filledQty > 0 &&
        !this.#seen.has(o.brokerOrderId) &&
        (o.legs.stopLoss !== null || o.legs.takeProfit !== null),
    );
    for (const parent of parents) {
      const order = await ctx.broker.getOrder(parent.brokerOrderId!, { nested: true }).catch(() => undefined);
      if (order === undefined) continue;
      ctx.orders.upsert(order);
      this.#seen.add(order.id);
      await this.#recordFills(order);
    }
  }

  /** Records a fill that makes the store's position of a symbol equal the broker's, and audits it. */
  async correct(symbol: string, diff: Diff): Promise<PositionCorrection> {
    const ctx = this.#ctx;
    const delta = diff.broker - diff.store;
    const executionId = `correction:${symbol}:${this.#now}`;
    const correction = { symbol, store: diff.store, broker: diff.broker, executionId };
    const fill: Fill = {
      executionId,
      symbol,
      side: delta > 0 ? 'buy' : 'sell',
      qty: Math.abs(delta),
      price: Number.isFinite(diff.price) && diff.price >= 0 ? diff.price : 0,
      time: this.#now,
      reason: 'reconciliation',
    };
    await ctx.store.fills.record(fill);
    await ctx.store.audit
      .append({
        eventId: `reconcile-start:${executionId}`,
        at: this.#now,
        kind: 'order',
        actor: 'reconciler',
        codes: ['RECONCILIATION_MISMATCH'],
        symbol,
        message: `position at start: store ${diff.store}, broker ${diff.broker}; no order explains it, a correcting fill was recorded`,
        data: { ...correction, fill },
      })
      .catch((error: unknown) => ctx.log.error({ error: String(error) }, 'audit of a correction failed'));
    return correction;
  }

  async #lookup(record: OrderRecord): Promise<BrokerOrder> {
    const broker = this.#ctx.broker;
    if (record.brokerOrderId !== null) return broker.getOrder(record.brokerOrderId, { nested: true });
    const found = await broker.getOrderByClientId(record.clientOrderId);
    return broker.getOrder(found.id, { nested: true });
  }

  /** Records the fills of an order and its legs that the store lacks. */
  async #recordFills(order: BrokerOrder): Promise<void> {
    const all = [order, ...order.legs];
    const totals = await this.#ctx.store.fills.totalsByOrder(all.map((o) => o.clientOrderId));
    for (const o of all) {
      await this.#recordMissing(o, o !== order, totals.get(o.clientOrderId) ?? { qty: 0, value: 0 });
    }
  }

  async #recordMissing(
    order: BrokerOrder,
    isLeg: boolean,
    stored: { readonly qty: number; readonly value: number },
  ): Promise<void> {
    const ctx = this.#ctx;
    const upTo = Math.min(order.filledQty, this.#streamFloor(order.clientOrderId));
    const missing = upTo - stored.qty;
    if (missing <= EPSILON) return;
    const average = order.filledAvgPrice;
    if (average === undefined || !Number.isFinite(average)) {
      ctx.log.error({ orderId: order.id }, 'filled order without an average price: fill not recovered');
      return;
    }
    // The price of the missing part follows from the broker's average over all of the order's fills.
    const rest = upTo === order.filledQty ? (average * upTo - stored.value) / missing : average;
    const fill: Fill = {
      executionId: `recovered:${order.id}:${upTo}`,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      qty: missing,
      price: Number.isFinite(rest) && rest > 0 ? rest : average,
      time: order.filledAt ?? order.updatedAt ?? this.#now,
      ...(STOP_TYPES.has(order.type)
        ? { reason: 'stop_loss' }
        : isLeg && order.type === 'limit'
          ? { reason: 'take_profit' }
          : {}),
    };
    const { inserted } = await ctx.store.fills.record(fill);
    if (!inserted) return;
    this.fills += 1;
    ctx.log.info(
      { clientOrderId: order.clientOrderId, symbol: order.symbol, qty: missing, price: fill.price },
      'recorded a fill made while the gateway was down',
    );
    await ctx.store.audit
      .append({
        eventId: `recovered-fill:${fill.executionId}`,
        at: this.#now,
        kind: 'order',
        actor: 'recovery',
        codes: ['FILL_RECOVERED'],
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        message: `${order.side} ${missing} ${order.symbol} at ${fill.price} filled while the gateway was down`,
        data: { fill },
      })
      .catch((error: unknown) => ctx.log.error({ error: String(error) }, 'audit of a recovered fill failed'));
  }

  /**
   * The cumulative quantity of an order filled before the first fill still waiting in the
   * stream's buffer: that fill and later ones are recorded when the buffer is applied.
   */
  #streamFloor(clientOrderId: string): number {
    let floor = Number.POSITIVE_INFINITY;
    for (const u of this.#pending) {
      if ((u.event !== 'fill' && u.event !== 'partial_fill') || u.qty === undefined) continue;
      if (u.order.clientOrderId !== clientOrderId) continue;
      floor = Math.min(floor, u.order.filledQty - u.qty);
    }
    return floor;
  }
}
