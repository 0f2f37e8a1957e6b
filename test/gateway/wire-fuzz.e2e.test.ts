import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';
import { eventually, type Rig, startRig } from './harness.ts';
import { bodyCases, type Case, deleteCases, type Kind, type Route } from './wire-fuzz-cases.ts';

/**
 * A property-based fuzz of every write route against one running gateway in front of the
 * simulated exchange: each malformed request gets a 4xx whose JSON names the field (or the body),
 * never a 5xx and never a hang, and the exchange's orders and positions are the same afterwards.
 * Seeded and bounded by count; the requests share keep-alive connections, a few at a time.
 */

const SEED = 20_261_206;
const CONCURRENCY = 8;

let rig: Rig;
let restingId = '';
let stopLegId = '';
let profile: unknown;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

beforeAll(async () => {
  rig = await startRig();
  const entry = await rig.http('POST', '/v2/orders', {
    symbol: 'AAPL',
    qty: '5',
    side: 'buy',
    type: 'market',
    time_in_force: 'day',
    client_order_id: 'fz-position',
  });
  expect(entry.status).toBe(200);
  await eventually(async () => {
    rig.sim.setQuote('AAPL', 100, 100.02);
    const positions = (await rig.http('GET', '/v2/positions')).body as { qty: string }[];
    return positions.length === 1;
  }, 'a position of 5 AAPL');
  const resting = await rig.http('POST', '/v2/orders', {
    symbol: 'MSFT',
    qty: '2',
    side: 'buy',
    type: 'limit',
    limit_price: '350',
    time_in_force: 'gtc',
    client_order_id: 'fz-resting',
  });
  expect(resting.status).toBe(200);
  restingId = resting.body.id;
  const stop = [...rig.sim.venue.state.orders.values()].find((o) => o.symbol === 'AAPL' && o.type === 'stop');
  stopLegId = stop!.id;
  profile = (await rig.http('GET', '/v1/profile')).body.profile;
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await rig?.close();
});

async function snapshot(): Promise<string> {
  const orders = [...rig.sim.venue.state.orders.values()]
    .map((o) => [
      o.id,
      o.clientOrderId,
      o.status,
      o.qty,
      o.limitPrice,
      o.stopPrice,
      o.timeInForce,
      o.trailPrice,
    ])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const ledger = rig.sim.venue.state.ledger;
  const positions = ledger.symbols().map((symbol) => [symbol, ledger.positionQty(symbol), ledger.cash]);
  const state = (await rig.http('GET', '/v1/state')).body.tradingState.state;
  return JSON.stringify({ orders, positions, state });
}

function send(c: Case, key: CreatedApiKey): Promise<{ status: number; text: string }> {
  const url = new URL(`${rig.gateway.url}${c.path}`);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: c.route.method,
        agent,
        headers: {
          'APCA-API-KEY-ID': key.key.keyId,
          'APCA-API-SECRET-KEY': key.secret,
          ...(c.contentType !== undefined ? { 'content-type': c.contentType } : {}),
          ...(c.body !== undefined ? { 'content-length': String(c.body.length) } : {}),
        },
        // A guard against a hang, not a timing assertion: far beyond any answer.
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer: the request hung')));
    req.on('error', reject);
    req.end(c.body === undefined ? undefined : Buffer.from(c.body));
  });
}

/** Why an answer is wrong for a malformed case, or undefined when it is right. */
function verdict(c: Case, status: number, text: string): string | undefined {
  if (![400, 413, 422].includes(status)) return `status ${status}: ${text.slice(0, 300)}`;
  let body: {
    code?: unknown;
    message?: unknown;
    riskgate?: { issues?: { field?: unknown; expected?: unknown }[] };
  };
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  if (typeof body.code !== 'number' || typeof body.message !== 'string')
    return `no error envelope: ${text.slice(0, 200)}`;
  if (status === 413) return undefined;
  const issues = body.riskgate?.issues ?? [];
  if (issues.some((i) => typeof i.field !== 'string' || typeof i.expected !== 'string'))
    return `bad issue: ${text}`;
  const named = issues.map((i) => String(i.field));
  const names = (f: string) => named.some((n) => n === f || n.startsWith(`${f}.`));
  return c.expect.some(names) ? undefined : `names ${JSON.stringify(named)}, not ${JSON.stringify(c.expect)}`;
}

const ORDER_FIELDS: Readonly<Record<string, Kind>> = {
  symbol: 'symbol',
  qty: 'decimal',
  side: ['buy', 'sell', 'long', 'short'],
  type: ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'],
  time_in_force: ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'],
  limit_price: 'decimal',
  stop_price: 'decimal',
  trail_price: 'decimal',
  trail_percent: 'decimal',
  extended_hours: 'boolean',
  client_order_id: 'id',
  order_class: ['simple', '', 'bracket', 'oto'],
  position_intent: ['buy_to_open', 'buy_to_close', 'sell_to_open', 'sell_to_close'],
  'take_profit.limit_price': 'decimal',
  'stop_loss.stop_price': 'decimal',
  'stop_loss.limit_price': 'decimal',
};
const order = () => ({
  symbol: 'MSFT',
  qty: '3',
  side: 'buy',
  type: 'limit',
  limit_price: '340',
  time_in_force: 'gtc',
  client_order_id: 'fz-would-be-new',
});

