import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Rig, startRig } from './harness.ts';

// The exchange's clock is not the gateway's: here it runs a minute behind. A protective stop
// cancelled at the exchange is lost from the moment the gateway learns it, by the gateway's own
// clock, which the grace period is measured against.
describe("a lost stop's grace", () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("starts when the gateway learns of it, not at the exchange's event time", async () => {
    rig = await startRig({
      simClock: { mode: 'real', startMs: Date.now() - 60_000 },
      flags: { stopGraceMs: '600000' },
    });
    const r = rig;
    const entry = await r.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(entry.status).toBe(200);
    r.sim.setQuote('AAPL', 100, 100.02);
    const stopId = await eventually(async () => {
      const open = await r.http('GET', '/v2/orders?status=open&nested=true');
      type O = { id: string; symbol: string; type: string; legs: O[] | null };
      const all = (open.body as O[]).flatMap((o) => [o, ...(o.legs ?? [])]);
      return all.find((o) => o.symbol === 'AAPL' && o.type === 'stop')?.id;
    }, 'the protective stop');
    // The gateway cannot place a new stop: the position stays without one, and its grace runs.
    r.sim.faults.add({ kind: 'error', status: 503, match: { method: 'POST', path: '/v2/orders' } });
    const before = Date.now();
    const cancelled = await fetch(`${r.sim.url}/v2/orders/${stopId}`, {
      method: 'DELETE',
      headers: { 'APCA-API-KEY-ID': r.sim.keyId, 'APCA-API-SECRET-KEY': r.sim.secretKey },
    });
    expect(cancelled.status).toBe(204);
    const since = await eventually(async () => {
      const state = await r.http('GET', '/v1/state', undefined, r.officer);
      const aapl = (
        state.body.positions as { symbol: string; protection: { unprotectedSince?: number } }[]
      ).find((p) => p.symbol === 'AAPL');
      return aapl?.protection.unprotectedSince;
    }, 'AAPL reported without a stop');
    expect(since).toBeGreaterThanOrEqual(before);
    const state = await r.http('GET', '/v1/state', undefined, r.officer);
    expect(state.body.tradingState.state).toBe('active');
  });
});
