import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import type { Decision } from '../../src/core/decision.ts';
import { RiskEngine } from '../../src/core/engine.ts';
import { stock } from '../../src/core/instrument.ts';
import { newYorkToEpoch, sessionDate } from '../../src/core/session.ts';
import type { BreakerTrip } from '../../src/core/state-store.ts';
import { profile } from '../support/engine-fixtures.ts';
import { describeWithShared } from '../support/shared-data.ts';

interface MinuteBar {
  readonly symbol: string;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

interface DayPlan {
  readonly startingEquity: number;
  readonly dailyLossUsd: number;
  /** Entries bought at the close of the named symbol's bar. */
  readonly entries: readonly { readonly symbol: string; readonly at: number; readonly qty: number }[];
  /** Times (bar starts) at which an entry and an exit are tried after the trip. */
  readonly probes: readonly number[];
}

interface DayResult {
  readonly trip: { readonly bar: MinuteBar; readonly trip: BreakerTrip } | undefined;
  readonly expected: { readonly bar: MinuteBar; readonly loss: number; readonly equity: number } | undefined;
  readonly statesAfterTrip: Set<string>;
  readonly probes: { readonly time: number; readonly entry: Decision; readonly exit: Decision }[];
  readonly entriesAccepted: number;
  readonly engine: RiskEngine;
}

/**
 * Replays one day of minute bars through the engine with a daily-loss breaker, opening the
 * planned positions in the morning. Alongside, a plain model of cash and positions says at
 * which bar the loss first reaches the limit, and with which numbers.
 */
function replayDay(bars: readonly MinuteBar[], plan: DayPlan): DayResult {
  const clock = new ManualClock(bars[0]!.time);
  const symbols = [...new Set(bars.map((b) => b.symbol))];
  const engine = new RiskEngine({
    profile: profile({
      startingEquity: plan.startingEquity,
      breakers: { dailyLoss: { usd: plan.dailyLossUsd } },
    }),
    clock,
    instruments: symbols.map((s) => stock(s)),
  });
  let cash = plan.startingEquity;
  const qty = new Map<string, number>();
  const price = new Map<string, number>();
  let expected: DayResult['expected'];
  let trip: DayResult['trip'];
  const statesAfterTrip = new Set<string>();
  const probes: DayResult['probes'] = [];
  const probeTimes = new Set(plan.probes);
  let entriesAccepted = 0;
  let seq = 0;

  for (const bar of bars) {
    clock.set(bar.time);
    const actions = engine.onMarket({ kind: 'bar', volume: 100, ...bar });
    price.set(bar.symbol, bar.close);
    const trips = [...actions.trips];

    for (const planned of plan.entries) {
      if (planned.symbol !== bar.symbol || planned.at !== bar.time) continue;
      const order = {
        clientOrderId: `e-${++seq}`,
        symbol: bar.symbol,
        side: 'buy' as const,
        qty: planned.qty,
        type: 'market' as const,
        timeInForce: 'day' as const,
      };
      if (engine.validateOrder(order).kind === 'deny') continue;
      entriesAccepted++;
      const fill = engine.onFill({
        executionId: `x-${seq}`,
        clientOrderId: order.clientOrderId,
        symbol: bar.symbol,
        side: 'buy',
        qty: planned.qty,
        price: bar.close,
        time: bar.time,
      });
      trips.push(...fill.trips);
      cash -= planned.qty * bar.close;
      qty.set(bar.symbol, (qty.get(bar.symbol) ?? 0) + planned.qty);
    }

    let equity = cash;
    for (const [s, q] of qty) equity += q * price.get(s)!;
    const loss = plan.startingEquity - equity;
    if (expected === undefined && loss >= plan.dailyLossUsd - 1e-9) expected = { bar, loss, equity };
    if (trips.length > 0) {
      if (trip !== undefined) throw new Error(`tripped a second time at ${new Date(bar.time).toISOString()}`);
      trip = { bar, trip: trips[0]! };
    } else if (trip !== undefined) {
      statesAfterTrip.add(engine.tradingState);
    }

    if (trip !== undefined && probeTimes.has(bar.time)) {
      probeTimes.delete(bar.time);
      const held = [...qty].find(([, q]) => q > 0);
      const entry = engine.validateOrder({
        clientOrderId: `p-${++seq}`,
        symbol: bar.symbol,
        side: 'buy',
        qty: 1,
        type: 'market',
        timeInForce: 'day',
      });
      const exit =
        held === undefined
          ? entry
          : engine.validateOrder({
              clientOrderId: `p-${++seq}`,
              symbol: held[0],
              side: 'sell',
              qty: held[1],
              type: 'market',
              timeInForce: 'day',
            });
      if (held !== undefined && exit.kind !== 'deny') {
        const fill = engine.onFill({
          executionId: `x-${seq}`,
          clientOrderId: `p-${seq}`,
          symbol: held[0],
          side: 'sell',
          qty: held[1],
          price: price.get(held[0])!,
          time: bar.time,
        });
        cash += held[1] * price.get(held[0])!;
        qty.delete(held[0]);
        if (fill.trips.length > 0) throw new Error('an exit fill tripped a breaker again');
      }
      probes.push({ time: bar.time, entry, exit });
    }
  }
  return { trip, expected, statesAfterTrip, probes, entriesAccepted, engine };
}

function expectTheDay(result: DayResult, plan: DayPlan) {
  expect(result.entriesAccepted).toBe(plan.entries.length);
  const { trip, expected } = result;
  if (trip === undefined || expected === undefined) expect.fail('the day should have breached the limit');
  expect(trip.bar).toBe(expected.bar);
  expect(trip.trip.message).toBe(
    `DAILY_LOSS_LIMIT: loss=${expected.loss.toFixed(2)} limit=${plan.dailyLossUsd.toFixed(2)} dayStartEquity=${plan.startingEquity.toFixed(2)} equity=${expected.equity.toFixed(2)}`,
  );
  expect(trip.trip).toMatchObject({ code: 'DAILY_LOSS_LIMIT', action: 'halted', at: trip.bar.time });
  expect([...result.statesAfterTrip]).toEqual(['halted']);
  expect(result.probes).toHaveLength(plan.probes.length);
  for (const probe of result.probes) {
    expect(probe.entry.kind === 'deny' && probe.entry.violations.map((v) => v.code)).toEqual([
      'TRADING_HALTED',
    ]);
  }
  // The first probe closes a position: exits pass while halted.
  expect(result.probes[0]!.exit).toMatchObject({ kind: 'accept', effect: 'close' });
}

const MINUTES_FILE = 'data/lean_minute_trade_SPY_IBM_BAC_AIG_2013-10-04_2013-10-11.csv';

function loadSession(path: string, date: string): MinuteBar[] {
  const order = ['SPY', 'IBM', 'BAC', 'AIG'];
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return lines
    .map((line) => line.split(','))
    .map(([symbol, start, , open, high, low, close]) => ({
      symbol: symbol!,
      time: Date.parse(start!),
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
    }))
    .filter((b) => sessionDate(b.time) === date)
    .sort((a, b) => a.time - b.time || order.indexOf(a.symbol) - order.indexOf(b.symbol));
}

describeWithShared(
  'a day of real minute bars that breaches the daily loss limit',
  [MINUTES_FILE],
  ([path]) => {
    it('real minute bars of 2013-10-08: positions opened at 09:45 and 10:00, the breaker halts at the 12:31 BAC bar with a $1,002 loss, the halt holds for the rest of the day, entries are denied and exits pass', () => {
      const at = (time: string) => newYorkToEpoch('2013-10-08', time);
      const plan: DayPlan = {
        startingEquity: 100_000,
        dailyLossUsd: 1_000,
        entries: [
          { symbol: 'SPY', at: at('09:45'), qty: 200 },
          { symbol: 'IBM', at: at('09:45'), qty: 100 },
          { symbol: 'AIG', at: at('10:00'), qty: 500 },
          { symbol: 'BAC', at: at('10:00'), qty: 1_000 },
        ],
        probes: [at('13:00'), at('15:00'), at('15:59')],
      };
      const bars = loadSession(path!, '2013-10-08');
      expect(bars.length).toBeGreaterThan(2_000);
      const result = replayDay(bars, plan);
      expectTheDay(result, plan);
      expect(result.trip!.bar).toMatchObject({ symbol: 'BAC', time: at('12:31') });
      expect(result.trip!.trip.message).toBe(
        'DAILY_LOSS_LIMIT: loss=1002.00 limit=1000.00 dayStartEquity=100000.00 equity=98998.00',
      );
      expect(result.engine.snapshot().dayStart).toEqual({ sessionDate: '2013-10-08', equity: 100_000 });
    });
  },
);

describe('a synthetic day that breaches the daily loss limit', () => {
  it('synthetic minute bars: the loss reaches the limit exactly at 11:25, one bar after it was $10 short, and the halt holds until the next session opens', () => {
    const day = '2024-03-15';
    const open = newYorkToEpoch(day, '09:30');
    const entryAt = newYorkToEpoch(day, '09:45');
    const bars: MinuteBar[] = [];
    // AAA falls 2 cents and BBB 1 cent a minute from 09:45: 500 × 0.02 + 1,000 × 0.01 = $20 a minute.
    for (let minute = 0; minute < 390; minute++) {
      const time = open + minute * 60_000;
      const m = Math.max(0, (time - entryAt) / 60_000);
      for (const [symbol, start, step] of [
        ['AAA', 100, 0.02],
        ['BBB', 50, 0.01],
      ] as const) {
        const close = Math.round((start - step * m) * 100) / 100;
        const prev = Math.round((start - step * Math.max(0, m - 1)) * 100) / 100;
        bars.push({
          symbol,
          time,
          open: prev,
          high: Math.max(prev, close),
          low: Math.min(prev, close),
          close,
        });
      }
    }
    const plan: DayPlan = {
      startingEquity: 200_000,
      dailyLossUsd: 2_000,
      entries: [
        { symbol: 'AAA', at: entryAt, qty: 500 },
        { symbol: 'BBB', at: entryAt, qty: 1_000 },
      ],
      probes: [newYorkToEpoch(day, '11:26'), newYorkToEpoch(day, '15:59')],
    };
    const result = replayDay(bars, plan);
    expectTheDay(result, plan);
    expect(result.trip!.bar).toMatchObject({ symbol: 'BBB', time: newYorkToEpoch(day, '11:25') });
    expect(result.trip!.trip.values).toEqual({
      loss: 2_000,
      limit: 2_000,
      dayStartEquity: 200_000,
      equity: 198_000,
    });

    // Monday before the open: a new date, still halted (the daily-loss latch re-arms next-session).
    const bbb = (time: number) =>
      result.engine.onMarket({
        kind: 'bar',
        symbol: 'BBB',
        time,
        open: 46,
        high: 46,
        low: 46,
        close: 46,
        volume: 1,
      });
    bbb(newYorkToEpoch('2024-03-18', '08:00'));
    expect(result.engine.snapshot().dayStart?.sessionDate).toBe('2024-03-18');
    expect(result.engine.tradingState).toBe('halted');
    // At Monday's open the halt lifts by itself, recorded as a re-arm by the system.
    bbb(newYorkToEpoch('2024-03-18', '09:30'));
    expect(result.engine.tradingState).toBe('active');
    expect(result.engine.snapshot().tradingState).toMatchObject({ code: 'REARM', by: 'system' });
  });
});
