import { describe, expect, it } from 'vitest';
import type { OrderTicket } from '../../src/backtest/strategy.ts';
import { newYorkToEpoch } from '../../src/core/session.ts';
import { dailyBars, market, run, scripted, weekdays } from '../support/backtest-fixtures.ts';

const FLAT = [100, 101, 99, 100];

describe('market orders', () => {
  const data = market([dailyBars('AAA', [FLAT, [100.5, 101, 100, 100.8], [101, 102, 100.5, 101.5]])]);
  const buy = scripted({ 0: (ctx) => ctx.buy('AAA', 100) });

  it('fill at the next bar open by default', () => {
    const r = run(data, buy);
    expect(r.openPositions).toMatchObject([{ symbol: 'AAA', qty: 100, avgPrice: 100.5 }]);
    expect(r.orders).toMatchObject({ submitted: 1, accepted: 1, filled: 1, fills: 1 });
  });

  it('fill at the close of the bar they were sent on in this-close mode', () => {
    const r = run(data, buy, {}, { execution: { marketFill: 'this-close' } });
    expect(r.openPositions[0]?.avgPrice).toBe(100);
  });
});

describe('protective stops from the profile', () => {
  const rows = (third: number[]) => [FLAT, [100, 101, 94, 99], third, [96, 97, 95, 96]];
  const buy = scripted({ 0: (ctx) => ctx.buy('AAA', 100) });
  const stops = { exits: { fixedStop: { percent: 5 } } };

  it('are not active on the fill bar, then fill at the stop', () => {
    const r = run(market([dailyBars('AAA', rows([99, 100, 94.5, 96]))]), buy, stops);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ entryPrice: 100, exitPrice: 95, pnl: -500, exitReason: 'stop_loss' });
    expect(r.trades[0]!.exitTime).toBe(newYorkToEpoch(weekdays(3)[2]!, '09:30'));
    expect(r.trades[0]!.rMultiple).toBeCloseTo(-1);
  });

  it('fill at the open when the bar gaps through the stop', () => {
    const r = run(market([dailyBars('AAA', rows([93, 94, 92, 93]))]), buy, stops);
    expect(r.trades[0]).toMatchObject({ exitPrice: 93, pnl: -700, exitReason: 'stop_loss' });
  });
});

describe('brackets', () => {
  const data = market([dailyBars('AAA', [FLAT, [100, 101, 99, 100], [100, 106, 94, 101], FLAT])]);
  let seen: number | undefined;
  const bracket = scripted({
    0: (ctx) => ctx.buy('AAA', 100, { stopLoss: 95, takeProfit: 105 }),
    1: (ctx) => {
      seen = ctx.position('AAA').stop;
    },
    3: (ctx) => {
      expect(ctx.openOrders()).toEqual([]);
    },
  });

  it('fill the stop first when a bar touches both legs (conservative default), and cancel the target', () => {
    const r = run(data, bracket);
    expect(seen).toBe(95);
    expect(r.trades).toMatchObject([{ exitPrice: 95, exitReason: 'stop_loss' }]);
    expect(r.orders.canceled).toBe(1);
  });

  it('fill the target first under the optimistic path', () => {
    const r = run(data, bracket, {}, { execution: { intrabarPath: 'target-first' } });
    expect(r.trades).toMatchObject([{ exitPrice: 105, exitReason: 'take_profit', pnl: 500 }]);
  });
});

describe('costs and volume', () => {
  it('charge slippage and commission to the trade', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT, FLAT, [110, 111, 109, 110]])]);
    const strategy = scripted({ 0: (ctx) => ctx.buy('AAA', 100), 2: (ctx) => ctx.close('AAA') });
    const r = run(
      data,
      strategy,
      {},
      {
        execution: { slippage: { bps: 10 }, commission: { perShare: 0.001, minimum: 1 } },
      },
    );
    expect(r.trades[0]!.entryPrice).toBeCloseTo(100.1);
    expect(r.trades[0]!.exitPrice).toBeCloseTo(109.89);
    expect(r.trades[0]!.pnl).toBeCloseTo((109.89 - 100.1) * 100 - 2);
    expect(r.costs.commission).toBeCloseTo(2);
    expect(r.costs.slippage).toBeCloseTo(21);
    expect(r.trades[0]!.exitReason).toBe('strategy');
  });

  it('cap fills at a share of the bar volume and fill the rest later', () => {
    const data = market([
      dailyBars('AAA', [FLAT, [100, 101, 99, 100, 500], [102, 103, 101, 102, 500], FLAT]),
    ]);
    const r = run(
      data,
      scripted({ 0: (ctx) => ctx.buy('AAA', 100) }),
      {},
      { execution: { maxParticipation: 0.1 } },
    );
    expect(r.orders).toMatchObject({ fills: 2, partiallyFilled: 1, filled: 1 });
    expect(r.openPositions[0]).toMatchObject({ qty: 100, avgPrice: 101 });
  });
});

