/**
 * The legs of a bracket are confirmed off the order's critical path: the bot's answer goes back
 * once the exchange accepted the order (its answer carries the legs), and the legs are confirmed
 * afterwards from the trade stream or a deferred read. A leg the exchange loses after accepting
 * the order is still detected, alerted, and the position protected within the grace period.
 * Everything goes through the simulated exchange's real HTTP and stream; waits are bounded polls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reachPosition } from '../support/bot-day.ts';
import { fillLog } from '../support/fill-log.ts';
import { settledReport } from '../support/protection-invariant.ts';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The gets of one order by id at the exchange (the read-back of its legs). */
const ORDER_READ = '^/v2/orders/[0-9a-f-]+$';

const bracket = (clientOrderId: string, type: 'limit' | 'market' = 'limit') => ({
  symbol: 'AAPL',
  qty: '10',
  side: 'buy',
  type,
  ...(type === 'limit' ? { limit_price: '99' } : {}),
  time_in_force: 'gtc',
  order_class: 'bracket',
  client_order_id: clientOrderId,
  take_profit: { limit_price: '120' },
  stop_loss: { stop_price: '90' },
});

function legsOf(body: { legs: Array<{ type: string; status: string }> | null }): string[][] {
  return (body.legs ?? []).map((leg) => [leg.type, leg.status]);
}

function protectionAlerts(r: Rig) {
  return r.gateway.services.ctx.alerts.recent.filter((a) => a.code === 'PROTECTION_MISSING');
}

