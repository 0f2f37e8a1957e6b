import { describe, expect, it } from 'vitest';
import { bar, mark } from '../../../test/support/core-helpers.ts';
import { engineWith, fill, order, T0 } from '../../../test/support/engine-fixtures.ts';
import type { ProfileInput } from '../config/profile-schema.ts';
import type { RiskEngine } from '../engine.ts';

const MIN = 60_000;
const DAY = 86_400_000;

/** An engine whose AAPL position of `qty` (negative: short) was filled at $100 at T0. */
function entered(overrides: Partial<ProfileInput>, qty = 100, warmup?: (engine: RiskEngine) => void) {
  const made = engineWith(overrides);
  warmup?.(made.engine);
  const o = order('AAPL', qty > 0 ? 'buy' : 'sell', Math.abs(qty));
  const result = fill(made.engine, o, 100, T0);
  return { ...made, entry: result };
}

/** A one-minute bar `n` minutes after T0. */
function barAt(engine: RiskEngine, n: number, open: number, high: number, low: number, close: number) {
  return bar(engine, 'AAPL', T0 + n * MIN, { open, high, low, close });
}

function position(engine: RiskEngine) {
  return engine.book.symbols.get('AAPL')?.position;
}

describe('fixed stop', () => {
  it('in percent: sets the stop at entry and exits when a later bar trades down to it', () => {
    const { engine, entry } = entered({ exits: { fixedStop: { percent: 2 } } });
    expect(entry.updates).toEqual([
      { symbol: 'AAPL', stop: 98, target: undefined, ruleId: 'fixed-stop', reason: 'levels set at entry' },
    ]);
    expect(barAt(engine, 1, 99, 99.5, 98.01, 99).exits).toEqual([]);
    expect(barAt(engine, 2, 99, 99.5, 98, 98.5).exits).toEqual([
      {
        symbol: 'AAPL',
        side: 'sell',
        qty: 100,
        reason: 'stop_loss',
        price: 98,
        rules: ['protective-stop'],
        time: T0 + 2 * MIN,
      },
    ]);
  });

  it('in dollars, and with both the closer stop wins', () => {
    expect(position(entered({ exits: { fixedStop: { usd: 1.5 } } }).engine)?.stop).toBe(98.5);
    expect(position(entered({ exits: { fixedStop: { percent: 2, usd: 1.5 } } }).engine)?.stop).toBe(98.5);
    expect(position(entered({ exits: { fixedStop: { percent: 1, usd: 1.5 } } }).engine)?.stop).toBe(99);
  });

  it('sits above the entry of a short and exits it with a buy', () => {
    const { engine } = entered({ exits: { fixedStop: { percent: 2 } } }, -100);
    expect(position(engine)?.stop).toBe(102);
    expect(barAt(engine, 1, 101, 101.99, 100, 101).exits).toEqual([]);
    expect(barAt(engine, 2, 101, 102, 100, 101).exits).toMatchObject([{ side: 'buy', qty: 100, price: 102 }]);
  });

  it('also fires on a plain mark, reporting the mark when it is through the stop', () => {
    const { engine, clock } = entered({ exits: { fixedStop: { percent: 2 } } });
    clock.advance(1);
    expect(mark(engine, 'AAPL', 98.01).exits).toEqual([]);
    expect(mark(engine, 'AAPL', 98).exits).toMatchObject([{ reason: 'stop_loss', price: 98 }]);
    expect(mark(engine, 'AAPL', 97.5).exits).toMatchObject([{ reason: 'stop_loss', price: 97.5 }]);
  });
});

describe('take-profit', () => {
  it('in percent: exits when a bar reaches the target', () => {
    const { engine } = entered({ exits: { takeProfit: { percent: 5 } } });
    expect(position(engine)?.target).toBe(105);
    expect(barAt(engine, 1, 101, 104.99, 100, 104).exits).toEqual([]);
    expect(barAt(engine, 2, 104, 105, 103, 104).exits).toMatchObject([
      { reason: 'take_profit', price: 105, qty: 100, rules: ['take-profit'] },
    ]);
  });

  it('at R: the multiple of the initial stop distance', () => {
    const { engine } = entered({ exits: { fixedStop: { percent: 2 }, takeProfit: { r: 2 } } });
    expect(position(engine)?.initialRisk).toBe(2);
    expect(position(engine)?.target).toBe(104);
    const short = entered({ exits: { fixedStop: { percent: 2 }, takeProfit: { r: 2 } } }, -100).engine;
    expect(position(short)?.target).toBe(96);
  });
});

