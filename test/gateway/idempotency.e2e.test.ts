import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Rig, startRig, TEST_PROFILE } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const ORDER = {
  symbol: 'AAPL',
  qty: '5',
  side: 'buy',
  type: 'limit',
  limit_price: '99',
  time_in_force: 'day',
  client_order_id: 'again-1',
};

/** The test profile without the duplicate-order rule, so only the store guards a repeated id. */
const PROFILE_WITHOUT_DUPLICATE_RULE = TEST_PROFILE.replace(', duplicateWindowSeconds: 60', '');

function postsAtExchange(r: Rig, clientOrderId: string) {
  return r.sim.requests.filter(
    (q) => q.method === 'POST' && q.path === '/v2/orders' && q.clientOrderId === clientOrderId,
  );
}

async function placeThenCancel(r: Rig): Promise<string> {
  const first = await r.http('POST', '/v2/orders', ORDER);
  expect(first.status).toBe(200);
  // Repeated while working: the same order, and its reservation is not counted twice.
  const repeat = await r.http('POST', '/v2/orders', ORDER);
  expect(repeat.body.id).toBe(first.body.id);
  expect((await r.http('GET', '/v1/state')).body.workingOrders).toHaveLength(1);
  expect((await r.http('DELETE', `/v2/orders/${first.body.id}`)).status).toBe(204);
  await eventually(
    async () => (await r.http('GET', '/v1/state')).body.workingOrders.length === 0,
    'the cancel to release the reservation',
  );
  return first.body.id as string;
}

describe('a repeated client order id returns the order it created, never a second one', () => {
  it('after a restart, when only the store still knows the id', async () => {
    rig = await startRig({ profile: PROFILE_WITHOUT_DUPLICATE_RULE });
    const r = rig;
    const id = await placeThenCancel(r);
    await r.restart();
    expect(r.gateway.services.ctx.orders.byClientId('again-1')).toBeUndefined();

    const again = await r.http('POST', '/v2/orders', ORDER);
    expect(again.status).toBe(200);
    expect([again.body.id, again.body.status]).toEqual([id, 'canceled']);
    expect(postsAtExchange(r, 'again-1')).toHaveLength(1);
    // The check reserved the order before the store said the id was taken; that was released.
    expect(r.gateway.services.ctx.risk.engine.book.working.has('again-1')).toBe(false);
    expect((await r.http('GET', '/v1/state')).body.workingOrders).toEqual([]);
  }, 60_000);

  it('after a restart, when the duplicate-order rule remembers the id', async () => {
    rig = await startRig();
    const r = rig;
    const id = await placeThenCancel(r);
    await r.restart();

    const again = await r.http('POST', '/v2/orders', ORDER);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);
    expect(postsAtExchange(r, 'again-1')).toHaveLength(1);
    expect((await r.http('GET', '/v1/state')).body.workingOrders).toEqual([]);
  }, 60_000);
});
