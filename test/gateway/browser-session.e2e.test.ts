import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';
import { openSse } from '../support/sse-reader.ts';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(async () => rig.close());

interface Login {
  readonly status: number;
  readonly setCookie: string | null;
  readonly cookie: string;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary response fields
  readonly body: any;
}

async function login(url: string, body: unknown, contentType = 'application/json'): Promise<Login> {
  const response = await fetch(`${url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: JSON.stringify(body),
  });
  const setCookie = response.headers.get('set-cookie');
  return {
    status: response.status,
    setCookie,
    cookie: setCookie?.split(';')[0] ?? '',
    body: await response.json(),
  };
}

const loginWith = (key: CreatedApiKey, url = rig.gateway.url) =>
  login(url, { keyId: key.key.keyId, secret: key.secret });

/** A request as a browser page makes it: the cookie, and the CSRF token when given. */
async function browser(
  method: string,
  path: string,
  cookie: string,
  options: { body?: unknown; csrf?: string; url?: string } = {},
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary response fields
): Promise<{ status: number; setCookie: string | null; body: any }> {
  const response = await fetch(`${options.url ?? rig.gateway.url}${path}`, {
    method,
    headers: {
      cookie,
      ...(options.csrf !== undefined ? { 'x-csrf-token': options.csrf } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    setCookie: response.headers.get('set-cookie'),
    body: text === '' ? null : JSON.parse(text),
  };
}

describe('browser sessions', () => {
  it('refuses a bad key with 401 and sets no cookie', async () => {
    const wrongSecret = await login(rig.gateway.url, { keyId: rig.trader.key.keyId, secret: 'x'.repeat(43) });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.setCookie).toBeNull();
    const unknown = await login(rig.gateway.url, { keyId: 'rk_0000000000000000', secret: rig.trader.secret });
    expect(unknown.status).toBe(401);
    expect(unknown.setCookie).toBeNull();
    const missing = await login(rig.gateway.url, { keyId: rig.trader.key.keyId });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toMatch(/secret/);
    expect(missing.setCookie).toBeNull();
    // A cross-site form can post text/plain; a login must be JSON.
    const form = await login(
      rig.gateway.url,
      { keyId: rig.trader.key.keyId, secret: rig.trader.secret },
      'text/plain',
    );
    expect(form.status).toBe(422);
    expect(form.body.message).toMatch(/content-type/);
    expect(form.setCookie).toBeNull();
    // A secret pasted into the key id field is refused, and like every secret never logged.
    const pasted = await login(rig.gateway.url, { keyId: rig.trader.secret, secret: rig.trader.secret });
    expect(pasted.status).toBe(401);
    expect(rig.logs.join('')).not.toContain(rig.trader.secret);
  }, 30_000);

  it('sets an HttpOnly, SameSite=Strict cookie for the whole gateway, and says who is logged in', async () => {
    const ok = await loginWith(rig.trader);
    expect(ok.status).toBe(200);
    const flags = ok.setCookie!.split(';').map((s) => s.trim());
    expect(flags[0]).toMatch(/^riskgate_session=[A-Za-z0-9_-]{43}$/);
    expect(flags).toContain('HttpOnly');
    expect(flags).toContain('SameSite=Strict');
    expect(flags).toContain('Path=/');
    expect(flags).toContain(`Max-Age=${12 * 3600}`);
    // Plain HTTP and no --behind-tls: a Secure cookie would never come back.
    expect(flags).not.toContain('Secure');
    expect(ok.body).toMatchObject({ keyId: rig.trader.key.keyId, label: 'test trader', role: 'trader' });
    expect(typeof ok.body.csrfToken).toBe('string');
    expect(ok.body.expiresAt).toBeGreaterThan(Date.now());
    const me = await browser('GET', '/v1/session', ok.cookie);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ label: 'test trader', role: 'trader', csrfToken: ok.body.csrfToken });
    const nobody = await browser('GET', '/v1/session', '');
    expect(nobody.status).toBe(401);
    // The session id is never logged.
    expect(rig.logs.join('')).not.toContain(ok.cookie.split('=')[1]!);
  }, 30_000);

  it('authenticates an EventSource-style stream with the cookie alone', async () => {
    const ok = await loginWith(rig.trader);
    const stream = await openSse(`${rig.gateway.url}/v1/events`, { cookie: ok.cookie });
    try {
      expect(stream.status).toBe(200);
      const r = await rig.http('POST', '/v2/orders', {
        symbol: 'AAPL',
        qty: '5000',
        side: 'buy',
        type: 'limit',
        limit_price: '100',
        time_in_force: 'day',
        client_order_id: 'session-stream-1',
      });
      expect(r.status).toBe(403);
      await eventually(
        () =>
          stream.events.some(
            (e) => e.event === 'decision' && e.data.data.clientOrderId === 'session-stream-1',
          ),
        'the decision on the session stream',
      );
    } finally {
      stream.close();
    }
    const refused = await openSse(`${rig.gateway.url}/v1/events`, { cookie: 'riskgate_session=forged' });
    expect(refused.status).toBe(401);
  }, 30_000);

  it('requires the CSRF token on a state-changing request, and keeps the roles', async () => {
    const trader = await loginWith(rig.trader);
    const without = await browser('POST', '/v1/kill', trader.cookie, { body: { reason: 'console test' } });
    expect(without.status).toBe(403);
    expect(without.body.riskgate.code).toBe('CSRF_TOKEN_MISSING');
    const wrong = await browser('POST', '/v1/kill', trader.cookie, {
      body: { reason: 'console test' },
      csrf: 'nope',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.riskgate.code).toBe('CSRF_TOKEN_INVALID');
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('active');
    const killed = await browser('POST', '/v1/kill', trader.cookie, {
      body: { reason: 'console test' },
      csrf: trader.body.csrfToken,
    });
    expect(killed.status).toBe(200);
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('halted');
    // A trader may pull the kill switch but never lift it, by session as by key.
    const reset = await browser('POST', '/v1/reset', trader.cookie, {
      body: { reason: 'console test' },
      csrf: trader.body.csrfToken,
    });
    expect(reset.status).toBe(403);
    expect(reset.body.message).toMatch(/FORBIDDEN role trader/);
    // Another session's token does not pass.
    const officer = await loginWith(rig.officer);
    const crossed = await browser('POST', '/v1/reset', officer.cookie, {
      body: { reason: 'console test' },
      csrf: trader.body.csrfToken,
    });
    expect(crossed.status).toBe(403);
    const lifted = await browser('POST', '/v1/reset', officer.cookie, {
      body: { reason: 'console test' },
      csrf: officer.body.csrfToken,
    });
    expect(lifted.status).toBe(200);
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('active');
    // Reads need no token.
    expect((await browser('GET', '/v1/state', trader.cookie)).status).toBe(200);
  }, 30_000);

  it('ends the session at logout', async () => {
    const ok = await loginWith(rig.trader);
    const forged = await browser('DELETE', '/v1/session', ok.cookie);
    expect(forged.status).toBe(403);
    expect((await browser('GET', '/v1/state', ok.cookie)).status).toBe(200);
    const out = await browser('DELETE', '/v1/session', ok.cookie, { csrf: ok.body.csrfToken });
    expect(out.status).toBe(204);
    expect(out.setCookie).toMatch(/Max-Age=0/);
    const after = await browser('GET', '/v1/state', ok.cookie);
    expect(after.status).toBe(401);
    expect(after.body.riskgate.code).toBe('SESSION_INVALID');
    expect((await browser('GET', '/v1/session', ok.cookie)).status).toBe(401);
  }, 30_000);

  it('ends an event stream opened by a session once the session is logged out', async () => {
    const ok = await loginWith(rig.trader);
    const stream = await openSse(`${rig.gateway.url}/v1/events`, { cookie: ok.cookie });
    try {
      expect(stream.status).toBe(200);
      const out = await browser('DELETE', '/v1/session', ok.cookie, { csrf: ok.body.csrfToken });
      expect(out.status).toBe(204);
      // Checked at the stream's keep-alive, every 15 s.
      await eventually(() => stream.ended, 'the stream ended', 40_000);
    } finally {
      stream.close();
    }
  }, 60_000);

  it('ends every session of a key when the key is revoked', async () => {
    const key = await rig.gateway.store.apiKeys.create({
      role: 'read-only',
      label: 'console viewer',
      by: 'test',
      at: Date.now(),
    });
    const ok = await loginWith(key);
    expect((await browser('GET', '/v1/state', ok.cookie)).status).toBe(200);
    await rig.gateway.store.apiKeys.revoke(key.key.keyId, { by: 'test', at: Date.now() });
    await eventually(
      async () => (await browser('GET', '/v1/state', ok.cookie)).status === 401,
      'the session refused after the revocation',
    );
    expect((await browser('GET', '/v1/session', ok.cookie)).status).toBe(401);
  }, 30_000);

  it('describes the session routes and the stream resume in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${rig.gateway.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
      components: { securitySchemes: Record<string, { in: string; name: string }> };
    };
    expect(Object.keys(doc.paths['/v1/session']!).sort()).toEqual(['delete', 'get', 'post']);
    expect(doc.paths['/v1/events']!.get!.parameters!.map((p) => p.name)).toEqual([
      'Last-Event-ID',
      'lastEventId',
    ]);
    expect(doc.components.securitySchemes.session).toMatchObject({ in: 'cookie', name: 'riskgate_session' });
  }, 30_000);
});

describe('browser sessions behind TLS with short timeouts', () => {
  let short: Rig;
  beforeAll(async () => {
    short = await startRig({ flags: { sessionIdleMs: '1000', sessionMaxMs: '600000', behindTls: 'true' } });
  }, 60_000);
  afterAll(async () => short.close());

  it('marks the cookie Secure and ends a session left idle past its timeout', async () => {
    const ok = await loginWith(short.trader, short.gateway.url);
    expect(ok.status).toBe(200);
    expect(ok.setCookie!.split(';').map((s) => s.trim())).toContain('Secure');
    expect(ok.setCookie).toMatch(/Max-Age=600(;|$)/);
    expect((await browser('GET', '/v1/state', ok.cookie, { url: short.gateway.url })).status).toBe(200);
    // Three times the idle timeout, unused.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const expired = await browser('GET', '/v1/state', ok.cookie, { url: short.gateway.url });
    expect(expired.status).toBe(401);
    expect(expired.body.riskgate.code).toBe('SESSION_INVALID');
  }, 60_000);
});
