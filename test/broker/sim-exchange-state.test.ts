import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimExchange, type SimExchangeOptions } from '../../src/broker/sim/sim-exchange.ts';
import { raw } from './harness.ts';

const open: SimExchange[] = [];
const dirs: string[] = [];
async function start(options: SimExchangeOptions): Promise<SimExchange> {
  const ex = await SimExchange.start({
    clock: { mode: 'manual', startMs: Date.UTC(2026, 0, 5, 15) },
    ...options,
  });
  open.push(ex);
  return ex;
}
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-sim-state-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((ex) => ex.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What a client can see of the exchange: account, positions and every order with its legs. */
async function view(ex: SimExchange) {
  const account = (await raw(ex, 'GET', '/v2/account')).body;
  return {
    cash: account.cash,
    lastEquity: account.last_equity,
    positions: (await raw(ex, 'GET', '/v2/positions')).body.map(
      (p: Record<string, unknown>) => [p.symbol, p.qty, p.avg_entry_price] as const,
    ),
    orders: (await raw(ex, 'GET', '/v2/orders?status=all&nested=true&limit=500')).body,
  };
}

describe('the state file of the simulated exchange', () => {
  it('brings back the account, positions, orders with legs and their statuses after a restart', async () => {
    const file = join(tempDir(), 'exchange.json');
    const first = await start({ stateFile: file, account: { cash: 20_000 } });
    first.setQuote('AAPL', 100, 100.02);
    first.setQuote('MSFT', 400, 400.04);
    const bracket = await raw(first, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'gtc',
      order_class: 'bracket',
      take_profit: { limit_price: '110' },
      stop_loss: { stop_price: '95' },
    });
    expect(bracket.status).toBe(200);
    first.setQuote('AAPL', 101, 101.02); // a market order fills on the next quote
    const resting = await raw(first, 'POST', '/v2/orders', {
      symbol: 'MSFT',
      qty: '2',
      side: 'buy',
      type: 'limit',
      limit_price: '350',
      time_in_force: 'day',
      client_order_id: 'resting-1',
    });
    expect(resting.status).toBe(200);
    const canceled = await raw(first, 'POST', '/v2/orders', {
      symbol: 'MSFT',
      qty: '1',
      side: 'buy',
      type: 'limit',
      limit_price: '340',
      time_in_force: 'day',
    });
    expect((await raw(first, 'DELETE', `/v2/orders/${canceled.body.id}`)).status).toBe(204);
    const before = await view(first);
    expect(before.positions).toEqual([['AAPL', '10', '101.02']]);
    await first.close();
    open.splice(open.indexOf(first), 1);

    // A different starting cash: the saved account wins.
    const second = await start({ stateFile: file, account: { cash: 99_999 } });
    expect(await view(second)).toEqual(before);
    expect(
      (await raw(second, 'GET', '/v2/orders:by_client_order_id?client_order_id=resting-1')).body.status,
    ).toBe('new');
    // The restored orders still work: the stop leg fires on the next quote through it.
    second.setQuote('AAPL', 94, 94.02);
    const after = await view(second);
    expect(after.positions).toEqual([]);
    // No temporary file is left behind.
    expect(readdirSync(join(file, '..'))).toEqual(['exchange.json']);
  });

  it('writes each change shortly after it happens, so a crash keeps what was done', async () => {
    const file = join(tempDir(), 'exchange.json');
    const first = await start({ stateFile: file });
    first.setQuote('AAPL', 100, 100.02);
    await raw(first, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '3',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    first.setQuote('AAPL', 101, 101.02);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Read by a second exchange while the first still runs (as after a kill -9: no close, no flush).
    const second = await start({ stateFile: file });
    expect((await view(second)).positions).toEqual([['AAPL', '3', '101.02']]);
  });

  it('refuses a damaged state file, naming it and the problem, and leaves it as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'exchange.json');
    writeFileSync(file, '{"version":1,"savedAt":0,"account":{"cash":"lots"}}');
    await expect(start({ stateFile: file })).rejects.toMatchObject({
      code: 'SIM_STATE_UNREADABLE',
      message: expect.stringMatching(/exchange\.json.*account\.cash/),
    });
    writeFileSync(file, '{"version":1,');
    await expect(start({ stateFile: file })).rejects.toMatchObject({ code: 'SIM_STATE_UNREADABLE' });
  });
});