describe('ATR-scaled stop', () => {
  /** Three bars with a true range of 2 before the entry: ATR(3) = 2. */
  const warm = (engine: RiskEngine) => {
    for (let i = 3; i >= 1; i--)
      bar(engine, 'AAPL', T0 - i * MIN, { open: 100, high: 101, low: 99, close: 100 });
  };

  it('puts the stop k × ATR from the fill, at the exact level', () => {
    const { engine } = entered(
      { indicators: { atr: { period: 3, timeframe: '1m' } }, exits: { atrStop: { multiple: 1.25 } } },
      100,
      warm,
    );
    expect(engine.atr('AAPL')).toBe(2);
    expect(position(engine)?.stop).toBe(97.5);
  });

  it('sets no stop while the ATR is still warming up', () => {
    const { engine, entry } = entered({
      indicators: { atr: { period: 3, timeframe: '1m' } },
      exits: { atrStop: { multiple: 2 } },
    });
    expect(position(engine)?.stop).toBeUndefined();
    expect(entry.updates).toEqual([]);
  });
});

describe('trailing stop', () => {
  it('in percent: follows the best price up, never loosens, and exits when hit', () => {
    const { engine } = entered({ exits: { trailingStop: { percent: 5 } } });
    const first = barAt(engine, 1, 100, 110, 100, 109);
    expect(first.updates).toMatchObject([{ stop: 104.5, ruleId: 'trailing-stop' }]);
    // A lower high leaves the stop where it is.
    expect(barAt(engine, 2, 108, 108, 104.6, 105).updates).toEqual([]);
    expect(position(engine)?.stop).toBe(104.5);
    expect(barAt(engine, 3, 105, 105, 104.5, 104.8).exits).toMatchObject([
      { reason: 'trailing_stop', price: 104.5, qty: 100 },
    ]);
  });

  it('in percent for a short: follows the lowest price down', () => {
    const { engine } = entered({ exits: { trailingStop: { percent: 5 } } }, -100);
    barAt(engine, 1, 100, 100, 90, 91);
    expect(position(engine)?.stop).toBeCloseTo(94.5, 10);
    expect(barAt(engine, 2, 92, 94.5, 91, 94).exits).toMatchObject([
      { side: 'buy', reason: 'trailing_stop' },
    ]);
  });

  it('in ATR multiples: a rising ATR never moves the stop down', () => {
    const warm = (engine: RiskEngine) => {
      for (let i = 2; i >= 1; i--)
        bar(engine, 'AAPL', T0 - i * MIN, { open: 100, high: 101, low: 99, close: 100 });
    };
    const { engine } = entered(
      {
        indicators: { atr: { period: 2, method: 'sma', timeframe: '1m' } },
        exits: { trailingStop: { atrMultiple: 2 } },
      },
      100,
      warm,
    );
    barAt(engine, 1, 100, 106, 100, 105); // TR 6: ATR (2 + 6) / 2 = 4; best 106 → stop 98
    expect(position(engine)?.stop).toBe(98);
    barAt(engine, 2, 105, 106, 96.5, 104); // TR 9.5: ATR 7.75 → 106 − 15.5 would loosen it
    expect(position(engine)?.stop).toBe(98);
  });

  it('a fixed stop that the trailing stop never overtook is reported as a stop loss', () => {
    const { engine } = entered({ exits: { fixedStop: { percent: 2 }, trailingStop: { percent: 10 } } });
    barAt(engine, 1, 100, 105, 100, 104); // trailing level 94.5: the fixed stop at 98 stays
    expect(position(engine)?.stop).toBe(98);
    expect(barAt(engine, 2, 104, 104, 98, 98.5).exits).toMatchObject([{ reason: 'stop_loss', price: 98 }]);
  });

  it('a stop the trailing rule moved is reported as a trailing stop', () => {
    const { engine } = entered({ exits: { fixedStop: { percent: 2 }, trailingStop: { percent: 5 } } });
    barAt(engine, 1, 100, 105, 100, 104); // trailing level 99.75 overtakes 98
    expect(barAt(engine, 2, 104, 104, 99, 99.5).exits).toMatchObject([
      { reason: 'trailing_stop', price: 99.75 },
    ]);
  });

  it('does not trigger on the bar that ratcheted it', () => {
    const { engine } = entered({ exits: { trailingStop: { percent: 5 } } });
    // High 110 ratchets the stop to 104.5 and the same bar's low is below it.
    expect(barAt(engine, 1, 100, 110, 100, 101).exits).toEqual([]);
    expect(barAt(engine, 2, 101, 102, 100, 101).exits).toMatchObject([
      { reason: 'trailing_stop', price: 101 },
    ]);
  });
});

