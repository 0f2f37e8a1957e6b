import type { BrokerOrder, OrderStatus } from '../../broker/order-types.ts';
import type { Side } from '../../core/side.ts';
import { closingSideOf, isDormantLeg, isManaged } from '../protection/coverage.ts';

/** What the gateway knows about one order at the broker. */
export interface TrackedOrder {
  readonly brokerOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: BrokerOrder['type'];
  /** Ordered quantity in shares. */
  qty: number;
  filledQty: number;
  /** Set only by the index, which files the order among the live ones by it. */
  readonly status: OrderStatus;
  stopPrice: number | undefined;
  /** Broker id of the parent when this is a bracket/OTO/OCO leg. */
  parentId: string | undefined;
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

/**
 * How far along its life a status is. A status never moves backwards: a fill processed before
 * the POST's acknowledgement must not turn `filled` back into `new`.
 */
function progress(status: OrderStatus): number {
  switch (status) {
    case 'pending_new':
    case 'accepted':
    case 'held':
    case 'accepted_for_bidding':
    case 'pending_review':
    case 'calculated':
      return 0;
    case 'new':
    case 'pending_replace':
    case 'pending_cancel':
      return 1;
    case 'partially_filled':
      return 2;
    case 'done_for_day':
    case 'stopped':
    case 'suspended':
      return 3;
    default:
      return 4; // filled, canceled, expired, replaced, rejected: final
  }
}

/** The status an order has after `next` is reported for one whose status was `current`. */
export function laterStatus(current: OrderStatus, next: OrderStatus): OrderStatus {
  // Our own `pending_cancel` marker is a guess; whatever the broker reports afterwards wins.
  if (current === 'pending_cancel' && next !== 'pending_new') return next;
  return progress(next) >= progress(current) ? next : current;
}

function setStatus(tracked: TrackedOrder, status: OrderStatus): void {
  (tracked as { status: OrderStatus }).status = status;
}

const STOP_TYPES: ReadonlySet<string> = new Set(['stop', 'stop_limit', 'trailing_stop']);

/**
 * The live orders of one symbol that a count of its protection can use, by who manages them and
 * by side: every other live order is a dormant exit leg (its entry has not filled).
 */
interface CoverageSets {
  readonly managed: Record<Side, Set<TrackedOrder>>;
  readonly others: Record<Side, Set<TrackedOrder>>;
}

function isEmpty(sets: CoverageSets): boolean {
  const { managed, others } = sets;
  return managed.buy.size + managed.sell.size + others.buy.size + others.sell.size === 0;
}

/**
 * The gateway's in-memory view of orders at the broker, legs included, kept current from the
 * trade-update stream and reconciliation. It answers which stops protect a position.
 */
export class OrderIndex {
  readonly #byId = new Map<string, TrackedOrder>();
  readonly #byClientId = new Map<string, string>();
  /** Orders by symbol, so a check of one position does not scan every order. */
  readonly #bySymbol = new Map<string, Set<TrackedOrder>>();
  /**
   * The live ones among them: what the protection checks read on every event, which must not
   * cost more as the day's finished orders pile up. Kept by {@link #settle} whenever a status
   * changes, so a status is only ever set here (see {@link markPendingCancel}).
   */
  readonly #liveBySymbol = new Map<string, Set<TrackedOrder>>();
  /**
   * What a count of a symbol's protection reads, so that it costs the same however many entries
   * rest unfilled with their legs, or rest on the opening side. Kept by {@link #file}.
   */
  readonly #coverageBySymbol = new Map<string, CoverageSets>();
  /** The legs of each parent by its broker id, so they are filed again when the parent changes. */
  readonly #legsOf = new Map<string, Set<TrackedOrder>>();
  readonly #lookup = (brokerOrderId: string) => this.#byId.get(brokerOrderId);

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
      if (parentId !== undefined) this.#adopt(tracked, parentId);
      let ofSymbol = this.#bySymbol.get(order.symbol);
      if (ofSymbol === undefined) this.#bySymbol.set(order.symbol, (ofSymbol = new Set()));
      ofSymbol.add(tracked);
      this.#settle(tracked);
    } else {
      tracked = existing;
      const status = laterStatus(tracked.status, order.status);
      // An older report (e.g. the POST's answer after the fill's update) changes nothing.
      if (status === order.status || order.filledQty > tracked.filledQty) {
        tracked.order = status === order.status ? order : { ...order, status };
        tracked.stopPrice = order.stopPrice ?? tracked.stopPrice;
        if (order.qty !== undefined) tracked.qty = order.qty;
      }
      setStatus(tracked, status);
      tracked.filledQty = Math.max(tracked.filledQty, order.filledQty);
      if (parentId !== undefined && parentId !== tracked.parentId) this.#adopt(tracked, parentId);
      this.#settle(tracked);
    }
    for (const leg of order.legs) this.upsert(leg, order.id);
    return tracked;
  }

  /** Marks a live order whose cancel the broker accepted; the broker's next report overrules it. */
  markPendingCancel(tracked: TrackedOrder): void {
    if (this.#byId.get(tracked.brokerOrderId) !== tracked) return;
    setStatus(tracked, 'pending_cancel');
    this.#settle(tracked);
  }

  /** Makes an order a leg of `parentId`. */
  #adopt(tracked: TrackedOrder, parentId: string): void {
    if (tracked.parentId !== undefined) this.#legsOf.get(tracked.parentId)?.delete(tracked);
    tracked.parentId = parentId;
    let legs = this.#legsOf.get(parentId);
    if (legs === undefined) this.#legsOf.set(parentId, (legs = new Set()));
    legs.add(tracked);
  }

  /**
   * Files an order among its symbol's live orders, or takes it out, by its status; then files it,
   * and its legs (whose standing follows their entry's), for counts of protection.
   */
  #settle(tracked: TrackedOrder): void {
    let live = this.#liveBySymbol.get(tracked.symbol);
    if (isLive(tracked.status)) {
      if (live === undefined) this.#liveBySymbol.set(tracked.symbol, (live = new Set()));
      live.add(tracked);
    } else if (live?.delete(tracked) === true && live.size === 0) {
      this.#liveBySymbol.delete(tracked.symbol);
    }
    this.#file(tracked);
    const legs = this.#legsOf.get(tracked.brokerOrderId);
    if (legs !== undefined) for (const leg of legs) this.#file(leg);
  }

  /** Files an order for counts of protection: managed or not, by side; out when dead or dormant. */
  #file(tracked: TrackedOrder): void {
    let sets = this.#coverageBySymbol.get(tracked.symbol);
    if (sets !== undefined) {
      sets.managed.buy.delete(tracked);
      sets.managed.sell.delete(tracked);
      sets.others.buy.delete(tracked);
      sets.others.sell.delete(tracked);
    }
    if (!isLive(tracked.status) || isDormantLeg(tracked, this.#lookup)) {
      if (sets !== undefined && isEmpty(sets)) this.#coverageBySymbol.delete(tracked.symbol);
      return;
    }
    if (sets === undefined) {
      sets = {
        managed: { buy: new Set(), sell: new Set() },
        others: { buy: new Set(), sell: new Set() },
      };
      this.#coverageBySymbol.set(tracked.symbol, sets);
    }
    (isManaged(tracked, this.#lookup) ? sets.managed : sets.others)[tracked.side].add(tracked);
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
    for (const o of this.#liveBySymbol.get(symbol) ?? []) {
      if (o.side === exitSide && STOP_TYPES.has(o.type)) out.push(o);
    }
    return out;
  }

  /** Every live order, legs included. */
  live(): TrackedOrder[] {
    const out: TrackedOrder[] = [];
    for (const orders of this.#liveBySymbol.values()) for (const o of orders) out.push(o);
    return out;
  }

  /** Live orders of one symbol. */
  liveFor(symbol: string): TrackedOrder[] {
    const live = this.#liveBySymbol.get(symbol);
    return live === undefined ? [] : [...live];
  }

  /**
   * The live orders of one symbol that count towards the protection of a position of signed
   * quantity `positionQty` (see `computeCoverage`): the gateway's own, and the others on the
   * closing side. Left out: the exit legs of entries that have not filled, and the bot's orders
   * that open or add, however many of them rest.
   */
  coverageCandidates(symbol: string, positionQty: number): TrackedOrder[] {
    const sets = this.#coverageBySymbol.get(symbol);
    if (sets === undefined) return [];
    const out = [...sets.managed.buy, ...sets.managed.sell];
    const closing = closingSideOf(positionQty);
    if (closing !== undefined) for (const o of sets.others[closing]) out.push(o);
    return out;
  }

  /** Symbols that have at least one live order. */
  liveSymbols(): Set<string> {
    return new Set(this.#liveBySymbol.keys());
  }

  /**
   * Forgets the oldest finished orders beyond `maxFinished`, so the index stays small; a finished
   * entry whose exit legs still work is kept (its legs are the position's protection).
   */
  prune(maxFinished = 5_000): void {
    const parentsOfLive = new Set<string>();
    for (const o of this.#byId.values())
      if (isLive(o.status) && o.parentId !== undefined) parentsOfLive.add(o.parentId);
    const finished = [...this.#byId.values()].filter(
      (o) => !isLive(o.status) && !parentsOfLive.has(o.brokerOrderId),
    );
    for (const o of finished.slice(0, Math.max(0, finished.length - maxFinished))) {
      this.#byId.delete(o.brokerOrderId);
      this.#legsOf.delete(o.brokerOrderId);
      if (o.parentId !== undefined) {
        const siblings = this.#legsOf.get(o.parentId);
        siblings?.delete(o);
        if (siblings?.size === 0) this.#legsOf.delete(o.parentId);
      }
      const ofSymbol = this.#bySymbol.get(o.symbol);
      ofSymbol?.delete(o);
      if (ofSymbol?.size === 0) this.#bySymbol.delete(o.symbol);
      if (this.#byClientId.get(o.clientOrderId) === o.brokerOrderId) this.#byClientId.delete(o.clientOrderId);
    }
  }
}
