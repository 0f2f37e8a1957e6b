import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runKeys } from '../../src/cli/commands/keys.ts';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';
import { eventually, type Rig, startRig } from './harness.ts';

/** The test profile with a VIX breaker: reducing at 40, re-armed below 30. */
const VIX_PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 }
    exposure: { symbol: { usd: 30000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
    breakers:
      vix: { above: 40, resumeBelow: 30, action: reducing }
`;

/** What the local index source serves; tests change it. */
const source = { status: 200, type: 'text/csv', body: '' };
let sourceServer: Server;
let rig: Rig;
let feed: CreatedApiKey;

/** Strictly increasing reading times, so no posted reading is taken for an older one. */
let lastTime = 0;
function nowIso(): string {
  lastTime = Math.max(Date.now(), lastTime + 1);
  return new Date(lastTime).toISOString();
}

const buy = { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market', time_in_force: 'day' };
const post = (readings: unknown, key: CreatedApiKey = feed) =>
  rig.http('POST', '/v1/market/indices', { readings }, key);
const vix = (value: number, time = nowIso()) => post([{ name: 'VIX', value, time }]);
const state = async () => (await rig.http('GET', '/v1/state')).body;
const indexOf = async (name: string) =>
  (await state()).indices.readings.find((r: { name: string }) => r.name === name);
const codes = (body: { riskgate?: { violations?: { code: string }[] } }) =>
  body.riskgate?.violations?.map((v) => v.code) ?? [];

beforeAll(async () => {
  sourceServer = createServer((_request, response) => {
    response.writeHead(source.status, { 'content-type': source.type });
    response.end(source.body);
  });
  await new Promise<void>((resolve) => sourceServer.listen(0, '127.0.0.1', resolve));
  const port = (sourceServer.address() as AddressInfo).port;
  source.status = 503; // the source is down at first
  rig = await startRig({
    profile: VIX_PROFILE,
    flags: {
      indexNames: 'VIX,VVIX',
      indexMaxAgeMs: '60000',
      indexSourceUrl: `http://127.0.0.1:${port}/indices.csv?token=secret-in-query`,
      indexPollMs: '100',
    },
  });
  // The feed key is made the way an operator makes one: `riskgate keys create --role feed`, with
  // the gateway stopped (the embedded store takes one process).
  await rig.restart(async () => {
    const lines: string[] = [];
    const code = await runKeys(['create', '--role', 'feed', '--data-dir', rig.dir], { USER: 'test' }, (l) =>
      lines.push(l),
    );
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('created feed key');
    const keyId = /APCA-API-KEY-ID:\s+(\S+)/.exec(text)?.[1];
    const secret = /APCA-API-SECRET-KEY:\s+(\S+)/.exec(text)?.[1];
    feed = {
      key: { ...rig.trader.key, keyId: keyId!, role: 'feed', label: 'feed key' },
      secret: secret!,
      token: '',
    };
  });
}, 180_000);
afterAll(async () => {
  await rig?.close();
  await new Promise((resolve) => sourceServer?.close(resolve));
});

