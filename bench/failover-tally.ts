/**
 * What the simulated exchange (the ground truth) holds for the orders a client saw acknowledged:
 * which are missing, which exist more than once, which never filled, and the position.
 */

import type { SimExchange } from '../src/broker/sim/sim-exchange.ts';
import type { Acknowledged } from './failover-client.ts';

/** Counts of {@link tallyAtExchange}. */
export interface ExchangeTally {
  /** Acknowledged client order ids with no order at the exchange. */
  readonly lost: readonly string[];
  /** Acknowledged ids with more than one order there that is live or filled. */
  readonly duplicated: readonly string[];
  /** Acknowledged orders that did not fill completely. */
  readonly unfilled: number;
  /** Signed AAPL position the acknowledged orders add up to, and the exchange's, in shares. */
  readonly expectedPosition: number;
  readonly brokerPosition: number;
}

/** Looks every acknowledged id up at the exchange (a re-sent exit's `-rN` counts with its id). */
export function tallyAtExchange(
  sim: SimExchange,
  acknowledged: readonly Acknowledged[],
  alsoAccepted: readonly string[],
): ExchangeTally {
  const atBroker = new Map<string, { status: string; filledQty: number }[]>();
  for (const o of sim.venue.state.orders.values()) {
    const base = o.clientOrderId.replace(/-r\d+$/, '');
    atBroker.set(base, [...(atBroker.get(base) ?? []), { status: o.status, filledQty: o.filledQty }]);
  }
  const ids = [...acknowledged.map((a) => a.clientOrderId), ...alsoAccepted];
  const live = (o: { status: string; filledQty: number }) =>
    o.status !== 'rejected' && !(o.status === 'canceled' && o.filledQty === 0);
  return {
    lost: ids.filter((id) => (atBroker.get(id) ?? []).length === 0),
    duplicated: ids.filter((id) => (atBroker.get(id) ?? []).filter(live).length > 1),
    unfilled: acknowledged.filter(
      (a) => (atBroker.get(a.clientOrderId) ?? []).reduce((n, o) => n + o.filledQty, 0) < a.qty,
    ).length,
    expectedPosition: acknowledged.reduce((n, a) => n + (a.side === 'buy' ? a.qty : -a.qty), 0),
    brokerPosition: sim.venue.state.ledger.positionQty('AAPL'),
  };
}

/** Nearest-rank percentile of ascending values (`p` a fraction); null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
