import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { parseProfile } from './config/load-profile.ts';
import { RiskEngine } from './engine.ts';
import { stock } from './instrument.ts';

function engine(): RiskEngine {
  const profile = parseProfile({
    startingEquity: 50_000,
    orders: { maxQuantity: 1_000, maxNotional: { usd: 50_000 } },
    exposure: { symbol: { usd: 10_000 } },
    breakers: { dailyLoss: { usd: 500, action: 'halted' } },
  });
  if (!profile.ok) throw new Error(JSON.stringify(profile.issues));
  return new RiskEngine({
    profile: profile.value,
    clock: new ManualClock(Date.UTC(2024, 2, 15, 15)),
    instruments: [stock('AAPL')],
  });
}

describe('restoring broker state after a restart', () => {
  it('puts a position back without moving equity or tripping breakers', () => {
    const e = engine();
    const t = Date.UTC(2024, 2, 15, 15);
    e.onAccount({ time: t, equity: 100_000, cash: 90_000, buyingPower: 90_000 });
    e.onMarket({ kind: 'mark', symbol: 'AAPL', time: t, price: 110 });
    e.restorePosition({ symbol: 'AAPL', qty: 50, avgPrice: 100, time: t, stop: 95 });
    const snap = e.snapshot();
    expect(snap.equity).toBeCloseTo(100_000);
    expect(snap.tradingState.state).toBe('active');
    expect(snap.positions[0]).toMatchObject({ symbol: 'AAPL', qty: 50, avgPrice: 100, stop: 95 });
  });

  it('counts a restored working order against the limits', () => {
    const e = engine();
    const t = Date.UTC(2024, 2, 15, 15);
    e.onMarket({ kind: 'mark', symbol: 'AAPL', time: t, price: 100 });
    e.restoreWorkingOrder({
      clientOrderId: 'w-1',
      symbol: 'AAPL',
      side: 'buy',
      qty: 80,
      type: 'limit',
      timeInForce: 'day',
      limitPrice: 100,
    });
    const second = e.validateOrder({
      clientOrderId: 'w-2',
      symbol: 'AAPL',
      side: 'buy',
      qty: 30,
      type: 'limit',
      timeInForce: 'day',
      limitPrice: 100,
    });
    expect(second.kind).toBe('deny');
    expect(second.kind === 'deny' && second.violations.map((v) => v.code)).toContain(
      'SYMBOL_EXPOSURE_EXCEEDED',
    );
  });
});
