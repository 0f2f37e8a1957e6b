import type { WireOrder } from '../wire/order-wire.ts';
import { FINAL, type SimOrder } from './sim-order.ts';
import type { VenueState } from './venue-state.ts';

/** Query of `GET /v2/orders`. */
export interface ListQuery {
  readonly status: 'open' | 'closed' | 'all';
  readonly limit: number;
  readonly after: number | undefined;
  readonly until: number | undefined;
  readonly direction: 'asc' | 'desc';
  readonly nested: boolean;
  readonly symbols: readonly string[] | undefined;
  readonly side: string | undefined;
}

/**
 * Lists orders as the broker does: by submission time (`direction`, default `desc`), at most
 * `limit`, `after` and `until` both exclusive. Without `nested`, legs are listed on their own and `held` legs
 * do not count as open (the trap that hides a stop); with `nested`, only parents are listed, each
 * with its legs, and a parent whose legs are still open counts as open.
 */
export function listOrders(state: VenueState, q: ListQuery): WireOrder[] {
  const isOpen = (o: SimOrder): boolean => {
    if (!q.nested) return !FINAL.has(o.status) && o.status !== 'held';
    return !FINAL.has(o.status) || state.legsOf(o).some((leg) => !FINAL.has(leg.status));
  };
  const selected = [...state.orders.values()].filter((o) => {
    if (q.nested && o.parentId !== undefined) return false;
    if (q.status === 'open' && !isOpen(o)) return false;
    if (q.status === 'closed' && isOpen(o)) return false;
    // Both bounds are exclusive and apply to the submission time, as at the broker.
    if (q.after !== undefined && o.submittedAt <= q.after) return false;
    if (q.until !== undefined && o.submittedAt >= q.until) return false;
    if (q.symbols !== undefined && !q.symbols.includes(o.symbol)) return false;
    if (q.side !== undefined && o.side !== q.side) return false;
    return true;
  });
  selected.sort((a, b) => a.submittedAt - b.submittedAt || state.sequenceOf(a) - state.sequenceOf(b));
  if (q.direction === 'desc') selected.reverse();
  return selected.slice(0, q.limit).map((o) => state.render(o, q.nested));
}
