import { sessionDate } from '../../core/session.ts';
import type { Side } from '../../core/side.ts';
import { findFill, type PathFill } from './fill-model.ts';

/** What an order at the simulated broker is for. Legs protect a position and are OCO with each other. */
export type OrderRole = 'entry' | 'exit' | 'stop-leg' | 'target-leg';
export type SimOrderType = 'market' | 'limit' | 'stop' | 'stop_limit';
export type SimOrderStatus = 'working' | 'filled' | 'canceled' | 'expired';

/** A working order at the simulated broker. Quantities in shares, prices in dollars. */
export interface SimOrder {
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: SimOrderType;
  readonly role: OrderRole;
  /** Shares still to fill. */
  remaining: number;
  /** Shares filled so far and their value in dollars (for commission minimums). */
  filled: number;
  notional: number;
  commission: number;
  limitPrice: number | undefined;
  stopPrice: number | undefined;
  /** A stop (or stop-limit) whose trigger was hit; a triggered stop fills like a market order. */
  triggered: boolean;
  /** The order matches only bars that start after this epoch ms (placement or fill bar). */
  activeAfter: number;
  readonly timeInForce: 'day' | 'gtc';
  /** For day orders: the session date (`YYYY-MM-DD`) after which the order expires. */
  expiresAfterSession: string | undefined;
  /** Exit reason recorded on fills (`stop_loss`, `time_exit`, ...). */
  reason: string | undefined;
  /** Never grows or flips the position: clipped to it, canceled once flat. */
  readonly reduceOnly: boolean;
  /** The risk engine holds a working-order reservation to release when the order ends. */
  readonly reserved: boolean;
  /** Orders sharing a group cancel each other once one fills. */
  readonly oco: string | undefined;
  readonly strategy: string | undefined;
  readonly placedAt: number;
  status: SimOrderStatus;
}

/** A fill candidate found while matching a bar. */
export interface Candidate extends PathFill {
  readonly order: SimOrder;
}

/**
 * The simulated broker's order book: working orders per symbol, matched bar by bar. It only
 * decides which orders can fill where in a bar; the event loop applies fills, costs and OCO.
 */
export class SimBroker {
  readonly #orders = new Map<string, SimOrder>();
  readonly #bySymbol = new Map<string, SimOrder[]>();
  #workingCount = 0;

  /** Number of working orders across all symbols. */
  get size(): number {
    return this.#workingCount;
  }

  get(id: string): SimOrder | undefined {
    return this.#orders.get(id);
  }

  add(order: SimOrder): void {
    this.#orders.set(order.id, order);
    let list = this.#bySymbol.get(order.symbol);
    if (list === undefined) this.#bySymbol.set(order.symbol, (list = []));
    list.push(order);
    this.#workingCount++;
  }

  /** Working orders for a symbol (a live array: copy before changing the book while iterating). */
  working(symbol: string): readonly SimOrder[] {
    return this.#bySymbol.get(symbol) ?? NONE;
  }

  /** All working orders. */
  all(): IterableIterator<SimOrder> {
    return this.#orders.values();
  }

  /** Ends an order (filled, canceled or expired) and removes it from the book. */
  close(order: SimOrder, status: Exclude<SimOrderStatus, 'working'>): void {
    if (order.status !== 'working') return;
    order.status = status;
    this.#orders.delete(order.id);
    const list = this.#bySymbol.get(order.symbol);
    if (list !== undefined) {
      const i = list.indexOf(order);
      if (i >= 0) list.splice(i, 1);
    }
    this.#workingCount--;
  }

  /** The protective legs of a symbol's position. */
  leg(symbol: string, role: 'stop-leg' | 'target-leg'): SimOrder | undefined {
    const list = this.#bySymbol.get(symbol);
    if (list === undefined) return undefined;
    for (const o of list) if (o.role === role) return o;
    return undefined;
  }

  /**
   * Orders of `symbol` that can fill in a bar, in the order the assumed path reaches them.
   * Day orders from an earlier session expire first and are returned in `expired`.
   */
  match(
    symbol: string,
    time: number,
    open: number,
    high: number,
    low: number,
    isLowFirst: boolean,
    out: Candidate[],
    expired: SimOrder[],
  ): void {
    const list = this.#bySymbol.get(symbol);
    if (list === undefined || list.length === 0) return;
    for (const order of list) {
      if (time <= order.activeAfter) continue;
      if (order.timeInForce === 'day') {
        const today = sessionDate(time);
        if (order.expiresAfterSession === undefined) order.expiresAfterSession = today;
        else if (today > order.expiresAfterSession) {
          expired.push(order);
          continue;
        }
      }
      const fill = matchOne(order, open, high, low, isLowFirst);
      if (fill !== undefined) out.push({ order, at: fill.at, price: fill.price, gapped: fill.gapped });
    }
    if (out.length > 1) out.sort((a, b) => a.at - b.at);
  }

  /** Applies a split to a symbol's orders: quantities × ratio, prices ÷ ratio. */
  rescale(symbol: string, ratio: number): void {
    for (const o of this.#bySymbol.get(symbol) ?? NONE) {
      o.remaining *= ratio;
      o.filled *= ratio;
      if (o.limitPrice !== undefined) o.limitPrice /= ratio;
      if (o.stopPrice !== undefined) o.stopPrice /= ratio;
    }
  }
}

const NONE: readonly SimOrder[] = Object.freeze([]);

function matchOne(
  order: SimOrder,
  open: number,
  high: number,
  low: number,
  isLowFirst: boolean,
): PathFill | undefined {
  switch (order.type) {
    case 'market':
      return findFill('market', order.side, open, open, high, low, isLowFirst);
    case 'limit':
      return findFill('limit', order.side, order.limitPrice!, open, high, low, isLowFirst);
    case 'stop':
      // A triggered stop that could not fill completely (volume cap) is a market order now.
      if (order.triggered) return findFill('market', order.side, open, open, high, low, isLowFirst);
      return findFill('stop', order.side, order.stopPrice!, open, high, low, isLowFirst);
    case 'stop_limit': {
      if (order.triggered)
        return findFill('limit', order.side, order.limitPrice!, open, high, low, isLowFirst);
      const trigger = findFill('stop', order.side, order.stopPrice!, open, high, low, isLowFirst);
      if (trigger === undefined) return undefined;
      order.triggered = true;
      // After the trigger the order is a limit: it fills at the trigger price if that is within
      // the limit, otherwise it rests as a limit order from the next bar.
      const limit = order.limitPrice!;
      const within = order.side === 'buy' ? trigger.price <= limit : trigger.price >= limit;
      return within ? trigger : undefined;
    }
  }
}