describe('time exit', () => {
  it('after max bars: exits at market on the bar that completes the count', () => {
    const { engine } = entered({ exits: { timeExit: { maxBars: 3, timeframe: '1m' } } });
    expect(barAt(engine, 1, 100, 101, 99, 100).exits).toEqual([]);
    expect(barAt(engine, 2, 100, 101, 99, 100).exits).toEqual([]);
    expect(barAt(engine, 3, 100, 101, 99, 100).exits).toEqual([
      {
        symbol: 'AAPL',
        side: 'sell',
        qty: 100,
        reason: 'time_exit',
        price: undefined,
        rules: ['time-exit'],
        time: T0 + 3 * MIN,
      },
    ]);
  });

  it('marks do not count as bars', () => {
    const { engine, clock } = entered({ exits: { timeExit: { maxBars: 1, timeframe: '1m' } } });
    for (let i = 1; i <= 5; i++) {
      clock.set(T0 + i * 1_000);
      expect(mark(engine, 'AAPL', 100).exits).toEqual([]);
    }
  });

  it('after max duration: exits at the first event at or after it', () => {
    const { engine, clock } = entered({ exits: { timeExit: { maxMinutes: 30 } } });
    clock.set(T0 + 30 * MIN - 1);
    expect(mark(engine, 'AAPL', 100).exits).toEqual([]);
    clock.set(T0 + 30 * MIN);
    expect(mark(engine, 'AAPL', 100).exits).toMatchObject([{ reason: 'time_exit', qty: 100 }]);
  });
});

describe('breakeven', () => {
  it('moves the stop to the entry once the position has gained R, and exits there', () => {
    const { engine } = entered({ exits: { fixedStop: { usd: 2 }, breakeven: { afterR: 1 } } });
    expect(barAt(engine, 1, 100, 101.99, 99, 101).updates).toEqual([]);
    expect(barAt(engine, 2, 101, 102, 100.5, 101.5).updates).toMatchObject([
      { stop: 100, ruleId: 'breakeven', reason: 'stop moved to breakeven after 1R' },
    ]);
    expect(barAt(engine, 3, 101, 101, 100, 100.2).exits).toMatchObject([
      { reason: 'breakeven_stop', price: 100, qty: 100 },
    ]);
  });
});

describe('partial take-profit', () => {
  it('takes the configured fraction of the entry quantity off at each R multiple, once each', () => {
    const { engine } = entered({
      exits: {
        fixedStop: { usd: 2 },
        partialTakeProfit: [
          { r: 2, fraction: 0.25 },
          { r: 1, fraction: 0.5 },
        ],
      },
    });
    expect(barAt(engine, 1, 100, 102, 100, 101.5).exits).toEqual([
      {
        symbol: 'AAPL',
        side: 'sell',
        qty: 50,
        reason: 'partial_take_profit',
        price: 102,
        rules: ['partial-take-profit'],
        time: T0 + MIN,
      },
    ]);
    fill(engine, order('AAPL', 'sell', 50), 102, T0 + MIN + 1);
    expect(barAt(engine, 2, 101.5, 103, 101, 102).exits).toEqual([]);
    expect(barAt(engine, 3, 103, 104, 103, 103.5).exits).toMatchObject([{ qty: 25, price: 104 }]);
    expect(barAt(engine, 4, 104, 110, 104, 109).exits).toEqual([]);
  });
});

describe('regime-dependent exits', () => {
  const regime = (by: 'vix' | 'realizedVolatility'): Partial<ProfileInput> => ({
    indicators: { realizedVolatility: { window: 2, timeframe: '1d' } },
    regime: {
      by,
      bands: [
        { name: 'calm', below: by === 'vix' ? 20 : 30, exits: { fixedStop: { percent: 5 } } },
        { name: 'stressed', exits: { fixedStop: { percent: 1 } } },
      ],
    },
  });
  const vix = (value: number) => (engine: RiskEngine) =>
    engine.onMarket({ kind: 'index', name: 'VIX', time: T0, value });

  it('by VIX band: the calm band below its bound, the next band at or above it', () => {
    expect(position(entered(regime('vix'), 100, vix(19.99)).engine)?.stop).toBe(95);
    expect(position(entered(regime('vix'), 100, vix(20)).engine)?.stop).toBe(99);
  });

  it('uses the most defensive (last) band while the measure is unknown', () => {
    expect(position(entered(regime('vix')).engine)?.stop).toBe(99);
  });

  it('by realized volatility of the symbol (annualized percent)', () => {
    const daily = (engine: RiskEngine, closes: number[]) => {
      closes.forEach((c, i) => {
        const time = T0 - (3 - i) * DAY;
        engine.onMarket({
          kind: 'bar',
          symbol: 'AAPL',
          time,
          open: c,
          high: c,
          low: c,
          close: c,
          volume: 1,
          durationMs: DAY,
        });
      });
    };
    // Daily moves of about ±0.1%: ~2% a year, calm.
    const quiet = (engine: RiskEngine) => daily(engine, [100, 100.1, 100]);
    // Daily moves of ±10%: far above 30% a year, stressed.
    const wild = (engine: RiskEngine) => daily(engine, [100, 110, 100]);
    const calm = entered(regime('realizedVolatility'), 100, quiet).engine;
    expect(calm.realizedVolatility('AAPL') * 100).toBeLessThan(30);
    expect(position(calm)?.stop).toBe(95);
    const stressed = entered(regime('realizedVolatility'), 100, wild).engine;
    expect(stressed.realizedVolatility('AAPL') * 100).toBeGreaterThan(30);
    expect(position(stressed)?.stop).toBe(99);
  });

  it("evaluates the current band's exit rules on every event", () => {
    const overrides: Partial<ProfileInput> = {
      regime: {
        by: 'vix',
        bands: [
          { name: 'calm', below: 20, exits: {} },
          { name: 'stressed', exits: { timeExit: { maxMinutes: 10 } } },
        ],
      },
    };
    const { engine, clock } = entered(overrides, 100, vix(15));
    clock.set(T0 + 15 * MIN);
    expect(mark(engine, 'AAPL', 100).exits).toEqual([]);
    engine.onMarket({ kind: 'index', name: 'VIX', time: clock.now(), value: 28 });
    expect(mark(engine, 'AAPL', 100).exits).toMatchObject([{ reason: 'time_exit', rules: ['regime'] }]);
  });
});

