import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  mark,
  openPosition,
} from '../../../test/support/core-helpers.ts';
import { engineWith, order, T0 } from '../../../test/support/engine-fixtures.ts';
import type { ProfileInput } from '../config/profile-schema.ts';
import type { RiskEngine } from '../engine.ts';
import { newYorkToEpoch } from '../session.ts';

type Breakers = NonNullable<ProfileInput['breakers']>;

/** An engine holding 100 AAPL bought at $100 (equity 100,000) with the given breakers. */
function holding(breakers: Breakers, qty = 100) {
  const made = engineWith({ breakers });
  openPosition(made.engine, 'AAPL', 'buy', qty, 100);
  return made;
}

function markAt(engine: RiskEngine, time: number, price: number) {
  return engine.onMarket({ kind: 'mark', symbol: 'AAPL', time, price });
}

describe('daily loss breaker', () => {
  it('in dollars: a loss just under the limit does nothing, a loss reaching it trips', () => {
    const { engine } = holding({ dailyLoss: { usd: 1_000 } });
    expect(mark(engine, 'AAPL', 90.01).trips).toEqual([]);
    expect(engine.tradingState).toBe('active');
    const { trips } = mark(engine, 'AAPL', 90);
    expect(trips).toMatchObject([
      {
        breakerId: 'daily-loss',
        code: 'DAILY_LOSS_LIMIT',
        action: 'halted',
        message: 'DAILY_LOSS_LIMIT: loss=1000.00 limit=1000.00 dayStartEquity=100000.00 equity=99000.00',
        values: { loss: 1_000, limit: 1_000, dayStartEquity: 100_000, equity: 99_000 },
      },
    ]);
    expect(engine.tradingState).toBe('halted');
  });

  it('in percent of the day-start equity, not of the starting equity', () => {
    const { engine, clock } = holding({ dailyLoss: { percent: 2 } }, 1_000);
    mark(engine, 'AAPL', 110); // equity 110,000 at the end of the first day
    clock.set(newYorkToEpoch('2024-03-18', '09:30'));
    mark(engine, 'AAPL', 110); // Monday: the day starts at 110,000, so 2% is 2,200
    expect(engine.snapshot().dayStart).toEqual({ sessionDate: '2024-03-18', equity: 110_000 });
    expect(mark(engine, 'AAPL', 107.81).trips).toEqual([]);
    expect(mark(engine, 'AAPL', 107.8).trips.map((t) => t.message)).toEqual([
      'DAILY_LOSS_LIMIT: loss=2200.00 limit=2200.00 dayStartEquity=110000.00 equity=107800.00',
    ]);
  });

  it('with percent and dollars, the tighter limit trips', () => {
    const { engine } = holding({ dailyLoss: { percent: 2, usd: 1_500 } });
    expect(mark(engine, 'AAPL', 85).trips[0]?.values).toMatchObject({ limit: 1_500 });
  });

  it('counts realized and unrealized losses together', () => {
    const { engine } = holding({ dailyLoss: { usd: 1_000 } });
    openPosition(engine, 'MSFT', 'buy', 10, 200);
    openPosition(engine, 'AAPL', 'sell', 100, 94); // realized −600
    expect(engine.tradingState).toBe('active');
    expect(mark(engine, 'MSFT', 160).trips.map((t) => t.code)).toEqual(['DAILY_LOSS_LIMIT']); // −400 open
  });

  it('follows the New York day: a loss spanning UTC midnight inside one New York evening trips', () => {
    const { engine, clock } = holding({ dailyLoss: { usd: 1_000 } });
    clock.set(newYorkToEpoch('2024-03-15', '19:00')); // 23:00 UTC
    expect(markAt(engine, clock.now(), 95).trips).toEqual([]);
    clock.set(newYorkToEpoch('2024-03-15', '20:30')); // 00:30 UTC on the 16th
    expect(new Date(clock.now()).toISOString()).toBe('2024-03-16T00:30:00.000Z');
    const { trips } = markAt(engine, clock.now(), 89.99);
    expect(trips.map((t) => t.message)).toEqual([
      'DAILY_LOSS_LIMIT: loss=1001.00 limit=1000.00 dayStartEquity=100000.00 equity=98999.00',
    ]);
    expect(engine.snapshot().dayStart?.sessionDate).toBe('2024-03-15');
  });

  it('starts a new day at the first event of the next New York date, from the equity at that moment', () => {
    const { engine, clock } = holding({ dailyLoss: { usd: 1_000 } });
    clock.set(newYorkToEpoch('2024-03-15', '23:59'));
    markAt(engine, clock.now(), 92); // −800 on Friday
    clock.set(newYorkToEpoch('2024-03-16', '00:00'));
    // Saturday's first mark: the day starts from Friday's last equity, then the mark moves it.
    expect(markAt(engine, clock.now(), 87).trips).toEqual([]);
    expect(engine.snapshot().dayStart).toEqual({ sessionDate: '2024-03-16', equity: 99_200 });
    expect(markAt(engine, clock.now(), 82).trips.map((t) => t.values.loss)).toEqual([1_000]);
  });

  it('with flatten, asks to close every position when it trips', () => {
    const { engine } = holding({ dailyLoss: { usd: 1_000, flatten: true } });
    openPosition(engine, 'JPM', 'sell', 20, 50);
    const { exits } = mark(engine, 'AAPL', 90);
    expect(exits.map((e) => [e.symbol, e.side, e.qty, e.reason])).toEqual([
      ['AAPL', 'sell', 100, 'breaker_flatten'],
      ['JPM', 'buy', 20, 'breaker_flatten'],
    ]);
  });

  it('takes the action the profile asks for', () => {
    const { engine } = holding({ dailyLoss: { usd: 1_000, action: 'reducing' } });
    mark(engine, 'AAPL', 90);
    expect(engine.tradingState).toBe('reducing');
  });
});

