import { z } from 'zod';
import { ORDER_TYPES } from '../../core/order.ts';
import type { LedgerSnapshot } from './ledger.ts';
import type { SimOrder } from './sim-order.ts';
import type { VenueState } from './venue-state.ts';

/** Version of the saved form; a file of another version is refused rather than misread. */
export const VENUE_SNAPSHOT_VERSION = 1;

const ORDER_STATUSES = [
  'new',
  'partially_filled',
  'filled',
  'done_for_day',
  'canceled',
  'expired',
  'replaced',
  'pending_cancel',
  'pending_replace',
  'accepted',
  'pending_new',
  'accepted_for_bidding',
  'stopped',
  'rejected',
  'suspended',
  'calculated',
  'held',
  'pending_review',
] as const;

const finite = z.number().refine(Number.isFinite, 'a finite number');
const maybe = finite.optional();

const orderSchema = z.object({
  id: z.string().min(1),
  clientOrderId: z.string().min(1),
  symbol: z.string().min(1),
  assetId: z.string(),
  side: z.enum(['buy', 'sell']),
  type: z.enum(ORDER_TYPES as [string, ...string[]]),
  timeInForce: z.enum(['day', 'gtc', 'opg', 'cls', 'ioc', 'fok']),
  orderClass: z.enum(['', 'bracket', 'oco', 'oto']),
  role: z.enum(['simple', 'entry', 'take_profit', 'stop_loss']),
  qty: finite,
  filledQty: finite,
  filledAvgPrice: maybe,
  limitPrice: maybe,
  stopPrice: maybe,
  trailPrice: maybe,
  trailPercent: maybe,
  hwm: maybe,
  status: z.enum(ORDER_STATUSES),
  armed: z.boolean(),
  triggered: z.boolean(),
  extendedHours: z.boolean(),
  createdAt: finite,
  updatedAt: finite,
  submittedAt: finite,
  filledAt: maybe,
  canceledAt: maybe,
  expiredAt: maybe,
  failedAt: maybe,
  replacedAt: maybe,
  replacedBy: z.string().optional(),
  replaces: z.string().optional(),
  parentId: z.string().optional(),
  legIds: z.array(z.string()),
});

const snapshotSchema = z.object({
  version: z.literal(VENUE_SNAPSHOT_VERSION),
  /** Simulated time of the save, epoch ms. */
  savedAt: finite,
  account: z.object({
    cash: finite,
    startEquity: finite,
    holdings: z.array(
      z.object({ symbol: z.string().min(1), qty: finite, avgEntry: finite, lastdayPrice: maybe }),
    ),
  }),
  /** Orders in arrival order, legs included, every status kept. */
  orders: z.array(orderSchema),
  droppedLegOrders: z.number().int().nonnegative(),
  /** The last quote of each symbol, so a restarted market can go on from where it was. */
  quotes: z.array(z.object({ symbol: z.string().min(1), time: finite, bid: finite, ask: finite })),
});

/** The simulated exchange's account, positions and orders as saved between runs. */
export interface VenueSnapshot {
  readonly version: typeof VENUE_SNAPSHOT_VERSION;
  readonly savedAt: number;
  readonly account: LedgerSnapshot;
  readonly orders: readonly SimOrder[];
  readonly droppedLegOrders: number;
  readonly quotes: readonly { symbol: string; time: number; bid: number; ask: number }[];
}

/** Takes the state worth keeping: account, positions, every order with its legs, last quotes. */
export function snapshotVenue(state: VenueState): VenueSnapshot {
  return {
    version: VENUE_SNAPSHOT_VERSION,
    savedAt: state.clock.now(),
    account: state.ledger.snapshot(),
    orders: state.ordersInArrivalOrder(),
    droppedLegOrders: state.droppedLegOrders,
    quotes: [...state.quotes.values()].map((q) => ({
      symbol: q.symbol,
      time: q.time,
      bid: q.bid,
      ask: q.ask,
    })),
  };
}

/** Puts a saved account, positions and orders back (quotes are the market's: they are not). */
export function restoreVenue(state: VenueState, snapshot: VenueSnapshot): void {
  state.ledger.restore(snapshot.account);
  // Fresh objects: the venue updates its orders in place.
  state.restoreOrders(
    snapshot.orders.map((o) => ({ ...o, legIds: [...o.legIds] })),
    snapshot.droppedLegOrders,
  );
}

/**
 * Reads a saved snapshot from parsed JSON; an error names the first field that is wrong, so a
 * damaged file is refused rather than half restored.
 */
export function parseVenueSnapshot(
  value: unknown,
): { ok: true; snapshot: VenueSnapshot } | { ok: false; problem: string } {
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'the file' : issue.path.join('.');
    return { ok: false, problem: `${where}: ${issue?.message ?? 'malformed'}` };
  }
  const d = parsed.data;
  return {
    ok: true,
    snapshot: {
      version: VENUE_SNAPSHOT_VERSION,
      savedAt: d.savedAt,
      account: {
        cash: d.account.cash,
        startEquity: d.account.startEquity,
        holdings: d.account.holdings.map((h) => ({
          symbol: h.symbol,
          qty: h.qty,
          avgEntry: h.avgEntry,
          lastdayPrice: h.lastdayPrice,
        })),
      },
      orders: d.orders.map(toSimOrder),
      droppedLegOrders: d.droppedLegOrders,
      quotes: d.quotes,
    },
  };
}

function toSimOrder(o: z.infer<typeof orderSchema>): SimOrder {
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    assetId: o.assetId,
    side: o.side,
    type: o.type as SimOrder['type'],
    timeInForce: o.timeInForce,
    orderClass: o.orderClass,
    role: o.role,
    qty: o.qty,
    filledQty: o.filledQty,
    filledAvgPrice: o.filledAvgPrice,
    limitPrice: o.limitPrice,
    stopPrice: o.stopPrice,
    trailPrice: o.trailPrice,
    trailPercent: o.trailPercent,
    hwm: o.hwm,
    status: o.status,
    armed: o.armed,
    triggered: o.triggered,
    extendedHours: o.extendedHours,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    submittedAt: o.submittedAt,
    filledAt: o.filledAt,
    canceledAt: o.canceledAt,
    expiredAt: o.expiredAt,
    failedAt: o.failedAt,
    replacedAt: o.replacedAt,
    replacedBy: o.replacedBy,
    replaces: o.replaces,
    parentId: o.parentId,
    legIds: o.legIds,
  };
}