describe('splits', () => {
  it('rescale the position and the resting stop so the split gap triggers nothing', () => {
    const dates = weekdays(4);
    const data = market([dailyBars('AAA', [FLAT, [100, 101, 99, 100], [50, 51, 49, 50], [46, 47, 44, 45]])], {
      splits: [{ symbol: 'AAA', time: newYorkToEpoch(dates[2]!, '00:00'), ratio: 2 }],
    });
    const views: unknown[] = [];
    const strategy = scripted({
      0: (ctx) => ctx.buy('AAA', 100, { stopLoss: 90 }),
      2: (ctx) => {
        views.push(ctx.position('AAA'), ctx.openOrders('AAA'), ctx.sma('AAA', 2));
      },
    });
    const r = run(data, strategy);
    expect(views[0]).toMatchObject({ qty: 200, avgPrice: 50, stop: 45 });
    expect(views[1]).toMatchObject([{ role: 'stop-leg', remaining: 200, stopPrice: 45 }]);
    // History is split-adjusted, so indicators see no gap.
    expect(views[2]).toBe(50);
    expect(r.trades).toMatchObject([{ qty: 200, exitPrice: 45, pnl: -1000, exitReason: 'stop_loss' }]);
  });
});

describe('breakers and limits', () => {
  it('flatten on a daily-loss trip and, by default, trade again at the next session', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT, [100, 100, 96, 97], [97, 98, 96, 97], FLAT])]);
    const tickets: OrderTicket[] = [];
    const strategy = scripted({
      0: (ctx) => ctx.buy('AAA', 500),
      3: (ctx) => tickets.push(ctx.buy('AAA', 10)),
    });
    const r = run(data, strategy, {
      breakers: { dailyLoss: { percent: 1, action: 'halted', flatten: true } },
    });
    expect(r.risk.trips).toMatchObject([{ code: 'DAILY_LOSS_LIMIT', action: 'halted', flatten: true }]);
    expect(tickets[0]?.status).not.toBe('denied');
    expect(r.risk.states.map((s) => [s.state, s.code])).toEqual([
      ['active', 'INITIAL'],
      ['halted', 'DAILY_LOSS_LIMIT'],
      ['active', 'REARM'],
    ]);
    expect(r.risk.latch.rearms).toMatchObject([{ code: 'DAILY_LOSS_LIMIT', policy: 'next-session' }]);
    expect(r.risk.latch.policies).toEqual([
      { id: 'daily-loss', code: 'DAILY_LOSS_LIMIT', rearm: 'next-session' },
    ]);
    expect(r.risk.latch.warnings).toEqual([]);
  });

  it('flatten on a daily-loss trip, halt the account and deny later entries (manual latch)', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT, [100, 100, 96, 97], [97, 98, 96, 97], FLAT])]);
    const tickets: OrderTicket[] = [];
    const strategy = scripted({
      0: (ctx) => ctx.buy('AAA', 500),
      3: (ctx) => tickets.push(ctx.buy('AAA', 10)),
    });
    const r = run(data, strategy, {
      breakers: { dailyLoss: { percent: 1, action: 'halted', flatten: true, rearm: 'manual' } },
    });
    expect(r.risk.trips).toMatchObject([{ code: 'DAILY_LOSS_LIMIT', action: 'halted', flatten: true }]);
    expect(r.trades).toMatchObject([{ exitReason: 'breaker_flatten', exitPrice: 97 }]);
    expect(tickets[0]?.status).toBe('denied');
    expect(r.risk.denials).toMatchObject([{ code: 'TRADING_HALTED', count: 1 }]);
    expect(r.risk.timeInState.halted.fraction).toBeGreaterThan(0);
    expect(r.risk.states.map((s) => s.state)).toEqual(['active', 'halted']);
    // The run ends latched by a manual breaker with no simulated operator: it says so and how to fix it.
    expect(r.risk.latch.end).toMatchObject({ state: 'halted', code: 'DAILY_LOSS_LIMIT' });
    expect(r.risk.latch.operator).toEqual({ resetAfterDays: null, resets: 0 });
    expect(r.risk.latch.warnings[0]).toContain('the account ends halted, latched by DAILY_LOSS_LIMIT');
    expect(r.risk.latch.warnings[0]).toContain('--reset-after-days');
    expect(r.risk.latch.warnings[0]).toContain('breakers.dailyLoss.rearm');
  });

  it('move to reducing when the VIX index crosses its threshold', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT, FLAT, FLAT])], { vix: [15, 35, 25, 15] });
    const tickets: OrderTicket[] = [];
    const strategy = scripted({ 2: (ctx) => tickets.push(ctx.buy('AAA', 10)) });
    const r = run(data, strategy, { breakers: { vix: { above: 30, resumeBelow: 20 } } });
    expect(r.risk.trips[0]).toMatchObject({ code: 'VIX_LEVEL', action: 'reducing' });
    expect(tickets[0]?.violations[0]?.code).toBe('TRADING_REDUCING');
  });

  it('share one account across symbols', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT]), dailyBars('BBB', [FLAT, FLAT])]);
    const strategy = scripted({ 0: (ctx, bar) => ctx.buy(bar.symbol, 10) });
    const r = run(data, strategy, { positions: { maxOpen: 1 } });
    expect(r.openPositions.map((p) => p.symbol)).toEqual(['AAA']);
    expect(r.risk.denials).toMatchObject([{ code: 'MAX_OPEN_POSITIONS', count: 1 }]);
  });

  it('release a canceled order’s reservation', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT, FLAT])]);
    const tickets: OrderTicket[] = [];
    const strategy = scripted({
      0: (ctx) => {
        const first = ctx.buy('AAA', 100, { type: 'limit', limitPrice: 90 });
        ctx.cancel(first.id);
        tickets.push(ctx.buy('AAA', 100));
      },
    });
    const r = run(data, strategy, { exposure: { symbol: { usd: 15_000 } } });
    expect(tickets[0]?.status).toBe('working');
    expect(r.orders.canceled).toBe(1);
  });
});

