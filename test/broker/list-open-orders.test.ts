import { afterEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../src/broker/errors.ts';
import { listAllOpenOrders } from '../../src/broker/list-open-orders.ts';
import { type Pair, raw, startPair } from './harness.ts';

let pair: Pair | undefined;

afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

/** A simulated exchange whose clock stands still unless moved, so orders share timestamps. */
async function start(): Promise<Pair> {
  pair = await startPair(
    {
      clock: { mode: 'manual', startMs: Date.parse('2026-03-02T15:00:00Z') },
      rateLimit: { limit: 1_000_000 },
    },
    { requestsPerMinute: 1_000_000 },
  );
  pair.exchange.setQuote('AAPL', 100, 100.02);
  return pair;
}

/** Places `n` buy limits far below the market, so they stay open; returns their ids. */
async function placeResting(p: Pair, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await raw(p.exchange, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'limit',
      limit_price: '50',
      time_in_force: 'gtc',
      client_order_id: `${tag}-${i}`,
    });
    expect(r.status).toBe(200);
    ids.push(r.body.id as string);
  }
  return ids;
}

async function move(p: Pair, ms: number): Promise<void> {
  await p.exchange.advanceTo(p.exchange.clock.now() + ms);
}

describe('reading every open order page by page', () => {
  it('reads 520 orders that share one millisecond, each once, where one page holds 500', async () => {
    const p = await start();
    const ids = await placeResting(p, 520, 'same-ms');
    const single = await p.broker.listOrders({ status: 'open', nested: true, limit: 500 });
    expect(single).toHaveLength(500);

    const all = await listAllOpenOrders(p.broker);
    expect(all.map((o) => o.id).sort()).toEqual([...ids].sort());
  });

  it('reads runs of shared timestamps that straddle page boundaries, skipping none and repeating none', async () => {
    const p = await start();
    const ids: string[] = [];
    // 7, 12, 3, 10, 1 and 9 orders at six instants, read 10 at a time.
    for (const [i, n] of [7, 12, 3, 10, 1, 9].entries()) {
      ids.push(...(await placeResting(p, n, `run${i}`)));
      await move(p, i % 2 === 0 ? 1 : 250);
    }
    const all = await listAllOpenOrders(p.broker, { pageSize: 10 });
    expect(all).toHaveLength(ids.length);
    expect(new Set(all.map((o) => o.id))).toEqual(new Set(ids));
  });

  it('refuses with LIST_INCOMPLETE when one millisecond holds more than two pages', async () => {
    const p = await start();
    await placeResting(p, 25, 'dense');
    const error = await listAllOpenOrders(p.broker, { pageSize: 10 }).catch((e: unknown) => e);
    expect(isBrokerError(error, 'LIST_INCOMPLETE')).toBe(true);
  });

  it('lists by submission time with after and until both exclusive, as the broker does', async () => {
    const p = await start();
    const t0 = p.exchange.clock.now();
    const [first] = await placeResting(p, 1, 'bound-a');
    await move(p, 10);
    const [second] = await placeResting(p, 1, 'bound-b');
    const t1 = t0 + 10;
    const ids = async (q: { after?: number; until?: number }) =>
      (await p.broker.listOrders({ status: 'open', direction: 'asc', limit: 500, ...q })).map((o) => o.id);
    expect(await ids({ after: t0 })).toEqual([second]);
    expect(await ids({ after: t0 - 1 })).toEqual([first, second]);
    expect(await ids({ until: t1 })).toEqual([first]);
    expect(await ids({ until: t1 + 1 })).toEqual([first, second]);
    expect(await ids({ after: t0 - 1, until: t0 + 1 })).toEqual([first]);
  });
});
