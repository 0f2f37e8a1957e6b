import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/broker/alpaca/http-transport.ts';
import { BrokerError, type RateLimitInfo } from '../../src/broker/errors.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A real HTTP server on a loopback port whose answer each test sets. */
let server: Server;
let base: string;
let handler: Handler;
let connections: number;

beforeEach(async () => {
  connections = 0;
  handler = (_req, _body, res) => res.end('{}');
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function transport(options: { timeoutMs?: number; onRateLimit?: (info: RateLimitInfo) => void } = {}) {
  return new HttpTransport({
    keyId: 'KEY',
    secretKey: 'SECRET',
    timeoutMs: options.timeoutMs ?? 2_000,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<BrokerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BrokerError);
    return error as BrokerError;
  }
  throw new Error('expected a failure');
}

describe('HttpTransport', () => {
  it('sends the key headers, the query and a JSON body, and parses the JSON answer', async () => {
    let seen: {
      method?: string | undefined;
      url?: string | undefined;
      headers?: IncomingMessage['headers'];
      body?: string;
    } = {};
    handler = (req, body, res) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'o1', qty: '2' }));
    };
    const t = transport();
    try {
      const answer = await t.request({
        method: 'POST',
        base: `${base}/`,
        path: '/v2/orders',
        query: { nested: 'true', skipped: undefined, odd: 'a b&c' },
        body: { symbol: 'AAPL', qty: '2' },
      });
      expect(answer).toEqual({ status: 200, body: { id: 'o1', qty: '2' } });
      expect(seen.method).toBe('POST');
      expect(seen.url).toBe('/v2/orders?nested=true&odd=a+b%26c');
      expect(seen.headers?.['apca-api-key-id']).toBe('KEY');
      expect(seen.headers?.['apca-api-secret-key']).toBe('SECRET');
      expect(seen.headers?.['content-type']).toBe('application/json');
      expect(seen.headers?.accept).toBe('application/json');
      expect(JSON.parse(seen.body ?? '')).toEqual({ symbol: 'AAPL', qty: '2' });
    } finally {
      t.close();
    }
  });

  it('sends no body and no content type on a body-less request, and answers 204 with no body', async () => {
    let seen: IncomingMessage['headers'] = {};
    handler = (req, _body, res) => {
      seen = req.headers;
      res.statusCode = 204;
      res.end();
    };
    const t = transport();
    try {
      expect(await t.request({ method: 'DELETE', base, path: '/v2/orders/x' })).toEqual({
        status: 204,
        body: undefined,
      });
      expect(seen['content-type']).toBeUndefined();
    } finally {
      t.close();
    }
  });

  it('decodes a UTF-8 answer split inside a character', async () => {
    const text = JSON.stringify({ message: 'prix € — 株' });
    const bytes = Buffer.from(text, 'utf8');
    const cut = bytes.indexOf(Buffer.from('€', 'utf8')) + 1;
    handler = (_req, _body, res) => {
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 20);
    };
    const t = transport();
    try {
      expect((await t.request({ method: 'GET', base, path: '/v2/x' })).body).toEqual({
        message: 'prix € — 株',
      });
    } finally {
      t.close();
    }
  });

  it('keeps a text answer that is not JSON as text', async () => {
    handler = (_req, _body, res) => res.end('plain words');
    const t = transport();
    try {
      expect((await t.request({ method: 'GET', base, path: '/v2/x' })).body).toBe('plain words');
    } finally {
      t.close();
    }
  });

  it('reports the rate-limit headers of every answer, errors included', async () => {
    const seen: RateLimitInfo[] = [];
    handler = (req, _body, res) => {
      res.setHeader('X-RateLimit-Limit', '200');
      res.setHeader('X-RateLimit-Remaining', '17');
      res.setHeader('X-RateLimit-Reset', '1700000000');
      res.statusCode = req.url === '/bad' ? 429 : 200;
      res.end('{"code":42910000,"message":"rate limit exceeded"}');
    };
    const t = transport({ onRateLimit: (info) => seen.push(info) });
    try {
      await t.request({ method: 'GET', base, path: '/ok' });
      const error = await failure(t.request({ method: 'GET', base, path: '/bad' }));
      expect(error.code).toBe('RATE_LIMITED');
      expect(seen).toEqual([
        { limit: 200, remaining: 17, resetAtMs: 1_700_000_000_000 },
        { limit: 200, remaining: 17, resetAtMs: 1_700_000_000_000 },
      ]);
    } finally {
      t.close();
    }
  });

  it('maps an HTTP error answer with the method, path and status', async () => {
    handler = (_req, _body, res) => {
      res.statusCode = 422;
      res.end('{"code":42210000,"message":"qty must be > 0"}');
    };
    const t = transport();
    try {
      const error = await failure(t.request({ method: 'POST', base, path: '/v2/orders', body: {} }));
      expect(error.status).toBe(422);
      expect(error.message).toContain('POST /v2/orders → 422: qty must be > 0');
    } finally {
      t.close();
    }
  });

  it('refuses a redirect instead of following it', async () => {
    let followed = false;
    handler = (req, _body, res) => {
      if (req.url === '/elsewhere') followed = true;
      res.statusCode = 302;
      res.setHeader('location', '/elsewhere');
      res.end();
    };
    const t = transport();
    try {
      const error = await failure(t.request({ method: 'GET', base, path: '/v2/account' }));
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toContain('GET /v2/account');
      expect(error.message).toContain('redirect');
      expect(followed).toBe(false);
    } finally {
      t.close();
    }
  });

  it('gives up after its timeout, waiting for the headers or for the rest of the body', async () => {
    const t = transport({ timeoutMs: 150 });
    try {
      handler = () => {}; // never answers
      const silent = await failure(t.request({ method: 'GET', base, path: '/v2/clock' }));
      expect([silent.code, silent.local]).toEqual(['UNAVAILABLE', false]);
      expect(silent.message).toContain('GET /v2/clock: no answer within 150 ms');
      handler = (_req, _body, res) => res.write('{"partial":'); // headers, then nothing
      const stalled = await failure(t.request({ method: 'GET', base, path: '/v2/clock' }));
      expect(stalled.message).toContain('no answer within 150 ms');
    } finally {
      t.close();
    }
  });

  it('names the system error when the connection fails', async () => {
    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const t = transport();
    try {
      const error = await failure(
        t.request({ method: 'GET', base: `http://127.0.0.1:${port}`, path: '/v2/clock' }),
      );
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toContain('connection failed (ECONNREFUSED)');
      expect(error.message).not.toContain('SECRET');
    } finally {
      t.close();
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    }
  });

  it('reuses one connection for requests one after the other', async () => {
    const t = transport();
    try {
      for (let i = 0; i < 20; i++) await t.request({ method: 'GET', base, path: '/v2/clock' });
      expect(connections).toBe(1);
    } finally {
      t.close();
    }
  });

  it('refuses requests once closed', async () => {
    const t = transport();
    await t.request({ method: 'GET', base, path: '/v2/clock' });
    t.close();
    const error = await failure(t.request({ method: 'GET', base, path: '/v2/clock' }));
    expect(error.code).toBe('UNAVAILABLE');
  });
});