describe('order lifecycle', () => {
  it('expires a day order after its first session', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT, FLAT])]);
    const r = run(
      data,
      scripted({ 0: (ctx) => ctx.buy('AAA', 10, { type: 'limit', limitPrice: 50, timeInForce: 'day' }) }),
    );
    expect(r.orders.expired).toBe(1);
  });

  it('never lets a closing order flip the position after a stop closed it', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT, FLAT, [90, 91, 89, 90], FLAT])]);
    const strategy = scripted({
      0: (ctx) => ctx.buy('AAA', 100, { stopLoss: 95 }),
      2: (ctx) => ctx.sell('AAA', 100),
    });
    const r = run(data, strategy);
    expect(r.trades).toHaveLength(1);
    expect(r.openPositions).toEqual([]);
  });

  it('exits at market on the engine’s time exit, at the next open or this close', () => {
    const rows = [
      FLAT,
      [100, 101, 99, 100],
      [101, 102, 100, 101],
      [102, 103, 101, 102],
      [103, 104, 102, 103],
    ];
    const data = market([dailyBars('AAA', rows)]);
    const strategy = scripted({ 0: (ctx) => ctx.buy('AAA', 100) });
    const next = run(data, strategy, { exits: { timeExit: { maxBars: 2, timeframe: '1d' } } });
    expect(next.trades).toMatchObject([{ exitReason: 'time_exit', exitPrice: 103, barsHeld: 2 }]);
    const close = run(
      data,
      strategy,
      { exits: { timeExit: { maxBars: 2, timeframe: '1d' } } },
      { execution: { marketFill: 'this-close' } },
    );
    // Filled at the signal bar's close, the entry is a bar earlier, and so is the exit.
    expect(close.trades).toMatchObject([
      { exitReason: 'time_exit', entryPrice: 100, exitPrice: 101, barsHeld: 2 },
    ]);
  });

  it('moves the resting stop with a trailing stop and reports trailing_stop', () => {
    const rows = [FLAT, [100, 102, 99, 101], [101, 110, 103, 109], [105, 106, 103, 104], FLAT];
    const data = market([dailyBars('AAA', rows)]);
    const r = run(data, scripted({ 0: (ctx) => ctx.buy('AAA', 100) }), {
      exits: { trailingStop: { percent: 5 } },
    });
    expect(r.trades).toMatchObject([{ exitReason: 'trailing_stop', exitPrice: 104.5, pnl: 450 }]);
  });

  it('does not call the strategy before `from`, and starts the equity curve there', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT, FLAT, FLAT])]);
    const from = newYorkToEpoch(weekdays(3)[2]!, '00:00');
    const seen: number[] = [];
    const strategy = scripted({
      0: () => seen.push(0),
      2: (ctx) => seen.push(ctx.barCount('AAA'), ctx.sma('AAA', 3)),
    });
    const r = run(data, strategy, {}, { from });
    expect(seen).toEqual([3, 100]);
    expect(r.equity.time[0]).toBeGreaterThanOrEqual(from);
    expect(r.equity.time.length).toBe(2);
  });
});