describe('equity floor', () => {
  it('does nothing a cent above the floor and halts at it', () => {
    const { engine } = holding({ equityFloor: { usd: 95_000 } }, 1_000);
    expect(mark(engine, 'AAPL', 95.01).trips).toEqual([]);
    expect(mark(engine, 'AAPL', 95).trips.map((t) => t.message)).toEqual([
      'EQUITY_FLOOR: equity=95000.00 floor=95000.00',
    ]);
    expect(engine.tradingState).toBe('halted');
  });

  it('also trips on equity reported by the broker', () => {
    const { engine } = engineWith({ breakers: { equityFloor: { usd: 95_000 } } });
    const { trips } = engine.onAccount({ time: T0, equity: 94_000, cash: 94_000, buyingPower: 94_000 });
    expect(trips.map((t) => t.code)).toEqual(['EQUITY_FLOOR']);
  });
});

describe('maximum drawdown from peak', () => {
  it('measures from the highest equity seen: just under the limit does nothing, at it the account reduces', () => {
    const { engine } = holding({ maxDrawdown: { percent: 10 } }, 1_000);
    mark(engine, 'AAPL', 110);
    expect(engine.peakEquity).toBe(110_000);
    expect(mark(engine, 'AAPL', 99.01).trips).toEqual([]);
    expect(mark(engine, 'AAPL', 99).trips.map((t) => t.message)).toEqual([
      'MAX_DRAWDOWN: drawdownPercent=10.00 limitPercent=10 peak=110000.00 equity=99000.00',
    ]);
    expect(engine.tradingState).toBe('reducing');
    expect(engine.snapshot().drawdownPercent).toBeCloseTo(10, 10);
  });

  it('never lowers the peak', () => {
    const { engine } = holding({}, 1_000);
    mark(engine, 'AAPL', 110);
    mark(engine, 'AAPL', 90);
    mark(engine, 'AAPL', 105);
    expect(engine.peakEquity).toBe(110_000);
  });
});

