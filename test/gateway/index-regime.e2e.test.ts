import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';
import { eventually, type Rig, startRig } from './harness.ts';

/** No exits while the VIX is below 25; above it, a position is closed after 0.001 minutes. */
const REGIME_PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
    regime:
      by: vix
      bands:
        - { name: calm, below: 25, exits: {} }
        - { name: stress, exits: { timeExit: { maxMinutes: 0.001 } } }
`;

let rig: Rig;
let feed: CreatedApiKey;

beforeAll(async () => {
  rig = await startRig({ profile: REGIME_PROFILE });
  feed = await rig.gateway.store.apiKeys.create({ role: 'feed', label: 'feed', by: 'test', at: Date.now() });
}, 120_000);
afterAll(() => rig?.close());

const vix = (value: number) =>
  rig.http(
    'POST',
    '/v1/market/indices',
    { readings: [{ name: 'VIX', value, time: new Date().toISOString() }] },
    feed,
  );
const aapl = async () =>
  (await rig.http('GET', '/v2/positions')).body.find((p: { symbol: string }) => p.symbol === 'AAPL');

describe('a VIX regime, live', () => {
  it('requires the VIX for entries, and closes a position by the stress band once a posted VIX moves into it', async () => {
    const state = (await rig.http('GET', '/v1/state')).body;
    expect(state.indices.required).toEqual(['VIX']);
    const blind = await rig.http('POST', '/v1/orders/check', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(blind.body.violations.map((v: { code: string }) => v.code)).toContain('INDEX_STALE');

    expect((await vix(18)).status).toBe(200);
    const entry = await rig.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(entry.status).toBe(200);
    rig.sim.setQuote('AAPL', 100, 100.02);
    await eventually(aapl, 'the AAPL position');

    expect((await vix(35)).body.accepted).toHaveLength(1);
    // The regime picks its rules at the position's next mark, as in a backtest; the exchange fills
    // the close at a later quote, so quotes keep coming.
    let tick = 0;
    await eventually(async () => {
      tick++;
      rig.sim.setQuote('AAPL', 100 + (tick % 2) / 100, 100.02 + (tick % 2) / 100);
      return (await aapl()) === undefined;
    }, 'the stress band to close AAPL');
    // The close's audit event is group-committed: it may land a moment after the position is gone.
    const closes = await eventually(async () => {
      const events = (await rig.http('GET', '/v1/audit?kind=order&limit=200')).body.events as {
        message: string;
        data: unknown;
      }[];
      const text = JSON.stringify(events);
      return text.includes('TIME_EXIT') ? text : undefined;
    }, 'the TIME_EXIT close in the audit log');
    expect(closes).toContain('TIME_EXIT');
  });
});
