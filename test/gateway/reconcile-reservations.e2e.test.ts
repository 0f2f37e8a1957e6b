import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
}, 60_000);
afterEach(async () => {
  await rig.close();
});

const engine = () => rig.gateway.services.ctx.risk.engine;

function mismatchAlerts(): string[] {
  return rig.gateway.services.ctx.alerts.recent
    .filter((a) => a.code === 'RECONCILIATION_MISMATCH')
    .map((a) => a.message);
}

/** $9,900 of AAPL: fits the $30,000 symbol limit alone, not beside a $25,000 reservation. */
const entry = (clientOrderId: string) => ({
  symbol: 'AAPL',
  qty: '100',
  side: 'buy',
  type: 'limit',
  limit_price: '99',
  time_in_force: 'gtc',
  client_order_id: clientOrderId,
});

describe('reconciliation of the engine working orders (reservations) with the broker', () => {
  it('releases a reservation the broker has no order for, which frees the exposure limit', async () => {
    const live = await rig.http('POST', '/v2/orders', { ...entry('live-1'), qty: '10' });
    expect(live.status).toBe(200);
    // A reservation left behind with no order at the broker, the way an earlier defect left one.
    engine().restoreWorkingOrder({
      clientOrderId: 'phantom-1',
      symbol: 'AAPL',
      side: 'buy',
      qty: 250,
      type: 'limit',
      limitPrice: 100,
      timeInForce: 'gtc',
    });
    const denied = await rig.http('POST', '/v2/orders', entry('blocked-1'));
    expect(denied.status).toBe(403);
    expect(denied.body.riskgate.violations.map((v: { code: string }) => v.code)).toContain(
      'SYMBOL_EXPOSURE_EXCEEDED',
    );

    await eventually(
      () => mismatchAlerts().some((m) => m.includes('phantom-1')),
      'the phantom reservation alerted',
    );
    expect(engine().book.working.has('phantom-1')).toBe(false);
    await rig.gateway.services.reconciler.run();
    expect(mismatchAlerts().filter((m) => m.includes('phantom-1'))).toHaveLength(1);
    await rig.gateway.store.flush();
    const audited = await rig.gateway.store.audit.query({ kind: 'order' });
    expect(
      audited.some((e) => e.codes.includes('RECONCILIATION_MISMATCH') && e.message?.includes('phantom-1')),
    ).toBe(true);
    // The order that really works at the broker keeps its reservation and is never alerted.
    expect(engine().book.working.has('live-1')).toBe(true);
    expect(mismatchAlerts().some((m) => m.includes('live-1'))).toBe(false);

    const accepted = await rig.http('POST', '/v2/orders', entry('after-1'));
    expect(accepted.status).toBe(200);
  }, 60_000);

  it('reserves an open order placed at the broker outside riskgate, so limits count it', async () => {
    const response = await fetch(`${rig.sim.url}/v2/orders`, {
      method: 'POST',
      headers: {
        'APCA-API-KEY-ID': rig.sim.keyId,
        'APCA-API-SECRET-KEY': rig.sim.secretKey,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ...entry('by-hand-1'), qty: '250', limit_price: '95' }),
    });
    expect(response.status).toBe(200);
    await eventually(() => mismatchAlerts().some((m) => m.includes('by-hand-1')), 'the order alerted');
    expect(engine().book.working.get('by-hand-1')?.remaining).toBe(250);
    await rig.gateway.services.reconciler.run();
    expect(mismatchAlerts().filter((m) => m.includes('by-hand-1'))).toHaveLength(1);
    const denied = await rig.http('POST', '/v2/orders', entry('blocked-2'));
    expect(denied.status).toBe(403);
    expect(denied.body.riskgate.violations.map((v: { code: string }) => v.code)).toContain(
      'SYMBOL_EXPOSURE_EXCEEDED',
    );
  }, 60_000);
});
