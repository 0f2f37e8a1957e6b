import { describe, expect, it } from 'vitest';
import { engineWith, fill, order } from './support/engine-fixtures.ts';

describe('RiskEngine smoke', () => {
  it('accepts an order within limits and counts it as working', () => {
    const { engine } = engineWith({ exposure: { symbol: { usd: 5_500 } } });
    const d = engine.validateOrder(order('AAPL', 'buy', 50));
    expect(d.kind).toBe('accept');
    expect(engine.book.symbols.get('AAPL')?.exposure).toBe(5_000);
    const d2 = engine.validateOrder(order('AAPL', 'buy', 10));
    expect(d2.kind).toBe('deny');
    if (d2.kind === 'deny') {
      expect(d2.violations[0]?.code).toBe('SYMBOL_EXPOSURE_EXCEEDED');
      expect(d2.violations[0]?.message).toBe('symbol=AAPL exposure=6000.00 limit=5500.00');
    }
  });

  it('tracks a round trip and trips the daily loss breaker', () => {
    const { engine, clock } = engineWith({ breakers: { dailyLoss: { usd: 1_000, action: 'reducing' } } });
    const buy = order('AAPL', 'buy', 100);
    expect(engine.validateOrder(buy).kind).toBe('accept');
    fill(engine, buy, 100);
    clock.advance(60_000);
    const actions = engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: clock.now(), price: 89.99 });
    expect(actions.trips.map((t) => t.code)).toEqual(['DAILY_LOSS_LIMIT']);
    expect(engine.tradingState).toBe('reducing');
    const more = engine.validateOrder(order('AAPL', 'buy', 1));
    expect(more.kind === 'deny' && more.violations[0]?.code).toBe('TRADING_REDUCING');
    const exit = engine.validateOrder(order('AAPL', 'sell', 100));
    expect(exit.kind).toBe('accept');
    expect(exit.kind === 'accept' && exit.effect).toBe('close');
    const flip = engine.validateOrder(order('AAPL', 'sell', 150));
    expect(flip.kind).toBe('deny');
  });
});