const ROUTES: Route[] = [
  {
    name: 'POST /v2/orders',
    method: 'POST',
    path: () => '/v2/orders',
    key: 'trader',
    base: order,
    fields: ORDER_FIELDS,
    required: ['symbol', 'qty', 'side'],
    runs: 1_200,
  },
  {
    name: 'POST /v1/orders/check',
    method: 'POST',
    path: () => '/v1/orders/check',
    key: 'trader',
    base: order,
    fields: ORDER_FIELDS,
    required: ['symbol', 'qty', 'side'],
    runs: 500,
  },
  {
    name: 'PATCH /v2/orders/{id}',
    method: 'PATCH',
    path: () => `/v2/orders/${stopLegId}`,
    key: 'trader',
    base: () => ({ stop_price: '90', qty: '5', client_order_id: 'fz-replaced' }),
    fields: {
      qty: 'decimal',
      time_in_force: ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'],
      limit_price: 'decimal',
      stop_price: 'decimal',
      trail: 'decimal',
      client_order_id: 'id',
    },
    runs: 800,
  },
  {
    name: 'POST /v1/size',
    method: 'POST',
    path: () => '/v1/size',
    key: 'trader',
    base: () => ({ symbol: 'AAPL', side: 'buy', entry_price: '100', stop_price: '95', risk_percent: '1' }),
    fields: {
      symbol: 'symbol',
      side: ['buy', 'sell', 'long', 'short'],
      entry_price: 'decimal',
      stop_price: 'decimal',
      risk_percent: 'decimal',
    },
    required: ['symbol', 'side'],
    runs: 400,
  },
  {
    name: 'POST /v1/kill',
    method: 'POST',
    path: () => '/v1/kill',
    key: 'trader',
    base: () => ({ reason: 'fuzz', flatten: true }),
    fields: { reason: 'reason', flatten: 'boolean' },
    runs: 500,
  },
  {
    name: 'POST /v1/reset',
    method: 'POST',
    path: () => '/v1/reset',
    key: 'officer',
    base: () => ({ reason: 'fuzz' }),
    fields: { reason: 'reason' },
    required: ['reason'],
    runs: 300,
  },
  {
    name: 'PUT /v1/profile',
    method: 'PUT',
    path: () => '/v1/profile',
    key: 'officer',
    base: () => ({ profile, reason: 'fuzz' }),
    fields: { reason: 'reason', 'profile.mode': ['paper', 'live'] },
    required: ['profile', 'reason'],
    runs: 300,
  },
];
const DELETES: { route: Route; withQuery: boolean }[] = [
  {
    route: {
      name: 'DELETE /v2/orders/{id}',
      method: 'DELETE',
      path: () => `/v2/orders/${restingId}`,
      key: 'trader',
      runs: 300,
    },
    withQuery: false,
  },
  {
    route: {
      name: 'DELETE /v2/orders',
      method: 'DELETE',
      path: () => '/v2/orders',
      key: 'trader',
      runs: 250,
    },
    withQuery: false,
  },
  {
    route: {
      name: 'DELETE /v2/positions/{symbol}',
      method: 'DELETE',
      path: () => '/v2/positions/AAPL',
      key: 'trader',
      runs: 450,
    },
    withQuery: true,
  },
  {
    route: {
      name: 'DELETE /v2/positions',
      method: 'DELETE',
      path: () => '/v2/positions',
      key: 'trader',
      runs: 250,
    },
    withQuery: false,
  },
];

describe('malformed requests on every write route', () => {
  it('get a 4xx naming the field, never a 5xx or a hang, and change nothing at the exchange', async () => {
    const before = await snapshot();
    const cases: Case[] = [
      ...ROUTES.flatMap((r) => fc.sample(bodyCases(r), { seed: SEED, numRuns: r.runs })),
      ...DELETES.flatMap((d) =>
        fc.sample(deleteCases(d.route, d.withQuery), { seed: SEED + 1, numRuns: d.route.runs }),
      ),
    ];
    expect(cases.length).toBeGreaterThanOrEqual(5_000);
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const answer = await send(c, c.route.key === 'officer' ? rig.officer : rig.trader);
        const wrong = verdict(c, answer.status, answer.text);
        if (wrong !== undefined)
          failures.push(`${c.route.name} [${c.note}] ct=${JSON.stringify(c.contentType)}: ${wrong}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 10), `${failures.length} of ${cases.length} cases answered wrongly`).toEqual([]);
    expect(await snapshot()).toEqual(before);
  }, 600_000);
});