describe('leg confirmation off the reply path', () => {
  it('answers a bracket while the exchange holds every read of the order, with the legs it accepted', async () => {
    rig = await startRig();
    const r = rig;
    fillLog(r.sim);
    const hang = r.sim.faults.add({ kind: 'hang', match: { method: 'GET', path: ORDER_READ } });
    const reply = await r.http('POST', '/v2/orders', bracket('held-read-1'));
    const id = reply.body.id as string;
    const answeredReads = () =>
      r.sim.requests.filter((q) => q.method === 'GET' && q.path === `/v2/orders/${id}` && q.status === 200);
    // Answered while every read of the order is held: the answer never waited for one.
    expect(answeredReads()).toEqual([]);
    r.sim.faults.remove(hang);
    expect(reply.status).toBe(200);
    expect([reply.body.client_order_id, reply.body.order_class, reply.body.status]).toEqual([
      'held-read-1',
      'bracket',
      'new',
    ]);
    expect(legsOf(reply.body)).toEqual([
      ['limit', 'held'],
      ['stop', 'held'],
    ]);
    // The legs are read back afterwards, and found as accepted: no alert.
    await eventually(() => answeredReads().length > 0, 'the deferred read of the legs');
    expect(protectionAlerts(r)).toEqual([]);
    expect((await settledReport(r)).violations).toEqual([]);
  }, 60_000);

  it('answers a bracket when every read of the order fails, and alerts that its legs are unconfirmed', async () => {
    rig = await startRig({ circuit: { failureThreshold: 100, halfOpenAfterMs: 60_000 } });
    const r = rig;
    const failing = r.sim.faults.add({
      kind: 'error',
      status: 503,
      match: { method: 'GET', path: ORDER_READ },
    });
    const reply = await r.http('POST', '/v2/orders', bracket('failed-read-1'));
    expect(reply.status).toBe(200);
    expect(legsOf(reply.body)).toEqual([
      ['limit', 'held'],
      ['stop', 'held'],
    ]);
    const [alert] = await eventually(() => {
      const found = protectionAlerts(r);
      return found.length > 0 ? found : undefined;
    }, 'the PROTECTION_MISSING alert');
    expect(alert!.data).toMatchObject({ clientOrderId: 'failed-read-1', problem: 'confirmation-failed' });
    r.sim.faults.remove(failing);
  }, 60_000);

  it.each([
    ['with the rejection on the stream', false],
    ['with the rejection lost on the stream', true],
  ])(
    'detects a stop leg the exchange rejects after accepting the bracket, and protects the position (%s)',
    async (_name, lost) => {
      rig = await startRig();
      const r = rig;
      fillLog(r.sim);
      r.sim.faults.add({ kind: 'reject-stop-leg', symbol: 'AAPL', when: 'after', count: 1 });
      if (lost) r.sim.faults.add({ kind: 'drop-stream-events', events: ['rejected'], count: 1 });

      // Step 1: the bracket is accepted; its stop leg dies at the exchange right after.
      const reply = await r.http('POST', '/v2/orders', bracket('lost-leg-1', 'market'));
      expect(reply.status).toBe(200);
      expect((await settledReport(r)).violations).toEqual([]);
      const [alert] = await eventually(() => {
        const found = protectionAlerts(r);
        return found.length > 0 ? found : undefined;
      }, 'the PROTECTION_MISSING alert');
      expect(alert!.data).toMatchObject({ clientOrderId: 'lost-leg-1', problem: 'stop-leg-not-live' });
      expect((await settledReport(r)).violations).toEqual([]);

      // Step 2: the entry fills; the position is protected at the exchange within the grace.
      expect(await reachPosition(r.sim, 'AAPL', 10)).toEqual([]);
      expect((await settledReport(r)).violations).toEqual([]);
      const standalone = [...r.sim.venue.state.orders.values()].filter(
        (o) => o.symbol === 'AAPL' && o.clientOrderId.startsWith('rgstop-') && o.status === 'new',
      );
      expect(standalone.length).toBeGreaterThan(0);
      expect((await r.http('GET', '/v1/state')).body.tradingState.state).toBe('active');
    },
    60_000,
  );

  it('reads back the legs of a burst of brackets with one list, and finds a stop leg lost among them', async () => {
    rig = await startRig();
    const r = rig;
    fillLog(r.sim);
    // One of the burst loses its stop leg right after the answer, and the stream loses the news.
    r.sim.faults.add({ kind: 'reject-stop-leg', symbol: 'AAPL', when: 'after', count: 1 });
    r.sim.faults.add({ kind: 'drop-stream-events', events: ['rejected'], count: 1 });
    const ids = Array.from({ length: 8 }, (_, i) => `burst-${i}`);
    const replies = await Promise.all(ids.map((id) => r.http('POST', '/v2/orders', bracket(id))));
    expect(replies.map((reply) => reply.status)).toEqual(ids.map(() => 200));
    const orderIds = new Set(replies.map((reply) => reply.body.id as string));
    await eventually(() => r.gateway.services.manager.legs.pending === 0, 'every leg confirmed');
    // No order of the burst was read on its own: one list read them all.
    const ownReads = r.sim.requests.filter(
      (q) => q.method === 'GET' && orderIds.has(q.path.slice('/v2/orders/'.length)),
    );
    expect(ownReads).toEqual([]);
    const [alert] = await eventually(() => {
      const found = protectionAlerts(r);
      return found.length > 0 ? found : undefined;
    }, 'the PROTECTION_MISSING alert');
    expect(alert!.data).toMatchObject({ problem: 'stop-leg-not-live' });
    expect(ids).toContain((alert!.data as { clientOrderId: string }).clientOrderId);
    expect(protectionAlerts(r)).toHaveLength(1);
    expect((await settledReport(r)).violations).toEqual([]);
  }, 60_000);

  it('reads each order of a burst on its own when the list of recent orders fails', async () => {
    rig = await startRig({ circuit: { failureThreshold: 100, halfOpenAfterMs: 60_000 } });
    const r = rig;
    const failing = r.sim.faults.add({
      kind: 'error',
      status: 503,
      match: { method: 'GET', path: '^/v2/orders$' },
    });
    const replies = await Promise.all(
      [0, 1, 2, 3].map((i) => r.http('POST', '/v2/orders', bracket(`burst-failed-list-${i}`))),
    );
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
    await eventually(() => r.gateway.services.manager.legs.pending === 0, 'every leg confirmed');
    const listReads = r.sim.requests.filter((q) => q.method === 'GET' && q.path === '/v2/orders');
    expect(listReads.some((q) => q.status === 503)).toBe(true);
    const ownReads = replies.map((reply) =>
      r.sim.requests.filter((q) => q.method === 'GET' && q.path === `/v2/orders/${reply.body.id}`),
    );
    expect(ownReads.map((reads) => reads.some((q) => q.status === 200))).toEqual([true, true, true, true]);
    expect(protectionAlerts(r)).toEqual([]);
    r.sim.faults.remove(failing);
  }, 60_000);
});
