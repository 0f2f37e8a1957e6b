import { OrdersApi } from '@alpacahq/alpaca-trade-api';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function state(r: Rig) {
  return (await r.http('GET', '/v1/state')).body;
}

describe('the protective-stop guarantee and broker outages', () => {
  it('replaces a rejected stop leg with a standalone stop at the broker', async () => {
    rig = await startRig();
    const r = rig;
    r.sim.faults.add({ kind: 'reject-stop-leg', symbol: 'AAPL', count: 1 });
    await new OrdersApi(r.sdk()).market({
      symbol: 'AAPL',
      qty: 10,
      side: 'buy',
      timeInForce: 'day',
      clientOrderId: 'rej-1',
    });
    r.sim.setQuote('AAPL', 100, 100.02);
    const protectedPosition = await eventually(async () => {
      const s = await state(r);
      return s.positions.find(
        (p: { protection: { status: string } }) => p.protection.status === 'protected_at_broker',
      );
    }, 'a standalone stop at the broker');
    expect(protectedPosition.symbol).toBe('AAPL');
    const standalone = [...r.sim.venue.state.orders.values()].find(
      (o) => o.clientOrderId.startsWith('rgstop-') && o.type === 'stop' && o.status === 'new',
    );
    expect(standalone).toBeDefined();
  }, 60_000);

  it('closes at market through the fallback monitor when no stop can be placed and price crosses it', async () => {
    // High failure thresholds keep the circuit closed (the failed stop POSTs would otherwise open
    // it through the order count), so the close is sent at once, not queued.
    rig = await startRig({
      circuit: { failureThreshold: 100, orderFailureThreshold: 100, halfOpenAfterMs: 60_000 },
    });
    const r = rig;
    r.sim.faults.add({ kind: 'reject-stop-leg', symbol: 'AAPL', count: 1 });
    await new OrdersApi(r.sdk()).market({
      symbol: 'AAPL',
      qty: 10,
      side: 'buy',
      timeInForce: 'day',
      clientOrderId: 'fb-1',
    });
    // Every later order POST fails: the standalone stop cannot be placed either.
    r.sim.faults.add({ kind: 'error', status: 500, match: { method: 'POST', path: '/v2/orders' } });
    r.sim.setQuote('AAPL', 100, 100.02);
    await eventually(
      async () => {
        const s = await state(r);
        return s.positions[0]?.protection.status === 'protected_by_fallback';
      },
      'the fallback monitor',
      30_000,
    );
    const stop = (await state(r)).positions[0].protection.stop as number;
    expect(stop).toBeLessThan(100);
    r.sim.faults.clear();
    r.sim.setQuote('AAPL', stop - 1, stop - 0.98);
    await eventually(
      async () => (await r.gateway.store.orders.list({})).some((o) => o.closeReason === 'FALLBACK_STOP'),
      'a FALLBACK_STOP close',
      30_000,
    );
    r.sim.setQuote('AAPL', stop - 1, stop - 0.98);
    await eventually(async () => (await state(r)).positions.length === 0, 'the position closed', 30_000);
  }, 90_000);

  it('opens the circuit on a broker outage: entries are denied, exits are queued', async () => {
    rig = await startRig();
    const r = rig;
    await new OrdersApi(r.sdk()).bracket({
      symbol: 'AAPL',
      qty: 10,
      side: 'buy',
      limitPrice: 100.5,
      timeInForce: 'gtc',
      takeProfit: { limitPrice: 130 },
      stopLoss: { stopPrice: 80 },
    });
    r.sim.setQuote('AAPL', 100, 100.02);
    await eventually(async () => (await state(r)).positions.length === 1, 'the position');
    const fault = r.sim.faults.add({ kind: 'error', status: 503 });
    await eventually(
      async () => (await state(r)).health.broker.circuit === 'open',
      'the circuit to open',
      30_000,
    );
    const entry = await r.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(entry.status).toBe(403);
    expect(entry.body.riskgate.violations[0].code).toBe('BROKER_UNAVAILABLE');
    const exit = await r.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '5',
      side: 'sell',
      type: 'market',
      time_in_force: 'day',
      client_order_id: 'queued-exit',
    });
    expect(exit.status).toBe(200);
    expect(exit.body.status).toBe('pending_new');
    r.sim.faults.remove(fault);
    const metrics = await fetch(`${r.gateway.url}/metrics`).then((res) => res.text());
    expect(metrics).toMatch(/riskgate_broker_circuit_state\{state="open"\} 1/);
  }, 90_000);
});
