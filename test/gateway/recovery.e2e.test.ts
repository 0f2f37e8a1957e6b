import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
}, 60_000);
afterEach(async () => {
  await rig.close();
});

/** Positions as the exchange holds them, by symbol (signed shares). */
async function exchangePositions(): Promise<Record<string, number>> {
  const response = await fetch(`${rig.sim.url}/v2/positions`, {
    headers: { 'APCA-API-KEY-ID': rig.sim.keyId, 'APCA-API-SECRET-KEY': rig.sim.secretKey },
  });
  const positions = (await response.json()) as { symbol: string; qty: string }[];
  return Object.fromEntries(positions.map((p) => [p.symbol, Number(p.qty)]));
}

/** Positions as the store rebuilds them, by symbol (signed shares). */
async function storedPositions(): Promise<Record<string, number>> {
  const rebuilt = await rig.gateway.store.positions.current();
  return Object.fromEntries(rebuilt.positions.map((p) => [p.symbol, p.qty]));
}

/** Sends an order straight to the exchange, the way a person at the broker's site would. */
async function orderAtExchange(body: Record<string, string>): Promise<void> {
  const response = await fetch(`${rig.sim.url}/v2/orders`, {
    method: 'POST',
    headers: {
      'APCA-API-KEY-ID': rig.sim.keyId,
      'APCA-API-SECRET-KEY': rig.sim.secretKey,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

function exchangeOrder(clientOrderId: string) {
  return [...rig.sim.venue.state.orders.values()].find((o) => o.clientOrderId === clientOrderId);
}

/** Reconciliation mismatches the running gateway has alerted, after one more reconciliation. */
async function mismatchAlerts(): Promise<string[]> {
  await rig.gateway.services.reconciler.run();
  return rig.gateway.services.ctx.alerts.recent
    .filter((a) => a.code === 'RECONCILIATION_MISMATCH')
    .map((a) => a.message);
}

describe('a restart after fills that happened while the gateway was down', () => {
  it('records the fill of a working order, so the store equals the exchange and no restart alerts', async () => {
    const placed = await rig.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'limit',
      limit_price: '99',
      time_in_force: 'gtc',
      client_order_id: 'down-limit-1',
    });
    expect(placed.status).toBe(200);
    await eventually(
      async () => (await rig.gateway.store.orders.get('down-limit-1'))?.status === 'new',
      'the acknowledgement in the store',
    );

    await rig.restart(() => rig.sim.setQuote('AAPL', 98.9, 98.95));

    expect(exchangeOrder('down-limit-1')?.status).toBe('filled');
    const stored = await rig.gateway.store.orders.get('down-limit-1');
    expect(stored).toMatchObject({ status: 'filled', filledQty: 10 });
    expect(stored?.avgFillPrice).toBeCloseTo(exchangeOrder('down-limit-1')?.filledAvgPrice ?? Number.NaN, 6);
    expect(await storedPositions()).toEqual(await exchangePositions());
    expect(await storedPositions()).toEqual({ AAPL: 10 });
    const fills = await rig.gateway.store.fills.list({ clientOrderId: 'down-limit-1' });
    expect(fills.reduce((sum, f) => sum + f.qty, 0)).toBe(10);
    expect(await mismatchAlerts()).toEqual([]);

    await rig.restart();
    expect(await mismatchAlerts()).toEqual([]);
    expect(await rig.gateway.store.fills.list({ clientOrderId: 'down-limit-1' })).toHaveLength(fills.length);
  }, 90_000);

  it('records the fill of a protective leg that triggered while it was down', async () => {
    const placed = await rig.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
      client_order_id: 'down-entry-1',
    });
    expect(placed.status).toBe(200);
    // The exchange matches market orders on its next quote.
    rig.sim.setQuote('AAPL', 100, 100.02);
    await eventually(async () => (await storedPositions()).AAPL === 10, 'the entry fill in the store');
    await eventually(
      async () => (await rig.gateway.store.orders.get('down-entry-1'))?.status === 'filled',
      'the entry filled in the store',
    );

    await rig.restart(() => rig.sim.setQuote('AAPL', 90, 90.02));

    expect(await exchangePositions()).toEqual({});
    expect(await storedPositions()).toEqual({});
    expect(await mismatchAlerts()).toEqual([]);
    await rig.restart();
    expect(await mismatchAlerts()).toEqual([]);
  }, 90_000);

  it('settles an intent whose acknowledgement was never recorded, with the fill it got while down', async () => {
    // The state a crash leaves between the broker's answer and the commit of its acknowledgement.
    await rig.gateway.store.orders.recordIntent(
      {
        clientOrderId: 'unacked-1',
        symbol: 'AAPL',
        side: 'buy',
        qty: 5,
        type: 'limit',
        limitPrice: 99.5,
        timeInForce: 'gtc',
      },
      { at: Date.now() },
    );
    await rig.restart(async () => {
      await orderAtExchange({
        symbol: 'AAPL',
        qty: '5',
        side: 'buy',
        type: 'limit',
        limit_price: '99.5',
        time_in_force: 'gtc',
        client_order_id: 'unacked-1',
      });
      rig.sim.setQuote('AAPL', 99.3, 99.4);
    });
    const stored = await rig.gateway.store.orders.get('unacked-1');
    expect(stored).toMatchObject({
      status: 'filled',
      filledQty: 5,
      brokerOrderId: exchangeOrder('unacked-1')?.id,
    });
    expect(await storedPositions()).toEqual({ AAPL: 5 });
    expect(await mismatchAlerts()).toEqual([]);
  }, 90_000);

  it('alerts a fill made at the exchange outside riskgate once, and not again on the next restart', async () => {
    await rig.restart(async () => {
      await orderAtExchange({
        symbol: 'MSFT',
        qty: '5',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
        client_order_id: 'by-hand-1',
      });
      rig.sim.setQuote('MSFT', 400, 400.04);
    });
    const first = await mismatchAlerts();
    expect(first).toHaveLength(1);
    expect(first[0]).toContain('MSFT');
    expect(await storedPositions()).toEqual(await exchangePositions());
    expect(await storedPositions()).toEqual({ MSFT: 5 });

    await rig.restart();
    expect(await mismatchAlerts()).toEqual([]);
    expect(await storedPositions()).toEqual({ MSFT: 5 });
  }, 90_000);

  it('records a correction made while running in the store, so the next start does not alert it again', async () => {
    // The stream loses the fill, so only reconciliation sees the position.
    rig.sim.faults.add({ kind: 'drop-stream-events', events: ['new', 'fill'], count: 2 });
    await orderAtExchange({
      symbol: 'MSFT',
      qty: '5',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
      client_order_id: 'by-hand-2',
    });
    rig.sim.setQuote('MSFT', 400, 400.04);
    await eventually(
      () => rig.gateway.services.ctx.alerts.recent.some((a) => a.code === 'RECONCILIATION_MISMATCH'),
      'the running reconciliation to correct the position',
    );
    await eventually(async () => (await storedPositions()).MSFT === 5, 'the correction in the store');

    await rig.restart();
    expect(await mismatchAlerts()).toEqual([]);
    expect(await storedPositions()).toEqual(await exchangePositions());
  }, 90_000);
});
