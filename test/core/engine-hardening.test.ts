import { describe, expect, it } from 'vitest';
import { engineWith, fill, order } from '../support/engine-fixtures.ts';

describe('engine hardening', () => {
  it('counts short-sale proceeds as collateral, not buying power', () => {
    const { engine } = engineWith();
    expect(engine.buyingPower).toBe(100_000);
    const short = order('AAPL', 'sell', 100);
    expect(engine.validateOrder(short).kind).toBe('accept');
    fill(engine, short, 100);
    // 100 shares short at $100 use $10,000 of a cash account's buying power, as a long would.
    expect(engine.buyingPower).toBe(90_000);
    const long = order('MSFT', 'buy', 50);
    engine.validateOrder(long);
    fill(engine, long, 200);
    expect(engine.buyingPower).toBe(80_000);
  });

  it('refuses a fill with a NaN or negative price or a bad quantity and changes nothing', () => {
    const { engine } = engineWith();
    const before = engine.snapshot();
    for (const bad of [
      { price: Number.NaN },
      { price: -1 },
      { qty: Number.POSITIVE_INFINITY },
      { qty: -5 },
    ]) {
      expect(() =>
        engine.onFill({
          executionId: 'bad',
          symbol: 'AAPL',
          side: 'buy',
          qty: 10,
          price: 100,
          time: engine.now(),
          ...bad,
        }),
      ).toThrow(/positive finite qty, a finite price/);
    }
    expect(engine.snapshot().equity).toBe(before.equity);
    expect(engine.snapshot().positions).toEqual([]);
    // The id was not burned: the real fill with the same execution id still applies.
    expect(
      engine.onFill({
        executionId: 'bad',
        symbol: 'AAPL',
        side: 'buy',
        qty: 10,
        price: 100,
        time: engine.now(),
      }).applied,
    ).toBe(true);
  });

  it('re-arms the VIX breaker when the VIX dips below resumeBelow while latched', () => {
    const { engine, clock } = engineWith({
      breakers: { vix: { above: 40, resumeBelow: 30, action: 'reducing' } },
    });
    const vix = (value: number) => {
      clock.advance(86_400_000);
      return engine.onMarket({ kind: 'index', name: 'VIX', time: clock.now(), value });
    };
    expect(vix(45).trips.map((t) => t.code)).toEqual(['VIX_LEVEL']);
    vix(25); // below resumeBelow while the latch still holds
    engine.reset('risk-officer:alice', 'calm again');
    expect(vix(42).trips.map((t) => t.code)).toEqual(['VIX_LEVEL']);
  });
});
