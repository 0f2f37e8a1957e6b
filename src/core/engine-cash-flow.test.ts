import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { parseProfile } from './config/load-profile.ts';
import { RiskEngine } from './engine.ts';
import { stock } from './instrument.ts';

const T = Date.UTC(2024, 2, 15, 15);

function engine(): RiskEngine {
  const profile = parseProfile({
    startingEquity: 50_000,
    orders: { maxQuantity: 1_000, maxNotional: { usd: 50_000 } },
    exposure: { symbol: { usd: 10_000 } },
    breakers: { maxDrawdown: { percent: 10, action: 'halted' } },
  });
  if (!profile.ok) throw new Error(JSON.stringify(profile.issues));
  return new RiskEngine({ profile: profile.value, clock: new ManualClock(T), instruments: [stock('AAPL')] });
}

describe('cash flows outside fills (borrow fees, interest)', () => {
  it('move cash and equity, and count for the breakers', () => {
    const e = engine();
    e.onCashFlow({ time: T, amount: -1_000, reason: 'borrow' });
    expect(e.equity).toBeCloseTo(49_000);
    expect(e.snapshot().cash).toBeCloseTo(49_000);
    const actions = e.onCashFlow({ time: T, amount: -4_500, reason: 'borrow' });
    expect(actions.trips).toHaveLength(1);
    expect(e.tradingState).toBe('halted');
  });

  it('refuse an amount that is not a finite number and change nothing', () => {
    const e = engine();
    expect(() => e.onCashFlow({ time: T, amount: Number.NaN, reason: 'borrow' })).toThrow(
      /onCashFlow: amount must be a finite number of dollars, got NaN/,
    );
    expect(e.equity).toBe(50_000);
  });
});
