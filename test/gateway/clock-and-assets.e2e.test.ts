import { trading } from '@alpacahq/alpaca-trade-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from '../broker/harness.ts';
import { eventually, failure, type Rig, startRig } from './harness.ts';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
});
afterAll(() => rig?.close());

describe('GET /v3/clock', () => {
  it("answers the official SDK 4.x's clock() with the market's phase and times", async () => {
    const response = await new trading.ClockApi(rig.sdk()).clock();
    expect(response.clocks).toHaveLength(1);
    const [clock] = response.clocks;
    expect(clock!.market).toMatchObject({ acronym: 'NYSE', mic: 'XNYS', timezone: 'America/New_York' });
    // The simulated exchange is always open: the core session until its next close.
    expect(clock!.phase).toBe('core');
    expect(clock!.isMarketDay).toBe(true);
    expect(clock!.phaseUntil.getTime()).toBe(clock!.nextMarketClose.getTime());
    expect(Number.isNaN(clock!.timestamp.getTime())).toBe(false);
    expect(clock!.nextMarketOpen.getTime()).toBeGreaterThan(0);

    const both = await new trading.ClockApi(rig.sdk()).clock({ markets: 'XNAS,NYSE' });
    expect(both.clocks.map((c) => c.market.acronym)).toEqual(['NASDAQ', 'NYSE']);
  });

  it('refuses a market it does not serve, and a time, naming the field', async () => {
    const error = await failure(new trading.ClockApi(rig.sdk()).clock({ markets: 'LSE' }));
    expect(error.status).toBe(422);
    expect(error.message).toContain('markets');
    const timed = await rig.http('GET', '/v3/clock?time=2026-01-05T15:00:00Z');
    expect(timed.status).toBe(422);
    expect(timed.body.riskgate.issues.map((i: { field: string }) => i.field)).toEqual(['time']);
  });
});

describe('asset classes', () => {
  it('are us_equity, crypto and us_option on assets, orders and positions', async () => {
    const option = 'AAPL260116C00200000';
    rig.sim.setQuote('BTC/USD', 60_000, 60_010);
    rig.sim.setQuote(option, 5, 5.1);
    const assets = await new trading.AssetsApi(rig.sdk()).getV2Assets();
    const classOf = new Map(assets.map((a) => [a.symbol, a._class]));
    expect(classOf.get('AAPL')).toBe('us_equity');
    expect(classOf.get('BTC/USD')).toBe('crypto');
    expect(classOf.get(option)).toBe('us_option');
    const crypto = await new trading.AssetsApi(rig.sdk()).getV2Assets({ assetClass: 'crypto' });
    expect(crypto.map((a) => a.symbol)).toEqual(['BTC/USD']);

    // Bought at the broker directly: riskgate renders what the broker holds.
    for (const symbol of ['BTC/USD', option]) {
      const placed = await raw(rig.sim, 'POST', '/v2/orders', {
        symbol,
        qty: '1',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
      });
      expect(placed.status).toBe(200);
    }
    rig.sim.setQuote('BTC/USD', 60_001, 60_011);
    rig.sim.setQuote(option, 5.01, 5.11);
    const positions = await eventually(async () => {
      const listed = (await rig.http('GET', '/v2/positions', undefined, rig.officer)).body;
      return listed.length === 2 ? listed : undefined;
    }, 'both positions');
    expect(
      Object.fromEntries(positions.map((p: Record<string, string>) => [p.symbol, p.asset_class])),
    ).toEqual({
      'BTC/USD': 'crypto',
      [option]: 'us_option',
    });
    const orders = (await rig.http('GET', '/v2/orders?status=all', undefined, rig.officer)).body;
    expect(Object.fromEntries(orders.map((o: Record<string, string>) => [o.symbol, o.asset_class]))).toEqual({
      'BTC/USD': 'crypto',
      [option]: 'us_option',
    });
  });
});
