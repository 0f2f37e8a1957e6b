/**
 * Reads protection facts from the simulated exchange's own state (the ground truth, not the
 * gateway's view): which stop-type orders are live on each position's closing side, which
 * closing-side orders hold shares, and which protective orders are live on flat symbols.
 */

import type { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { isLive, type SimOrder } from '../../src/broker/sim/sim-order.ts';
import type { Side } from '../../src/core/side.ts';

/** Client order id prefixes the gateway uses for the protective orders it owns. */
export const GATEWAY_PREFIXES: readonly string[] = ['rgp-', 'rgstop-'];

const STOP_TYPES = new Set(['stop', 'stop_limit', 'trailing_stop']);
const EPSILON = 1e-9;

/** True for stop, stop-limit and trailing-stop orders. */
export function isStopType(order: Pick<SimOrder, 'type'>): boolean {
  return STOP_TYPES.has(order.type);
}

/** True when the gateway owns the order: its id, or its parent's, has a gateway prefix. */
export function isGatewayOwned(sim: SimExchange, order: SimOrder): boolean {
  const owned = (o: SimOrder | undefined) =>
    o !== undefined && GATEWAY_PREFIXES.some((p) => o.clientOrderId.startsWith(p));
  const parent = order.parentId === undefined ? undefined : sim.venue.state.orders.get(order.parentId);
  return owned(order) || owned(parent);
}

/** Shares an order can still execute. */
export function remainingQty(order: SimOrder): number {
  return Math.max(0, order.qty - order.filledQty);
}

/** One line describing an order, for violation messages. */
export function describeOrder(order: SimOrder): string {
  const price =
    order.type === 'trailing_stop'
      ? ` trail=${order.trailPrice ?? `${order.trailPercent}%`} stop=${order.stopPrice ?? '?'}`
      : `${order.stopPrice !== undefined ? ` stop=${order.stopPrice}` : ''}${order.limitPrice !== undefined ? ` limit=${order.limitPrice}` : ''}`;
  const role =
    order.role === 'simple' ? '' : ` ${order.role}${order.orderClass ? ` of ${order.orderClass}` : ''}`;
  return `${order.side} ${order.type}${price} qty=${remainingQty(order)}${role} status=${order.status} cid=${order.clientOrderId}`;
}

/** What the exchange shows for one non-flat position. */
export interface PositionCoverage {
  readonly symbol: string;
  /** Signed position in shares. */
  readonly qty: number;
  /** Live stop-type orders on the closing side (an armed `held` stop leg counts). */
  readonly stops: readonly SimOrder[];
  /** Remaining shares those stops would close. */
  readonly stopQty: number;
  /** Shares all live closing-side orders hold (the legs of one OCO/bracket group count once). */
  readonly closingQty: number;
  /** Remaining shares of live closing-side orders that are not stops (the bot's limit exits…). */
  readonly otherExitQty: number;
  readonly closingOrders: readonly SimOrder[];
  /** Live stop-type or gateway-owned orders on the opening side (they would add to the position). */
  readonly openingProtective: readonly SimOrder[];
}

/** The exchange's positions with their coverage, and the protective orders live on flat symbols. */
export interface ExchangeView {
  readonly positions: readonly PositionCoverage[];
  /** Live stop-type or gateway-owned orders of symbols with no position. */
  readonly orphans: readonly SimOrder[];
}

/** Reads the exchange's state now (synchronously: it is consistent). */
export function readExchange(sim: SimExchange): ExchangeView {
  const state = sim.venue.state;
  const live = [...state.orders.values()].filter(isLive);
  const symbols = new Set([...state.ledger.symbols(), ...live.map((o) => o.symbol)]);
  const positions: PositionCoverage[] = [];
  const orphans: SimOrder[] = [];
  for (const symbol of [...symbols].sort()) {
    const qty = state.ledger.positionQty(symbol);
    const mine = live.filter((o) => o.symbol === symbol);
    const protective = (o: SimOrder) => isStopType(o) || isGatewayOwned(sim, o);
    if (Math.abs(qty) < EPSILON) {
      orphans.push(...mine.filter(protective));
      continue;
    }
    const closingSide: Side = qty > 0 ? 'sell' : 'buy';
    const closing = mine.filter((o) => o.side === closingSide);
    const stops = closing.filter(isStopType);
    positions.push({
      symbol,
      qty,
      stops,
      stopQty: sum(stops.map(remainingQty)),
      closingQty: heldByGroups(closing),
      otherExitQty: sum(closing.filter((o) => !isStopType(o)).map(remainingQty)),
      closingOrders: closing,
      openingProtective: mine.filter((o) => o.side !== closingSide && protective(o)),
    });
  }
  return { positions, orphans };
}

/** Shares held by closing orders; the exits of one group (bracket legs, an OCO pair) count once. */
function heldByGroups(closing: readonly SimOrder[]): number {
  const groups = new Map<string, number>();
  for (const order of closing) {
    const key = order.role === 'simple' ? order.id : (order.parentId ?? order.id);
    groups.set(key, Math.max(groups.get(key) ?? 0, remainingQty(order)));
  }
  return sum([...groups.values()]);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
