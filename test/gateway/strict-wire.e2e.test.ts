import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rig, startRig, TEST_PROFILE } from './harness.ts';

let rig: Rig;
beforeAll(async () => {
  // No stop attached to entries: an entry with a stop is an OTO, which the broker cannot replace.
  rig = await startRig({
    profile: TEST_PROFILE.replace(
      'protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }',
      'protectiveStop: { required: false }',
    ),
  });
}, 60_000);
afterAll(async () => {
  await rig.close();
});

/** Raw HTTP: the body as given (bytes, so fetch adds no content type of its own), any content type. */
async function send(
  method: string,
  path: string,
  body: string | undefined,
  contentType?: string,
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary response fields
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${rig.gateway.url}${path}`, {
    method,
    headers: {
      'APCA-API-KEY-ID': rig.trader.key.keyId,
      'APCA-API-SECRET-KEY': rig.trader.secret,
      ...(contentType !== undefined ? { 'content-type': contentType } : {}),
    },
    ...(body !== undefined ? { body: new TextEncoder().encode(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

function simOrder(clientOrderId: string) {
  return [...rig.sim.venue.state.orders.values()].find((o) => o.clientOrderId === clientOrderId);
}

let n = 0;
/** A buy limit far below the market, different each time (never a duplicate). */
function limitBody(clientOrderId: string, extra: Record<string, unknown> = {}) {
  n += 1;
  return {
    symbol: 'AAPL',
    qty: String(n),
    side: 'buy',
    type: 'limit',
    limit_price: '80',
    time_in_force: 'day',
    client_order_id: clientOrderId,
    ...extra,
  };
}

function fields(reply: { body: { riskgate?: { issues?: { field: string }[] } } }): string[] {
  return (reply.body.riskgate?.issues ?? []).map((i) => i.field);
}

describe('request bodies are read as JSON whatever the content type says', () => {
  it('places an order sent as text/plain, and one sent without a content type', async () => {
    const plain = await send('POST', '/v2/orders', JSON.stringify(limitBody('ct-plain')), 'text/plain');
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    const none = await send('POST', '/v2/orders', JSON.stringify(limitBody('ct-none')));
    expect(none.status, JSON.stringify(none.body)).toBe(200);
    expect(simOrder('ct-plain')).toBeDefined();
    expect(simOrder('ct-none')).toBeDefined();
  });

  it('applies the quantity and price of a PATCH sent as text/plain', async () => {
    const placed = await send(
      'POST',
      '/v2/orders',
      JSON.stringify(limitBody('patch-plain-1')),
      'application/json',
    );
    expect(placed.status).toBe(200);
    const replaced = await send(
      'PATCH',
      `/v2/orders/${placed.body.id}`,
      JSON.stringify({ qty: '7', limit_price: '81.5', client_order_id: 'patch-plain-2' }),
      'text/plain',
    );
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const atExchange = simOrder('patch-plain-2');
    expect([atExchange?.qty, atExchange?.limitPrice]).toEqual([7, 81.5]);
  });

  it('refuses a body that is not JSON with a 400 naming the body and the declared type', async () => {
    const form = await send('POST', '/v2/orders', 'symbol=AAPL&qty=1', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(400);
    expect(fields(form)).toEqual(['(body)']);
    expect(form.body.message).toContain('application/x-www-form-urlencoded');
  });

  it('answers JSON nested thousands deep with a 400, not a crash', async () => {
    const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
    const reply = await send('POST', '/v2/orders', deep, 'application/json');
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('nested deeper than 32 levels');
    const wrapped = await send('POST', '/v1/kill', `{"reason":${deep}}`, 'application/json');
    expect(wrapped.status).toBe(400);
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('active');
  });

  it('answers a body over the size limit with a 413', async () => {
    const huge = JSON.stringify(limitBody('too-big', { client_order_id: 'x'.repeat(70_000) }));
    expect((await send('POST', '/v2/orders', huge, 'application/json')).status).toBe(413);
  });
});

describe('values are read in the forms the broker accepts, nothing looser', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['qty', { qty: '0x10' }],
    ['qty', { qty: '0b11' }],
    ['qty', { qty: '1e1' }],
    ['qty', { qty: ' 10' }],
    ['qty', { qty: '+10' }],
    ['qty', { qty: 'Infinity' }],
    ['qty', { qty: true }],
    ['limit_price', { limit_price: ' 9.5e1 ' }],
    ['limit_price', { limit_price: '80.0000000001' }],
    ['side', { side: ' Long ' }],
    ['side', { side: 'BUY' }],
    ['type', { type: 'LIMIT ' }],
    ['time_in_force', { time_in_force: 'Day' }],
    ['symbol', { symbol: ' spy\n' }],
    ['symbol', { symbol: 'AAPL ' }],
    ['extended_hours', { extended_hours: 'true' }],
    ['take_profit', { take_profit: '110' }],
    ['take_profit.limitPrice', { take_profit: { limitPrice: '110' } }],
    ['limitPrice', { limitPrice: '80' }],
  ];
  for (const [field, change] of cases) {
    it(`refuses ${JSON.stringify(change)} with a 422 naming ${field}`, async () => {
      const id = `strict-${n}`;
      const reply = await send(
        'POST',
        '/v2/orders',
        JSON.stringify(limitBody(id, change)),
        'application/json',
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(422);
      expect(fields(reply)).toContain(field);
      expect(simOrder(id)).toBeUndefined();
    });
  }

  it('keeps the long and short side aliases', async () => {
    const reply = await send(
      'POST',
      '/v1/orders/check',
      JSON.stringify(limitBody('alias-1', { side: 'long' })),
      'application/json',
    );
    expect(reply.status).toBe(200);
  });

  it('refuses client order ids with a NUL, a lone surrogate or 129 characters with a 422, not a 503', async () => {
    const base = JSON.stringify(limitBody('PLACEHOLDER'));
    for (const id of ['"bad\\u0000id"', '"bad\\ud800id"', JSON.stringify('x'.repeat(129))]) {
      const reply = await send('POST', '/v2/orders', base.replace('"PLACEHOLDER"', id), 'application/json');
      expect(reply.status, `${id}: ${JSON.stringify(reply.body)}`).toBe(422);
      expect(fields(reply)).toContain('client_order_id');
    }
  });

  it('reads sizing, kill and close-position input strictly', async () => {
    const size = await send(
      'POST',
      '/v1/size',
      JSON.stringify({ symbol: 'AAPL', side: 'buy', entry_price: '0x10', stop_price: '95' }),
      'application/json',
    );
    expect([size.status, fields(size)]).toEqual([422, ['entry_price']]);
    const kill = await send('POST', '/v1/kill', JSON.stringify({ flatten: 'yes' }), 'application/json');
    expect([kill.status, fields(kill)]).toEqual([422, ['flatten']]);
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('active');
    const close = await send('DELETE', '/v2/positions/AAPL?qty=0x10', undefined);
    expect([close.status, fields(close)]).toEqual([422, ['qty']]);
  });
});

describe('PATCH takes exactly the broker replaceable fields and applies each', () => {
  it('applies time_in_force', async () => {
    const placed = await send('POST', '/v2/orders', JSON.stringify(limitBody('tif-1')), 'application/json');
    const replaced = await send(
      'PATCH',
      `/v2/orders/${placed.body.id}`,
      JSON.stringify({ time_in_force: 'gtc', client_order_id: 'tif-2' }),
      'application/json',
    );
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(simOrder('tif-2')?.timeInForce).toBe('gtc');
  });

  it('refuses a trail on a limit order, unknown fields and a body that changes nothing, leaving the order', async () => {
    const placed = await send(
      'POST',
      '/v2/orders',
      JSON.stringify(limitBody('misfit-1')),
      'application/json',
    );
    const path = `/v2/orders/${placed.body.id}`;
    for (const [body, field] of [
      [{ trail: '1' }, 'trail'],
      [{ qty: '2', limitPrice: '81' }, 'limitPrice'],
      [{ qty: '2', side: 'sell' }, 'side'],
      [{ qty: '0x10' }, 'qty'],
      [{}, '(body)'],
    ] as const) {
      const reply = await send('PATCH', path, JSON.stringify(body), 'application/json');
      expect(reply.status, JSON.stringify(reply.body)).toBe(422);
      expect(fields(reply)).toContain(field);
    }
    expect(simOrder('misfit-1')?.status).toBe('new');
  });
});
