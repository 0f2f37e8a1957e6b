import { createRequire } from 'node:module';
import { OrdersApi, trading } from '@alpacahq/alpaca-trade-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Rig, startRig } from './harness.ts';

interface Alpaca3Client {
  createOrder(order: Record<string, unknown>): Promise<{ id: string; client_order_id: string }>;
  cancelOrder(id: string): Promise<unknown>;
  cancelAllOrders(): Promise<unknown>;
  closePosition(symbol: string): Promise<{ symbol: string; side: string }>;
  closeAllPositions(): Promise<{ symbol: string; status: number }[]>;
}

// The 3.x line is CommonJS on axios (`module.exports = Alpaca`); it sends `content-type: ""` on
// every DELETE.
const Alpaca3 = createRequire(import.meta.url)('alpaca-trade-api-3') as new (
  config: Record<string, unknown>,
) => Alpaca3Client;

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(async () => {
  await rig.close();
});

function v3(): Alpaca3Client {
  return new Alpaca3({
    keyId: rig.trader.key.keyId,
    secretKey: rig.trader.secret,
    baseUrl: rig.gateway.url,
    paper: true,
  });
}

function simOrderByClientId(clientOrderId: string) {
  return [...rig.sim.venue.state.orders.values()].find((o) => o.clientOrderId === clientOrderId);
}

async function positionQty(symbol: string): Promise<number> {
  const positions = (await rig.http('GET', '/v2/positions')).body as { symbol: string; qty: string }[];
  return Number(positions.find((p) => p.symbol === symbol)?.qty ?? 0);
}

const QUOTES: Record<string, [number, number]> = { AAPL: [100, 100.02], MSFT: [400, 400.04] };

async function buy(symbol: string, qty: number, clientOrderId: string): Promise<void> {
  const placed = await rig.http('POST', '/v2/orders', {
    symbol,
    qty: String(qty),
    side: 'buy',
    type: 'market',
    time_in_force: 'day',
    client_order_id: clientOrderId,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  // A new quote makes the exchange match the working market order.
  const quote = QUOTES[symbol]!;
  rig.sim.setQuote(symbol, quote[0], quote[1]);
  await eventually(async () => (await positionQty(symbol)) === qty, `a position of ${qty} ${symbol}`);
}

/** Waits for a position to be gone, quoting meanwhile so that the closing market order fills. */
async function flat(symbol: string): Promise<void> {
  const quote = QUOTES[symbol]!;
  await eventually(async () => {
    rig.sim.setQuote(symbol, quote[0], quote[1]);
    return (await positionQty(symbol)) === 0;
  }, `the ${symbol} position closed`);
}

let resting = 0;

/** A buy limit far below the market; each one differs, so none is denied as a duplicate. */
async function restingLimit(clientOrderId: string): Promise<string> {
  resting += 1;
  const placed = await rig.http('POST', '/v2/orders', {
    symbol: 'AAPL',
    qty: String(resting),
    side: 'buy',
    type: 'limit',
    limit_price: '90',
    time_in_force: 'gtc',
    client_order_id: clientOrderId,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  return placed.body.id as string;
}

describe('the emergency paths of the 3.x SDK through the gateway', () => {
  it('cancels one order', async () => {
    const id = await restingLimit('v3-cancel-1');
    await v3().cancelOrder(id);
    expect(simOrderByClientId('v3-cancel-1')?.status).toBe('canceled');
  }, 60_000);

  it('cancels all orders', async () => {
    await restingLimit('v3-cancel-all-1');
    await restingLimit('v3-cancel-all-2');
    await v3().cancelAllOrders();
    expect(simOrderByClientId('v3-cancel-all-1')?.status).toBe('canceled');
    expect(simOrderByClientId('v3-cancel-all-2')?.status).toBe('canceled');
  }, 60_000);

  it('closes one position', async () => {
    await buy('AAPL', 5, 'v3-close-entry');
    const order = await v3().closePosition('AAPL');
    expect(order.side).toBe('sell');
    await flat('AAPL');
  }, 60_000);

  it('closes all positions', async () => {
    await buy('MSFT', 3, 'v3-close-all-entry');
    const results = await v3().closeAllPositions();
    expect(results.map((r) => [r.symbol, r.status])).toEqual([['MSFT', 200]]);
    await flat('MSFT');
  }, 60_000);
});

describe('the emergency paths of the 4.x SDK through the gateway', () => {
  it('cancels one order and all orders', async () => {
    const id = await restingLimit('v4-cancel-1');
    await new OrdersApi(rig.sdk()).deleteOrderByOrderID({ orderId: id });
    expect(simOrderByClientId('v4-cancel-1')?.status).toBe('canceled');
    await restingLimit('v4-cancel-all-1');
    await new OrdersApi(rig.sdk()).deleteAllOrders();
    expect(simOrderByClientId('v4-cancel-all-1')?.status).toBe('canceled');
  }, 60_000);

  it('closes one position and all positions', async () => {
    await buy('AAPL', 4, 'v4-close-entry');
    await new trading.PositionsApi(rig.sdk()).deleteOpenPosition({ symbolOrAssetId: 'AAPL' });
    await flat('AAPL');
    await buy('MSFT', 2, 'v4-close-all-entry');
    await new trading.PositionsApi(rig.sdk()).deleteAllOpenPositions();
    await flat('MSFT');
  }, 60_000);
});

describe('bodiless DELETEs with any content type a client sends', () => {
  for (const contentType of ['', 'application/json', 'application/json; charset=utf-8', 'text/plain']) {
    it(`cancels an order with content-type ${JSON.stringify(contentType)} and no body`, async () => {
      const id = await restingLimit(`ct-${contentType.replace(/\W/g, '')}-cancel`);
      const response = await fetch(`${rig.gateway.url}/v2/orders/${id}`, {
        method: 'DELETE',
        headers: {
          'APCA-API-KEY-ID': rig.trader.key.keyId,
          'APCA-API-SECRET-KEY': rig.trader.secret,
          'content-type': contentType,
        },
      });
      expect(response.status).toBe(204);
    }, 60_000);
  }
});
