import { describe, expect, it } from 'vitest';
import { engineWith, fill, order, T0 } from '../../../test/support/engine-fixtures.ts';
import type { Bar } from '../market.ts';
import { newYorkToEpoch } from '../session.ts';
import { barResolutionProblem, profileTimeframes } from './profile-timeframes.ts';
import { barsPerYear, resolutionProblem, type Timeframe } from './timeframe.ts';
import { TimeframeBars } from './timeframe-bars.ts';

const MIN = 60_000;
const DAY = 86_400_000;

function minuteBar(time: number, close: number, high = close, low = close, open = close): Bar {
  return { kind: 'bar', symbol: 'SPY', time, open, high, low, close, volume: 10, durationMs: MIN };
}

function collect(tfs: Timeframe[], bars: Bar[], durationMs = MIN): [Timeframe, Bar][] {
  const builder = new TimeframeBars(tfs);
  const out: [Timeframe, Bar][] = [];
  for (const b of bars) builder.add(b, durationMs, (tf, done) => out.push([tf, done]));
  return out;
}

describe('bars per timeframe', () => {
  const open = newYorkToEpoch('2013-10-07', '09:30');

  it('builds a 5m bar from five one-minute bars, complete on the bar that reaches its end', () => {
    const bars = [0, 1, 2, 3, 4, 5].map((i) => minuteBar(open + i * MIN, 100 + i, 100 + i + 0.5, 99 + i));
    const out = collect(['5m'], bars);
    expect(out).toEqual([
      [
        '5m',
        { kind: 'bar', symbol: 'SPY', time: open, open: 100, high: 104.5, low: 99, close: 104, volume: 50 },
      ],
    ]);
  });

  it('passes a one-minute bar through as the 1m bar', () => {
    const out = collect(['1m'], [minuteBar(open, 100)]);
    expect(out.map(([tf, b]) => [tf, b.time])).toEqual([['1m', open]]);
  });

  it('closes a bucket that lost its last bars on the first bar of a later bucket', () => {
    const out = collect(
      ['5m'],
      [minuteBar(open, 100), minuteBar(open + 2 * MIN, 101), minuteBar(open + 7 * MIN, 102)],
    );
    expect(out).toHaveLength(1);
    expect(out[0]?.[1]).toMatchObject({ time: open, open: 100, close: 101 });
  });

  it('aligns 1h bars to the clock in New York and a 1d bar to the New York day', () => {
    const bars = Array.from({ length: 40 }, (_, i) => minuteBar(open + i * MIN, 100 + i));
    const hours = collect(['1h'], bars).map(([, b]) => b.time);
    expect(hours).toEqual([newYorkToEpoch('2013-10-07', '09:00')]);
    // The day closes on the first bar of the next New York day (evening UTC is still that day).
    const late = minuteBar(newYorkToEpoch('2013-10-07', '19:59'), 150);
    const next = minuteBar(newYorkToEpoch('2013-10-08', '04:00'), 151);
    const days = collect(['1d'], [...bars, late, next]);
    expect(days).toEqual([
      [
        '1d',
        {
          kind: 'bar',
          symbol: 'SPY',
          time: newYorkToEpoch('2013-10-07'),
          open: 100,
          high: 150,
          low: 100,
          close: 150,
          volume: 410,
        },
      ],
    ]);
  });

  it('takes a daily bar as the 1d bar at once', () => {
    const daily: Bar = { ...minuteBar(newYorkToEpoch('2013-10-07'), 100), durationMs: DAY };
    expect(collect(['1d'], [daily], DAY)).toEqual([['1d', daily]]);
  });

  it('refuses bars coarser than a timeframe, or that do not divide it', () => {
    expect(resolutionProblem(DAY, '1m')).toBe('bars of 1d are coarser than 1m');
    expect(resolutionProblem(45_000, '1m')).toBe('1m is not a whole number of 45s bars');
    expect(resolutionProblem(MIN, '1d')).toBeNull();
    expect(resolutionProblem(3_600_000, '1d')).toBeNull();
  });

  it('annualizes per timeframe: 252 days, or 252 sessions of 390 minutes', () => {
    expect(barsPerYear('1d')).toBe(252);
    expect(barsPerYear('1m')).toBe(252 * 390);
    expect(barsPerYear('5m')).toBe(252 * 78);
  });
});