describe('several exits on one event', () => {
  it('the most conservative wins and the signal names every rule that fired', () => {
    const { engine } = entered({
      exits: {
        fixedStop: { percent: 2 },
        takeProfit: { percent: 2 },
        timeExit: { maxBars: 1, timeframe: '1m' },
      },
    });
    // One wide bar touches the stop and the target and completes the time limit.
    expect(barAt(engine, 1, 100, 102.5, 97.5, 100).exits).toEqual([
      {
        symbol: 'AAPL',
        side: 'sell',
        qty: 100,
        reason: 'stop_loss',
        price: 98,
        // The chosen rule first, then the others from the most to the least conservative.
        rules: ['protective-stop', 'time-exit', 'take-profit'],
        time: T0 + MIN,
      },
    ]);
  });

  it('a full exit beats a partial one', () => {
    const { engine } = entered({
      exits: {
        fixedStop: { usd: 2 },
        partialTakeProfit: [{ r: 1, fraction: 0.5 }],
        timeExit: { maxBars: 1, timeframe: '1m' },
      },
    });
    expect(barAt(engine, 1, 100, 102, 99, 101).exits).toMatchObject([
      { reason: 'time_exit', qty: 100, rules: ['time-exit', 'partial-take-profit'] },
    ]);
  });
});

describe('when a stop can trigger, and at what price', () => {
  it('never on the bar the position was entered in', () => {
    const made = engineWith({ exits: { fixedStop: { percent: 2 } } });
    // The fill happens 30 s into the bar that starts at T0; that bar's low is below the stop.
    fill(made.engine, order('AAPL', 'buy', 100), 100, T0 + 30_000);
    expect(bar(made.engine, 'AAPL', T0, { open: 100, high: 100, low: 97, close: 99 }).exits).toEqual([]);
    expect(
      bar(made.engine, 'AAPL', T0 + MIN, { open: 99, high: 99, low: 97.9, close: 98 }).exits,
    ).toMatchObject([{ reason: 'stop_loss', price: 98 }]);
  });

  it('a gap through the stop reports the open, not the stop', () => {
    const { engine } = entered({ exits: { fixedStop: { percent: 2 } } });
    expect(barAt(engine, 1, 95, 96, 94, 95.5).exits).toMatchObject([{ reason: 'stop_loss', price: 95 }]);
    const short = entered({ exits: { fixedStop: { percent: 2 } } }, -100).engine;
    expect(barAt(short, 1, 104, 105, 103.5, 104).exits).toMatchObject([{ reason: 'stop_loss', price: 104 }]);
  });

  it('a gap through the target reports the open as well', () => {
    const { engine } = entered({ exits: { takeProfit: { percent: 5 } } });
    expect(barAt(engine, 1, 107, 108, 106, 107).exits).toMatchObject([{ reason: 'take_profit', price: 107 }]);
  });

  it('tracks the excursions and bars held of the position', () => {
    const { engine } = entered({});
    barAt(engine, 1, 100, 103, 99, 102);
    barAt(engine, 2, 102, 102.5, 98, 99);
    expect(position(engine)).toMatchObject({ mfe: 3, mae: 2, barsHeld: 2, lastPrice: 99 });
  });
});
