import type { BrokerOrder, OrderStatus } from '../../broker/order-types.ts';
import type { Side } from '../../core/side.ts';

/** What the gateway knows about one order at the broker. */
export interface TrackedOrder {
  readonly brokerOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: BrokerOrder['type'];
  /** Ordered quantity in shares. */
  readonly qty: number;
  filledQty: number;
  status: OrderStatus;
  readonly stopPrice: number | undefined;
  /** Broker id of the parent when this is a bracket/OTO leg. */
  readonly parentId: string | undefined;
  /** The broker's order, as last seen. */
  order: BrokerOrder;
}

const NOT_LIVE: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'canceled',
  'expired',
  'replaced',
  'rejected',
  'pending_cancel',
  'done_for_day',
  'suspended',
  'stopped',
]);

/** True while an order can still execute at the broker. */
export function isLive(status: OrderStatus): boolean {
  return !NOT_LIVE.has(status);
}

const STOP_TYPES: ReadonlySet<string> = new Set(['stop', 'stop_limit', 'trailing_stop']);

/**
 * The gateway's in-memory view of orders at the broker, legs included, kept current from the
 * trade-update stream and reconciliation. It answers which stops protect a position.
 */
export class OrderIndex {
  readonly #byId = new Map<string, TrackedOrder>();
  readonly #byClientId = new Map<string, string>();

  /** Records an order and its legs as the broker reports them. */
  upsert(order: BrokerOrder, parentId?: string): TrackedOrder {
    const existing = this.#byId.get(order.id);
    let tracked: TrackedOrder;
    if (existing === undefined) {
      tracked = {
        brokerOrderId: order.id,
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        qty: order.qty ?? 0,
        filledQty: order.filledQty,
        status: order.status,
        stopPrice: order.stopPrice,
        parentId,
        order,
      };
      this.#byId.set(order.id, tracked);
      this.#byClientId.set(order.clientOrderId, order.id);
    } else {
      tracked = existing;
      tracked.status = order.status;
      tracked.filledQty = Math.max(tracked.filledQty, order.filledQty);
      tracked.order = order;
    }
    for (const leg of order.legs) this.upsert(leg, order.id);
    return tracked;
  }

  get(brokerOrderId: string): TrackedOrder | undefined {
    return this.#byId.get(brokerOrderId);
  }

  byClientId(clientOrderId: string): TrackedOrder | undefined {
    const id = this.#byClientId.get(clientOrderId);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  /** Live stop orders on the reducing side of a position of signed quantity `positionQty`. */
  liveStops(symbol: string, positionQty: number): TrackedOrder[] {
    const exitSide: Side = positionQty > 0 ? 'sell' : 'buy';
    const out: TrackedOrder[] = [];
    for (const o of this.#byId.values()) {
      if (o.symbol === symbol && o.side === exitSide && STOP_TYPES.has(o.type) && isLive(o.status))
        out.push(o);
    }
    return out;
  }

  /** Every live order, legs included. */
  live(): TrackedOrder[] {
    return [...this.#byId.values()].filter((o) => isLive(o.status));
  }

  /** Live orders of one symbol. */
  liveFor(symbol: string): TrackedOrder[] {
    return this.live().filter((o) => o.symbol === symbol);
  }

  /** Forgets orders that finished long ago, so the index stays small. */
  prune(maxFinished = 5_000): void {
    const finished = [...this.#byId.values()].filter((o) => !isLive(o.status));
    for (const o of finished.slice(0, Math.max(0, finished.length - maxFinished))) {
      this.#byId.delete(o.brokerOrderId);
      this.#byClientId.delete(o.clientOrderId);
    }
  }
}