describe('loss streak', () => {
  /** Opens and closes a round trip in AAPL with the given P&L per share. */
  function roundTrip(engine: RiskEngine, pnlPerShare: number) {
    openPosition(engine, 'AAPL', 'buy', 10, 100);
    openPosition(engine, 'AAPL', 'sell', 10, 100 + pnlPerShare);
  }

  it('pause: the losing trade that completes the streak pauses entries until the cooldown ends, then they resume', () => {
    const { engine, clock } = engineWith({ breakers: { lossStreak: { losses: 3, cooldownMinutes: 30 } } });
    openPosition(engine, 'JPM', 'buy', 10, 50);
    roundTrip(engine, -1);
    roundTrip(engine, -1);
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 1), { dryRun: true }));
    roundTrip(engine, -1);
    expect(engine.tradingState).toBe('active');
    const v = expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'LOSS_STREAK_COOLDOWN',
      ruleId: 'state-gate',
      message: 'reason=LOSS_STREAK: losses=3 limit=3 cooldownMinutes=30 until=2024-03-15T14:30:00.000Z',
    });
    clock.set(T0 + 30 * 60_000 - 1);
    mark(engine, 'MSFT', 200);
    mark(engine, 'JPM', 50);
    expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1)));
    // Exits pass during the pause.
    expect(expectAccepted(engine.validateOrder(order('JPM', 'sell', 10))).effect).toBe('close');
    clock.advance(1);
    mark(engine, 'MSFT', 200);
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 1)));
    expect(engine.snapshot().pause).toBeNull();
  });

  it('a winning trade breaks the streak', () => {
    const { engine } = engineWith({ breakers: { lossStreak: { losses: 3, cooldownMinutes: 30 } } });
    roundTrip(engine, -1);
    roundTrip(engine, -1);
    roundTrip(engine, 1);
    roundTrip(engine, -1);
    roundTrip(engine, -1);
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 1)));
  });

  it.each(['reducing', 'halted'] as const)('%s: latches until a reset, whatever the cooldown', (action) => {
    const { engine, clock } = engineWith({
      breakers: { lossStreak: { losses: 2, cooldownMinutes: 1, action } },
    });
    roundTrip(engine, -1);
    roundTrip(engine, -1);
    expect(engine.tradingState).toBe(action);
    clock.advance(3_600_000);
    mark(engine, 'MSFT', 200);
    expect(engine.tradingState).toBe(action);
    expect(expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1))).code).toBe(
      action === 'reducing' ? 'TRADING_REDUCING' : 'TRADING_HALTED',
    );
    engine.reset('bob', 'reviewed the losses');
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 1)));
  });
});

describe('VIX breaker', () => {
  const vix = (engine: RiskEngine, value: number) =>
    engine.onMarket({ kind: 'index', name: 'VIX', time: engine.now(), value });

  it('trips at the level, not below it', () => {
    const { engine } = engineWith({ breakers: { vix: { above: 30, resumeBelow: 25 } } });
    expect(vix(engine, 29.99).trips).toEqual([]);
    expect(vix(engine, 30).trips.map((t) => t.message)).toEqual([
      'VIX_LEVEL: vix=30.00 above=30 resumeBelow=25',
    ]);
    expect(engine.tradingState).toBe('reducing');
  });

  it('has hysteresis: after a reset it trips again only once the VIX has fallen below resumeBelow', () => {
    const { engine } = engineWith({ breakers: { vix: { above: 30, resumeBelow: 25 } } });
    vix(engine, 32);
    engine.reset('bob', 'vol is known');
    expect(vix(engine, 31).trips).toEqual([]);
    expect(vix(engine, 25).trips).toEqual([]);
    expect(vix(engine, 35).trips).toEqual([]);
    expect(engine.tradingState).toBe('active');
    expect(vix(engine, 24.99).trips).toEqual([]);
    expect(vix(engine, 30).trips.map((t) => t.code)).toEqual(['VIX_LEVEL']);
  });

  it('ignores a missing or non-finite reading', () => {
    const { engine } = engineWith({ breakers: { vix: { above: 30, resumeBelow: 25 } } });
    expect(vix(engine, Number.NaN).trips).toEqual([]);
    expect(engine.tradingState).toBe('active');
  });
});
