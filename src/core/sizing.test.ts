import { describe, expect, it } from 'vitest';
import { engineWith } from '../../test/support/engine-fixtures.ts';

describe('position sizing', () => {
  it('sizes by fixed-fraction risk when nothing else binds', () => {
    const { engine } = engineWith({ sizing: { riskPercent: 1 } });
    // 1% of 100,000 = 1,000 at risk; stop 2 below 100 → 500 shares.
    const s = engine.suggestSize({ symbol: 'AAPL', side: 'buy', entryPrice: 100, stopPrice: 98 });
    expect(s.qty).toBe(500);
    expect(s.bound).toBe('risk');
    expect(s.riskUsd).toBe(1_000);
  });

  it('never exceeds the headroom under the symbol exposure limit and says so', () => {
    const { engine } = engineWith({ sizing: { riskPercent: 1 }, exposure: { symbol: { usd: 5_500 } } });
    const s = engine.suggestSize({ symbol: 'AAPL', side: 'buy', entryPrice: 100, stopPrice: 98 });
    expect(s.qty).toBe(55);
    expect(s.bound).toBe('symbol-exposure');
    expect(s.explanation.find((l) => l.startsWith('*'))).toBe('* symbol-exposure: 5500.00 USD');
    const decision = engine.validateOrder({
      clientOrderId: 'sz',
      symbol: 'AAPL',
      side: 'buy',
      qty: s.qty,
      type: 'market',
      timeInForce: 'day',
    });
    expect(decision.kind).toBe('accept');
  });

  it('uses k × ATR as the stop distance when no stop is given, and refuses without ATR', () => {
    const { engine } = engineWith({
      indicators: { atr: { period: 14, timeframe: '1m' } },
      sizing: { riskPercent: 1, atrMultiple: 2 },
    });
    expect(engine.suggestSize({ symbol: 'AAPL', side: 'buy' }).bound).toBe('unavailable');
    for (let i = 0; i < 14; i++) {
      engine.onMarket({
        kind: 'bar',
        symbol: 'AAPL',
        time: engine.now() + i * 60_000,
        open: 100,
        high: 101,
        low: 99,
        close: 100,
        volume: 1,
      });
    }
    // ATR = 2 → stop distance 4 → 1,000 / 4 = 250 shares.
    expect(engine.suggestSize({ symbol: 'AAPL', side: 'buy' }).qty).toBe(250);
  });

  it('returns zero when the minimum size cannot fit', () => {
    const { engine } = engineWith({
      sizing: { riskPercent: 1, minUsd: 6_000 },
      exposure: { symbol: { usd: 5_500 } },
    });
    const s = engine.suggestSize({ symbol: 'AAPL', side: 'buy', entryPrice: 100, stopPrice: 98 });
    expect(s.qty).toBe(0);
    expect(s.bound).toBe('symbol-exposure');
  });
});