describe('strategy errors', () => {
  it('stop the run naming the strategy, the symbol and the bar', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT])]);
    const strategy = scripted({
      1: () => {
        throw new Error('boom');
      },
    });
    expect(() => run(data, strategy)).toThrow(
      /^strategy scripted threw in onBar\(AAA 2024-01-03T14:30:00.000Z\): boom$/,
    );
  });
});

describe('entry order types', () => {
  it('fill a buy limit at the limit, or at a better open', () => {
    const data = market([dailyBars('AAA', [FLAT, [100, 101, 97, 99], [95, 96, 94, 95]])]);
    const atLimit = run(
      data,
      scripted({ 0: (ctx) => ctx.buy('AAA', 10, { type: 'limit', limitPrice: 98 }) }),
    );
    expect(atLimit.openPositions[0]?.avgPrice).toBe(98);
    const better = run(data, scripted({ 1: (ctx) => ctx.buy('AAA', 10, { type: 'limit', limitPrice: 98 }) }));
    expect(better.openPositions[0]?.avgPrice).toBe(95);
  });

  it('fill a stop-limit at its trigger when within the limit, and rest as a limit after a gap past it', () => {
    const data = market([
      dailyBars('AAA', [FLAT, [100, 103, 99, 102], [106, 107, 104, 105], [104, 105, 100, 101]]),
    ]);
    const within = run(
      data,
      scripted({ 0: (ctx) => ctx.buy('AAA', 10, { type: 'stop_limit', stopPrice: 102, limitPrice: 102.5 }) }),
    );
    expect(within.openPositions[0]?.avgPrice).toBe(102);
    // Triggered by the gap to 106 (above the 105 limit): rests as a buy limit at 105 and fills
    // at the next bar's open of 104, which is better than the limit.
    const gapped = run(
      data,
      scripted({ 1: (ctx) => ctx.buy('AAA', 10, { type: 'stop_limit', stopPrice: 104, limitPrice: 105 }) }),
    );
    expect(gapped.openPositions[0]?.avgPrice).toBe(104);
    expect(gapped.openPositions[0]?.entryTime).toBe(newYorkToEpoch(weekdays(4)[3]!, '09:30'));
  });

  it('cancel the other orders of an OCO group when one fills', () => {
    const data = market([dailyBars('AAA', [FLAT, [100, 104, 99, 103], FLAT])]);
    const strategy = scripted({
      0: (ctx) => {
        ctx.buy('AAA', 10, { type: 'stop', stopPrice: 103, oco: 'straddle' });
        ctx.sell('AAA', 10, { type: 'stop', stopPrice: 97, oco: 'straddle' });
      },
      2: (ctx) => expect(ctx.openOrders('AAA')).toEqual([]),
    });
    const r = run(data, strategy);
    expect(r.openPositions).toMatchObject([{ qty: 10, avgPrice: 103 }]);
    expect(r.orders).toMatchObject({ filled: 1, canceled: 1 });
  });
});