describe('the engine counts bars of the profile timeframes', () => {
  it('lists the timeframes a profile counts in, and names the fields when the data is too coarse', () => {
    const { engine } = engineWith({
      indicators: { atr: { period: 3, timeframe: '5m' } },
      exits: { atrStop: { multiple: 2 }, timeExit: { maxBars: 2, timeframe: '1d' } },
    });
    expect(profileTimeframes(engine.profile)).toEqual(['5m', '1d']);
    expect(barResolutionProblem(engine.profile, DAY)).toBe(
      'the profile counts 5m bars (indicators.atr), but bars of 1d are coarser than 5m',
    );
    expect(barResolutionProblem(engine.profile, MIN)).toBeNull();
  });

  it('a 5m time exit fires on the one-minute bar that completes the second 5m bar after entry', () => {
    const { engine } = engineWith({ exits: { timeExit: { maxBars: 2, timeframe: '5m' } } });
    fill(engine, order('AAPL', 'buy', 10), 100, T0 + 30_000); // inside the 10:00–10:05 bar
    const exitsAt: number[] = [];
    for (let i = 0; i < 20; i++) {
      const time = T0 + i * MIN;
      const actions = engine.onMarket({ ...minuteBar(time, 100), symbol: 'AAPL' });
      if (actions.exits.length > 0) exitsAt.push(i);
    }
    // 10:00–10:05 holds the entry; 10:05–10:10 and 10:10–10:15 count; the second ends on 10:14.
    expect(exitsAt[0]).toBe(14);
  });

  it('a 1d ATR is the same from minute bars as from the daily bars they make', () => {
    const days = ['2013-10-01', '2013-10-02', '2013-10-03', '2013-10-04'];
    const fromMinutes = engineWith({ indicators: { atr: { period: 3, timeframe: '1d' } } }).engine;
    const fromDaily = engineWith({ indicators: { atr: { period: 3, timeframe: '1d' } } }).engine;
    days.forEach((day, d) => {
      const open = newYorkToEpoch(day, '09:30');
      for (let i = 0; i < 390; i++) {
        const price = 100 + d + Math.sin(i / 20) * (d + 1);
        fromMinutes.onMarket({ ...minuteBar(open + i * MIN, price), symbol: 'AAPL' });
      }
      const closes = Array.from({ length: 390 }, (_, i) => 100 + d + Math.sin(i / 20) * (d + 1));
      fromDaily.onMarket({
        kind: 'bar',
        symbol: 'AAPL',
        time: newYorkToEpoch(day),
        open: closes[0]!,
        high: Math.max(...closes),
        low: Math.min(...closes),
        close: closes[389]!,
        volume: 1,
        durationMs: DAY,
      });
    });
    // The fourth day closes on the next day's first bar: until then three days are done.
    fromMinutes.onMarket({ ...minuteBar(newYorkToEpoch('2013-10-07', '09:30'), 104), symbol: 'AAPL' });
    expect(fromMinutes.atr('AAPL')).toBeGreaterThan(0);
    expect(fromMinutes.atr('AAPL')).toBeCloseTo(fromDaily.atr('AAPL'), 10);
  });

  it('refuses a bar that cannot build a timeframe the profile counts in', () => {
    const { engine } = engineWith({ exits: { timeExit: { maxBars: 2, timeframe: '1m' } } });
    expect(() => engine.onMarket({ ...minuteBar(T0, 100), symbol: 'AAPL', durationMs: DAY })).toThrow(
      'the profile counts 1m bars (exits.timeExit), but bars of 1d are coarser than 1m',
    );
  });
});
