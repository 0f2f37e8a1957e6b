import { wireOrderRequestSchema, wireReplaceRequestSchema } from '../wire/order-wire.ts';
import { renderAsset } from './assets.ts';
import type { Reply, Router } from './http-kit.ts';
import { rfc3339 } from './sim-clock.ts';
import { badRequestField, notFound, SimHttpError } from './sim-errors.ts';
import { type ListQuery, listOrders, type Venue } from './venue.ts';

/** Drops `null` members (clients send them for unset fields) before schema parsing. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function parseBody<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
  },
  body: unknown,
): T {
  const parsed = schema.safeParse(withoutNulls(body ?? {}));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw badRequestField(
      `invalid request: ${first === undefined ? 'malformed body' : `${first.path.join('.')}: ${first.message}`}`,
    );
  }
  return parsed.data;
}

function timeParam(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequestField(`invalid timestamp ${value}`);
  return ms;
}

function listQuery(query: URLSearchParams): ListQuery {
  const status = query.get('status') ?? 'open';
  if (status !== 'open' && status !== 'closed' && status !== 'all')
    throw badRequestField(`invalid status ${status}`);
  const limit = Number(query.get('limit') ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw badRequestField('limit must be between 1 and 500');
  const direction = query.get('direction') ?? 'desc';
  if (direction !== 'asc' && direction !== 'desc') throw badRequestField(`invalid direction ${direction}`);
  const symbols = query.get('symbols');
  return {
    status,
    limit,
    after: timeParam(query.get('after')),
    until: timeParam(query.get('until')),
    direction,
    nested: query.get('nested') === 'true',
    symbols:
      symbols === null || symbols === '' ? undefined : symbols.split(',').map((s) => s.trim().toUpperCase()),
    side: query.get('side') ?? undefined,
  };
}

/** Positions as the account reports them, marked at the latest quotes. */
function renderPositions(venue: Venue) {
  const s = venue.state;
  return s.ledger
    .symbols()
    .map((symbol) => {
      const qty = s.ledger.positionQty(symbol);
      const held = s.heldForOrders(symbol, qty > 0 ? 'sell' : 'buy').qty;
      return s.ledger.renderPosition(symbol, s.assetId(symbol), s.mark(symbol), held);
    })
    .filter((p) => p !== undefined);
}

/** Registers the trading endpoints the adapter and the official SDK use. */
export function tradingRoutes(router: Router, venue: Venue): void {
  const s = venue.state;
  const ok = (body: unknown, status = 200): Reply => ({ status, body });
  router
    .on('GET', '/v2/account', () => ok(s.ledger.renderAccount((sym) => s.mark(sym), s.reservedBuyingPower())))
    .on('POST', '/v2/orders', ({ body }) => ok(venue.submit(parseBody(wireOrderRequestSchema, body))))
    .on('GET', '/v2/orders', ({ query }) => ok(listOrders(s, listQuery(query))))
    .on('DELETE', '/v2/orders', () => ok(venue.cancelAll(), 207))
    .on('GET', '/v2/orders:by_client_order_id', ({ query }) => {
      const id = query.get('client_order_id');
      if (id === null) throw badRequestField('client_order_id is required');
      return ok(s.render(venue.getByClientId(id), query.get('nested') === 'true'));
    })
    .on('GET', '/v2/orders/:id', ({ params, query }) =>
      ok(s.render(venue.get(params.id!), query.get('nested') === 'true')),
    )
    .on('PATCH', '/v2/orders/:id', ({ params, body }) =>
      ok(venue.replace(params.id!, parseBody(wireReplaceRequestSchema, body))),
    )
    .on('DELETE', '/v2/orders/:id', ({ params }) => {
      venue.cancel(params.id!);
      return { status: 204 };
    })
    .on('GET', '/v2/positions', () => ok(renderPositions(venue)))
    .on('DELETE', '/v2/positions', ({ query }) =>
      ok(venue.closeAll(query.get('cancel_orders') === 'true'), 207),
    )
    .on('GET', '/v2/positions/:symbol', ({ params }) => {
      const symbol = params.symbol!.toUpperCase();
      const position = renderPositions(venue).find(
        (p) => p.symbol === symbol || p.asset_id === params.symbol,
      );
      if (position === undefined)
        throw new SimHttpError(404, { code: 40410000, message: 'position does not exist' });
      return ok(position);
    })
    .on('DELETE', '/v2/positions/:symbol', ({ params, query }) => {
      const amount: { qty?: string; percentage?: string } = {};
      const qty = query.get('qty');
      const percentage = query.get('percentage');
      if (qty !== null) amount.qty = qty;
      if (percentage !== null) amount.percentage = percentage;
      return ok(venue.closePosition(params.symbol!.toUpperCase(), amount));
    })
    .on('GET', '/v2/assets', ({ query }) => {
      const status = query.get('status');
      const assetClass = query.get('asset_class');
      const assets = [...s.assets.values()]
        .map(renderAsset)
        .filter((a) => status === null || a.status === status)
        .filter((a) => assetClass === null || a.class === assetClass);
      return ok(assets);
    })
    .on('GET', '/v2/assets/:symbol', ({ params }) => {
      const asset = s.assets.get(params.symbol!.toUpperCase());
      if (asset === undefined) throw notFound(`asset not found for ${params.symbol}`);
      return ok(renderAsset(asset));
    })
    .on('GET', '/v2/clock', () => ok(renderClock(s.clock.now())));
}

/** The market clock of the simulator: always open; the next session times are a fixed grid in UTC. */
export function renderClock(nowMs: number) {
  const day = 86_400_000;
  const startOfDay = Math.floor(nowMs / day) * day;
  const open = startOfDay + 13.5 * 3_600_000;
  const close = startOfDay + 20 * 3_600_000;
  return {
    timestamp: rfc3339(nowMs),
    is_open: true,
    next_open: rfc3339(open > nowMs ? open : open + day),
    next_close: rfc3339(close > nowMs ? close : close + day),
  };
}
