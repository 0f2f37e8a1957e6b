import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAsset } from '../../src/broker/sim/assets.ts';
import { eventually, type Rig, startRig } from './harness.ts';

/** More positions than one page of `GET /v2/orders` holds (500), each with its protective stop. */
const POSITIONS = Number(process.env.BIGBOOK_N ?? 520);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SYMBOLS = Array.from(
  { length: POSITIONS },
  (_, i) => `Q${LETTERS[Math.floor(i / 26 / 26) % 26]}${LETTERS[Math.floor(i / 26) % 26]}${LETTERS[i % 26]}`,
);
const ASSETS: SimAsset[] = SYMBOLS.map((symbol) => ({ symbol }));

let rig: Rig;
/** The bot's resting orders, placed before the book so that they are its oldest orders. */
const resting: string[] = [];

/** Open stops at the exchange on the book's symbols, by symbol. */
function exchangeStops(): Map<string, number> {
  const book = new Set(SYMBOLS);
  const stops = new Map<string, number>();
  for (const o of rig.sim.venue.state.orders.values()) {
    if (
      o.type !== 'stop' ||
      !book.has(o.symbol) ||
      ['filled', 'canceled', 'expired', 'replaced', 'rejected'].includes(o.status)
    )
      continue;
    stops.set(o.symbol, (stops.get(o.symbol) ?? 0) + 1);
  }
  return stops;
}

async function inBatches<T>(items: readonly T[], size: number, each: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

beforeAll(async () => {
  rig = await startRig({ assets: ASSETS, flags: { reconcileIntervalMs: '600000' } });
  for (const symbol of SYMBOLS) rig.sim.setQuote(symbol, 10, 10.01);
  for (const [i, symbol] of ['AAPL', 'MSFT'].entries()) {
    const r = await rig.http('POST', '/v2/orders', {
      symbol,
      qty: '1',
      side: 'buy',
      type: 'limit',
      limit_price: i === 0 ? '50' : '200',
      time_in_force: 'gtc',
      client_order_id: `resting-${symbol}`,
    });
    expect(r.status).toBe(200);
    resting.push(r.body.id as string);
  }
  await inBatches(SYMBOLS, 8, async (symbol) => {
    const r = await rig.http('POST', '/v2/orders', {
      symbol,
      qty: '1',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  // Market orders fill at the exchange's next quote.
  for (const symbol of SYMBOLS) rig.sim.setQuote(symbol, 10, 10.02);
  await eventually(
    () => exchangeStops().size === POSITIONS && [...exchangeStops().values()].every((n) => n === 1),
    'a stop at the exchange for every position',
    240_000,
  ).catch((error: unknown) => {
    const stops = exchangeStops();
    const odd = [...stops].filter(([, n]) => n !== 1);
    throw new Error(`${String(error)}: ${stops.size} symbols with stops, not one: ${JSON.stringify(odd)}`);
  });
  // A book that has been running: every fill is in the store, so a restart has nothing to recover
  // order by order and learns the stops from the broker's open orders alone.
  await eventually(
    async () => {
      const stored = await rig.gateway.store.positions.current();
      const working = await rig.gateway.store.recover();
      return stored.positions.length === POSITIONS && working.workingOrders.length === 2;
    },
    'the store to hold every fill',
    120_000,
  ).catch(async (error: unknown) => {
    const stored = await rig.gateway.store.positions.current();
    const working = await rig.gateway.store.recover();
    throw new Error(
      `${String(error)}: ${stored.positions.length} positions, working ${JSON.stringify(working.workingOrders.slice(0, 3).map((o) => [o.clientOrderId, o.status]))} of ${working.workingOrders.length}`,
    );
  });
}, 600_000);

afterAll(async () => {
  await rig?.close();
});

describe(`a book of ${POSITIONS} protected positions, more open orders than one page holds`, () => {
  it('restarts and reconciles without placing a stop again, alerting or finding a mismatch', async () => {
    const ordersBefore = rig.sim.venue.state.orders.size;
    const lastRequest = rig.sim.requests.at(-1)?.seq ?? 0;
    const gateway = await rig.restart();
    await gateway.ready;
    expect(gateway.hydration.positions).toBe(POSITIONS);
    // The bot's two resting orders are the oldest open orders: still reserved after the restart.
    expect(gateway.hydration.workingOrders).toBe(2);
    expect(gateway.hydration.mismatches).toEqual([]);
    expect(gateway.hydration.recoveredFills).toBe(0);

    const { protection, reconciler, ctx } = gateway.services;
    protection.check();
    await eventually(
      () =>
        protection.report().length === POSITIONS &&
        protection.report().every((p) => p.status === 'protected_at_broker'),
      'every position to be reported protected at the broker',
      60_000,
    );
    expect(await reconciler.run()).toEqual([]);
    protection.check();
    // A stop placed again would be an order sent to the exchange (refused there, as the shares
    // are held by the stop it already has, or accepted: either is churn).
    const sent = rig.sim.requests.filter((r) => r.seq > lastRequest && r.method === 'POST');
    expect(sent.map((r) => `${r.path} ${r.clientOrderId ?? ''} ${r.status}`)).toEqual([]);
    expect(rig.sim.venue.state.orders.size).toBe(ordersBefore);
    expect([...exchangeStops().values()].every((n) => n === 1)).toBe(true);
    const codes = ctx.alerts.recent.map((a) => a.code);
    expect(codes).not.toContain('UNPROTECTED_POSITION');
    expect(codes).not.toContain('RECONCILIATION_MISMATCH');
  }, 300_000);

  it("cancels the bot's oldest orders with DELETE /v2/orders and keeps every protective stop", async () => {
    const r = await rig.http('DELETE', '/v2/orders');
    expect(r.status).toBe(207);
    expect((r.body as { id: string }[]).map((e) => e.id).sort()).toEqual([...resting].sort());
    await eventually(
      () => resting.every((id) => rig.sim.venue.state.orders.get(id)?.status === 'canceled'),
      'the resting orders to be cancelled',
    );
    expect(exchangeStops().size).toBe(POSITIONS);
    expect([...exchangeStops().values()].every((n) => n === 1)).toBe(true);
  }, 120_000);
});
