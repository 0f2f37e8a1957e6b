import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../../src/gateway/config/load-gateway-config.ts';
import { EMBEDDED_STATE_FILE } from '../../src/gateway/embedded/embedded-sim.ts';
import { type RunningGateway, startGateway } from '../../src/gateway/gateway.ts';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';
import { eventually } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'riskgate-embedded-restart-'));
let gateway: RunningGateway | undefined;

afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What `npm start` runs: the embedded exchange and the example profile, on this data dir. */
function start(): Promise<RunningGateway> {
  return startGateway({
    config: resolveGatewayConfig({ flags: { port: '0', dataDir: dir, logLevel: 'warn' }, env: {} }),
    logDestination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary response fields
async function http(key: CreatedApiKey, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${gateway!.url}${path}`, {
    method,
    headers: {
      'APCA-API-KEY-ID': key.key.keyId,
      'APCA-API-SECRET-KEY': key.secret,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

describe('the embedded exchange across a restart', () => {
  it('brings back the position and the order history, and the engine agrees with it', async () => {
    gateway = await start();
    const trader = gateway.demoKeys!.trader;
    const order = await http(trader, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'gtc',
    });
    expect(order.status, JSON.stringify(order.body)).toBe(200);
    await eventually(async () => {
      const positions = (await http(trader, 'GET', '/v2/positions')).body;
      return positions.some((p: { symbol: string; qty: string }) => p.symbol === 'AAPL' && p.qty === '10');
    }, 'the entry to fill');
    await eventually(
      () => gateway!.services.ctx.risk.engine.snapshot().positions.some((p) => p.symbol === 'AAPL'),
      'the engine to book the fill',
    );
    const before = (await http(trader, 'GET', '/v2/orders?status=all&nested=true')).body;
    expect(before.map((o: { id: string }) => o.id)).toContain(order.body.id);
    await gateway.close();

    gateway = await start();
    expect(gateway.demoKeys).toBeUndefined(); // the same store: the keys made before still hold
    const positions = (await http(trader, 'GET', '/v2/positions')).body;
    expect(positions.map((p: { symbol: string; qty: string }) => [p.symbol, p.qty])).toEqual([
      ['AAPL', '10'],
    ]);
    const after = (await http(trader, 'GET', '/v2/orders?status=all&nested=true')).body;
    const shape = (orders: Record<string, unknown>[]) =>
      orders.map((o) => [o.id, o.client_order_id, o.order_class, (o.legs as unknown[] | null)?.length ?? 0]);
    expect(shape(after)).toEqual(shape(before));
    const entry = after.find((o: { id: string }) => o.id === order.body.id);
    expect([entry.status, entry.filled_qty]).toEqual(['filled', '10']);
    // The engine, restored from the store and reconciled with the exchange, sees the same position.
    const engine = gateway.services.ctx.risk.engine.snapshot();
    expect(engine.positions.map((p) => [p.symbol, p.qty])).toEqual([['AAPL', 10]]);
    expect(gateway.hydration.mismatches).toEqual([]);
    expect(existsSync(join(dir, EMBEDDED_STATE_FILE))).toBe(true);
  }, 120_000);
});