describe('index feed roles', () => {
  it('a feed key may post readings and nothing else; a trader may not post readings', async () => {
    const byTrader = await post([{ name: 'VIX', value: 20, time: nowIso() }], rig.trader);
    expect(byTrader.status).toBe(403);
    expect(byTrader.body.message).toContain('role trader may not post indices');
    const order = await rig.http('POST', '/v2/orders', buy, feed);
    expect(order.status).toBe(403);
    expect(order.body.message).toContain('role feed may not trade');
    expect((await rig.http('GET', '/v1/state', undefined, feed)).status).toBe(403);
    expect((await rig.http('GET', '/v2/account', undefined, feed)).status).toBe(403);
    // Nor may it listen to the trade updates.
    const socket = new WebSocket(`${rig.gateway.url.replace(/^http/, 'ws')}/stream`);
    const answer = await new Promise<string>((resolve, reject) => {
      socket.on('open', () =>
        socket.send(
          JSON.stringify({
            action: 'authenticate',
            data: { key_id: feed.key.keyId, secret_key: feed.secret },
          }),
        ),
      );
      socket.on('message', (data) => resolve(String(data)));
      socket.on('error', reject);
    });
    socket.terminate();
    expect(JSON.parse(answer)).toMatchObject({ stream: 'authorization', data: { status: 'unauthorized' } });
    expect((await indexOf('VIX')).value).toBeNull(); // the trader's reading changed nothing
    const doc = (await (await fetch(`${rig.gateway.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths['/v1/market/indices']?.post).toMatchObject({ 'x-riskgate-role': 'feed' });
  });
});

describe('POST /v1/market/indices validation', () => {
  it('refuses bad readings with an issue per field, and applies none of the batch', async () => {
    const r = await post([
      { name: 'VIX', value: 22, time: nowIso() },
      { name: 'vix', value: -1, time: '2026-12-07 14:30' },
      { name: 'SPX', value: 'NaN', time: new Date(Date.now() + 3_600_000).toISOString() },
      { name: 'VIX', value: 20, time: 1_765_000_000, extra: true },
    ]);
    expect(r.status).toBe(422);
    const issues = r.body.riskgate.issues as { field: string; problem?: string; expected: string }[];
    expect(issues.map((i) => i.field)).toEqual([
      'readings.1.name',
      'readings.1.value',
      'readings.1.time',
      'readings.2.name',
      'readings.2.value',
      'readings.2.time',
      'readings.3.extra',
      'readings.3.time',
    ]);
    expect(issues[1]!.problem).toContain('below zero');
    expect(issues[3]!.expected).toContain('one of VIX, VVIX');
    expect(issues[5]!.problem).toContain("ahead of the gateway's clock");
    expect(issues[7]!.problem).toContain('epoch seconds');
    expect((await indexOf('VIX')).value).toBeNull();

    for (const body of [null, [], { readings: [] }, { readings: 'VIX' }, { reading: [] }]) {
      const bad = await rig.http('POST', '/v1/market/indices', body, feed);
      expect(bad.status).toBe(422);
    }
    const infinite = await rig.http(
      'POST',
      '/v1/market/indices',
      { readings: [{ name: 'VIX', value: '1e999', time: nowIso() }] },
      feed,
    );
    expect(infinite.body.riskgate.issues.map((i: { field: string }) => i.field)).toEqual([
      'readings.0.value',
    ]);
  });
});

describe('a required index fails closed', () => {
  it('denies entries while the VIX was never received, naming it, and says so in the state', async () => {
    const view = await indexOf('VIX');
    expect(view).toMatchObject({ value: null, required: true, stale: true, maxAgeMs: 60_000 });
    const r = await rig.http('POST', '/v2/orders', buy);
    expect(r.status).toBe(403);
    expect(codes(r.body)).toEqual(['INDEX_STALE']);
    expect(r.body.message).toContain('INDEX_STALE index=VIX received=never max=60s');
  });

  it('accepts entries with a fresh VIX, denies them once it is older than the maximum age, and lets an exit through', async () => {
    // Measured from the reading's own time: a reading 58 s old goes stale within seconds.
    const posted = await vix(20, new Date(Date.now() - 58_000).toISOString());
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ accepted: [{ name: 'VIX', value: 20 }], ignored: [], trips: [] });
    const entry = await rig.http('POST', '/v2/orders', buy);
    expect(entry.status).toBe(200);
    rig.sim.setQuote('AAPL', 100, 100.02); // the exchange fills on its next quote
    await eventually(
      async () =>
        (await rig.http('GET', '/v2/positions')).body.some((p: { symbol: string }) => p.symbol === 'AAPL'),
      'the AAPL position',
    );
    const denied = await eventually(async () => {
      const r = await rig.http('POST', '/v1/orders/check', buy);
      return r.body.violations.some((v: { code: string }) => v.code === 'INDEX_STALE') ? r : null;
    }, 'the VIX to go stale');
    expect(denied.body.violations[0].message).toMatch(/^index=VIX age=6\d\.\ds max=60s$/);
    const real = await rig.http('POST', '/v2/orders', buy);
    expect(real.status).toBe(403);
    expect(real.body.message).toMatch(/INDEX_STALE index=VIX age=6\d\.\ds max=60s/);
    expect(await indexOf('VIX')).toMatchObject({ value: 20, required: true, stale: true, source: 'api' });

    const exit = await rig.http('POST', '/v2/orders', { ...buy, side: 'sell' });
    expect(exit.status).toBe(200);
    rig.sim.setQuote('AAPL', 100, 100.02);
    await eventually(
      async () =>
        !(await rig.http('GET', '/v2/positions')).body.some((p: { symbol: string }) => p.symbol === 'AAPL'),
      'the AAPL position to close',
    );
  });

  it('ignores a reading older than the last one and reports it', async () => {
    const fresh = await vix(21);
    expect(fresh.body.accepted).toHaveLength(1);
    const older = await vix(99, new Date(lastTime - 10_000).toISOString());
    expect(older.status).toBe(200);
    expect(older.body.accepted).toEqual([]);
    expect(older.body.ignored).toEqual([
      expect.objectContaining({
        name: 'VIX',
        value: 99,
        reason: 'older than the last reading',
        last: expect.objectContaining({ value: 21 }),
      }),
    ]);
    expect(await indexOf('VIX')).toMatchObject({ value: 21, stale: false });
    expect((await state()).tradingState.state).toBe('active');
    expect((await rig.http('POST', '/v1/orders/check', buy)).body.outcome).toMatch(/^accept/);
  });
});

describe('the VIX breaker, live', () => {
  const vixBreaker = async () =>
    (await state()).breakers.find((b: { id: string }) => b.id === 'vix') as {
      tripped: boolean;
      state: { armed: boolean };
    };

  it('trips on a reading at or above its threshold: the state goes to reducing and entries are denied', async () => {
    const r = await vix(45.5);
    expect(r.status).toBe(200);
    expect(r.body.trips).toEqual([
      expect.objectContaining({
        code: 'VIX_LEVEL',
        action: 'reducing',
        message: 'VIX_LEVEL: vix=45.50 above=40 resumeBelow=30',
      }),
    ]);
    expect(r.body.tradingState).toBe('reducing');
    const s = await state();
    expect(s.tradingState.state).toBe('reducing');
    expect(s.tradingState.reason).toContain('VIX_LEVEL');
    const entry = await rig.http('POST', '/v2/orders', buy);
    expect(entry.status).toBe(403);
    expect(codes(entry.body)).toContain('TRADING_REDUCING');
    const metrics = await (await fetch(`${rig.gateway.url}/metrics`)).text();
    expect(metrics).toContain('riskgate_index_value{name="VIX"} 45.5');
    expect(metrics).toMatch(/riskgate_index_age_seconds\{name="VIX"\} \d/);
    expect(metrics).toContain('riskgate_index_stale{name="VIX"} 0');
    expect(metrics).toContain('riskgate_breaker_tripped{code="VIX_LEVEL"} 1');
  });

  it('re-arms only below resumeBelow, as the core does: a reset between the levels does not trip again', async () => {
    expect((await vix(35)).body.trips).toEqual([]);
    expect((await vixBreaker()).state.armed).toBe(false);
    const reset = await rig.http('POST', '/v1/reset', { reason: 'VIX easing' }, rig.officer);
    expect(reset.status).toBe(200);
    expect((await vix(41)).body.trips).toEqual([]); // not re-armed: no second trip
    expect((await state()).tradingState.state).toBe('active');
    expect((await vix(29.5)).body.trips).toEqual([]);
    expect((await vixBreaker()).state.armed).toBe(true);
    expect((await state()).tradingState.state).toBe('active');
    expect((await vix(40)).body.trips.map((t: { code: string }) => t.code)).toEqual(['VIX_LEVEL']);
    expect((await state()).tradingState.state).toBe('reducing');
    await rig.http('POST', '/v1/reset', { reason: 'end of the test' }, rig.officer);
  });

  it('lifts its latch by itself once the VIX is back below resumeBelow (when-clear), audited as a re-arm by system', async () => {
    expect((await vix(25)).body.trips).toEqual([]); // re-arms the breaker after the last episode
    expect((await vix(44)).body.trips.map((t: { code: string }) => t.code)).toEqual(['VIX_LEVEL']);
    expect((await vix(31)).body.tradingState).toBe('reducing'); // between the levels: still latched
    const lifted = await vix(29);
    expect(lifted.body.tradingState).toBe('active');
    const s = await state();
    expect(s.tradingState).toMatchObject({ state: 'active', code: 'REARM', by: 'system' });
    expect(s.tradingState.reason).toContain('VIX_LEVEL re-armed (when-clear)');
    expect(s.breakers.find((b: { id: string }) => b.id === 'vix')).toMatchObject({
      rearm: 'when-clear',
      tripped: false,
    });
    const audit = await rig.http('GET', '/v1/audit?kind=reset&code=REARM');
    expect(audit.status).toBe(200);
    expect(audit.body.events[0]).toMatchObject({ kind: 'reset', actor: 'system', codes: ['REARM'] });
    expect(audit.body.events[0].message).toContain('VIX_LEVEL re-armed (when-clear)');
    expect((await rig.http('POST', '/v1/orders/check', buy)).body.violations ?? []).not.toContainEqual(
      expect.objectContaining({ code: 'TRADING_REDUCING' }),
    );
  });
});

describe('a profile change', () => {
  it('hands the last readings to the new engine and requires the VIX as long as the profile uses it', async () => {
    expect((await vix(22)).body.accepted).toHaveLength(1);
    const profile = (await rig.http('GET', '/v1/profile')).body.profile;
    const put = (next: unknown, reason: string) =>
      rig.http('PUT', '/v1/profile', { profile: next, reason }, rig.officer);
    const regime = {
      by: 'vix',
      bands: [
        { name: 'calm', below: 25, exits: {} },
        { name: 'stress', exits: {} },
      ],
    };
    const toRegime = await put({ ...profile, breakers: {}, regime }, 'VIX regime instead of the breaker');
    expect(toRegime.status).toBe(200);
    expect(await indexOf('VIX')).toMatchObject({ value: 22, required: true, stale: false });
    const check = await rig.http('POST', '/v1/orders/check', buy);
    // The new engine knows the VIX at once: no "never received".
    expect(check.body.violations.map((v: { code: string }) => v.code)).not.toContain('INDEX_STALE');

    const plain = await put({ ...profile, breakers: {} }, 'no VIX rule at all');
    expect(plain.status).toBe(200);
    expect(await indexOf('VIX')).toMatchObject({ value: 22, required: false, stale: false });
    expect((await state()).indices.required).toEqual([]);
  });
});

describe('index source poller', () => {
  it('alerts while the source fails, never stops, and takes CSV readings once it answers', async () => {
    const failed = await eventually(async () => {
      const s = await state();
      return s.indices.source?.lastError !== null && s.indices.source?.lastError !== undefined ? s : null;
    }, 'a failed poll');
    expect(failed.indices.source.lastError).toBe('HTTP 503');
    // The query string may carry a token: it is never shown.
    expect(failed.indices.source.url).not.toContain('secret-in-query');
    expect(rig.logs.join('')).toContain('index source poll failed');
    expect(rig.logs.join('')).not.toContain('secret-in-query');
    expect(rig.logs.join('')).toContain('INDEX_SOURCE_FAILED');

    const time = nowIso();
    source.body = `name,value,time\nVVIX,88.5,${time}\nSPX,6000,${time}\n`;
    source.status = 200;
    const vvix = await eventually(async () => {
      const r = await indexOf('VVIX');
      return r?.value !== null ? r : null;
    }, 'the polled VVIX reading');
    expect(vvix).toMatchObject({ value: 88.5, time: Date.parse(time), source: 'poller', required: false });
    expect((await state()).indices.readings.map((r: { name: string }) => r.name)).not.toContain('SPX');
    await eventually(async () => (await state()).indices.source.lastError === null, 'a clean poll');

    // JSON works too, and a malformed response is refused whole.
    source.type = 'application/json';
    source.body = JSON.stringify({ readings: [{ name: 'VVIX', value: 90, time: nowIso() }] });
    await eventually(async () => (await indexOf('VVIX'))?.value === 90, 'the JSON reading');
    source.body = JSON.stringify([
      { name: 'VVIX', value: 95, time: nowIso() },
      { name: 'VVIX', value: -3, time: nowIso() },
    ]);
    const bad = await eventually(
      async () => (await state()).indices.source.lastError,
      'the malformed response',
    );
    expect(bad).toContain('none applied');
    expect((await indexOf('VVIX')).value).toBe(90);
    expect((await rig.http('GET', '/readyz')).status).toBe(200);
  });
});
