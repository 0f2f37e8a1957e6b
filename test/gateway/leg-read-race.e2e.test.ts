/**
 * An accepted bracket's entry can fill at the exchange before the trade stream brings the fill:
 * whatever the gateway reads about the order in that window (a read of its legs, a refresh) must
 * not make the exit legs look like orders left on a flat symbol. Were they taken for strays, the
 * gateway would cancel the stop leg the exchange created, and a standalone stop would replace it
 * once the fill arrives: churn at the exchange, and a standalone stop in the store that a
 * restart must then account for. The stream's fill is held back by the simulated exchange; waits
 * are bounded polls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readExchange } from '../support/exchange-view.ts';
import { fillLog } from '../support/fill-log.ts';
import { settledReport } from '../support/protection-invariant.ts';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** How long the exchange holds the fill back from the stream, ms (many protection checks). */
const FILL_DELAY_MS = 1_500;

/**
 * A fresh rig (reconciliation on at the rig's 1 s, or off), the stream's next fill held back,
 * and a 10-share market buy accepted: its id, and the exchange's last request seq before it fills.
 */
async function placeEntryWithLateFill(clientOrderId: string, options: { reconcile: boolean }) {
  rig = await startRig(options.reconcile ? {} : { flags: { reconcileIntervalMs: '600000' } });
  const r = rig;
  fillLog(r.sim);
  r.sim.setQuote('AAPL', 100, 100.02);
  r.sim.faults.add({ kind: 'delay-stream-events', ms: FILL_DELAY_MS, events: ['fill'], count: 1 });
  const reply = await r.http('POST', '/v2/orders', {
    symbol: 'AAPL',
    qty: '10',
    side: 'buy',
    type: 'market',
    time_in_force: 'day',
    client_order_id: clientOrderId,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return { r, entryId: reply.body.id as string, since: r.sim.requests.at(-1)?.seq ?? 0 };
}

describe('an entry filled at the exchange before its fill is on the stream', () => {
  it('keeps the stop leg as the protection: no leg cancelled, no standalone stop placed', async () => {
    // Reconciliation would take the broker's position during the delay: this is about the legs.
    const { r, entryId, since } = await placeEntryWithLateFill('early-fill-1', { reconcile: false });
    // The next quote fills the market entry at the exchange; the stream brings the fill late.
    r.sim.setQuote('AAPL', 100, 100.03);
    const { ctx, trades, manager } = r.gateway.services;
    await eventually(() => manager.positionQty('AAPL') === 10, 'the fill to reach the gateway', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await manager.idle();
    await trades.drain();

    const entry = r.sim.venue.state.orders.get(entryId)!;
    const exchange = [...r.sim.venue.state.orders.values()];
    const cancels = r.sim.requests.filter((q) => q.seq > since && q.method === 'DELETE');
    // The store holds no working order: the entry filled, and its leg is not a row of its own.
    const working = await r.gateway.store.recover();
    expect({
      legs: entry.legIds.map((id) => r.sim.venue.state.orders.get(id)!).map((o) => [o.type, o.status]),
      standalone: exchange.filter((o) => o.clientOrderId.startsWith('rgstop')).map((o) => [o.type, o.status]),
      cancels: cancels.length,
      working: working.workingOrders.map((o) => [o.clientOrderId.slice(0, 6), o.status]),
    }).toEqual({ legs: [['stop', 'held']], standalone: [], cancels: 0, working: [] });
    expect(ctx.alerts.recent.map((a) => a.code)).not.toContain('UNPROTECTED_POSITION');
    expect((await settledReport(r)).violations).toEqual([]);
  }, 60_000);

  it('with reconciliation running meanwhile: the leg stays, nothing is cancelled, the fill counts once', async () => {
    // The default reconcile interval (1 s) runs at least once while the fill is held back: it
    // finds the entry filled at the broker and the broker's position ahead of the engine's.
    const { r, entryId, since } = await placeEntryWithLateFill('early-fill-2', { reconcile: true });
    const { ctx, trades, manager, reconciler } = r.gateway.services;
    // Sample the exchange: a position without a live stop on its closing side is unprotected.
    const unprotected: string[] = [];
    const engineSeen = new Set<number>();
    const sampler = setInterval(() => {
      engineSeen.add(manager.positionQty('AAPL'));
      for (const p of readExchange(r.sim).positions)
        if (p.stopQty < Math.abs(p.qty)) unprotected.push(`${p.symbol} ${p.qty} stops=${p.stopQty}`);
    }, 20);
    try {
      r.sim.setQuote('AAPL', 100, 100.03);
      await eventually(() => manager.positionQty('AAPL') === 10, 'the fill to reach the gateway', 20_000);
      // Past the held-back fill, with reconciliation runs before and after it.
      await new Promise((resolve) => setTimeout(resolve, FILL_DELAY_MS + 1_500));
      await reconciler.run();
      await manager.idle();
      await trades.drain();
    } finally {
      clearInterval(sampler);
    }

    const entry = r.sim.venue.state.orders.get(entryId)!;
    const exchange = [...r.sim.venue.state.orders.values()];
    const cancels = r.sim.requests.filter((q) => q.seq > since && q.method === 'DELETE');
    expect({
      legs: entry.legIds.map((id) => r.sim.venue.state.orders.get(id)!).map((o) => [o.type, o.status]),
      standalone: exchange.filter((o) => o.clientOrderId.startsWith('rgstop')).map((o) => [o.type, o.status]),
      cancels: cancels.map((q) => q.path),
      unprotected: unprotected.slice(0, 3),
      engineSeen: [...engineSeen].sort((a, b) => a - b),
      engine: manager.positionQty('AAPL'),
      broker: r.sim.venue.state.ledger.positionQty('AAPL'),
    }).toEqual({
      legs: [['stop', 'held']],
      standalone: [],
      cancels: [],
      unprotected: [],
      engineSeen: [0, 10],
      engine: 10,
      broker: 10,
    });
    expect(ctx.alerts.recent.map((a) => a.code)).not.toContain('UNPROTECTED_POSITION');
    expect((await settledReport(r)).violations).toEqual([]);
  }, 60_000);

  it('keeps the stop leg when the order index learns the fill before the engine does', async () => {
    const { r, entryId, since } = await placeEntryWithLateFill('early-fill-3', { reconcile: false });
    r.sim.setQuote('AAPL', 100, 100.03);
    const { ctx, trades, manager } = r.gateway.services;
    await eventually(
      () => r.sim.venue.state.ledger.positionQty('AAPL') === 10,
      'the entry to fill at the exchange',
      20_000,
    );
    // A read of the entry (any of the gateway's reads) puts the index ahead of the engine: the
    // entry is filled there, so its stop leg looks like an order on a symbol the engine holds flat.
    ctx.orders.upsert(await ctx.broker.getOrder(entryId, { nested: true }));
    expect(manager.positionQty('AAPL')).toBe(0);
    manager.schedule('AAPL');
    await manager.idle();
    await eventually(() => manager.positionQty('AAPL') === 10, 'the fill to reach the gateway', 20_000);
    await manager.idle();
    await trades.drain();

    const entry = r.sim.venue.state.orders.get(entryId)!;
    const exchange = [...r.sim.venue.state.orders.values()];
    expect({
      legs: entry.legIds.map((id) => r.sim.venue.state.orders.get(id)!).map((o) => [o.type, o.status]),
      standalone: exchange.filter((o) => o.clientOrderId.startsWith('rgstop')).map((o) => [o.type, o.status]),
      cancels: r.sim.requests.filter((q) => q.seq > since && q.method === 'DELETE').length,
    }).toEqual({ legs: [['stop', 'held']], standalone: [], cancels: 0 });
    expect((await settledReport(r)).violations).toEqual([]);
  }, 60_000);
});
