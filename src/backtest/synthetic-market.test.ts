import { describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from './synthetic-market.ts';

describe('generateSyntheticMarket', () => {
  it('is a pure function of its seed', () => {
    const a = generateSyntheticMarket({ seed: 42, sessions: 300 });
    const b = generateSyntheticMarket({ seed: 42, sessions: 300 });
    const c = generateSyntheticMarket({ seed: 43, sessions: 300 });
    expect(a.bars.map((s) => [...s.close])).toEqual(b.bars.map((s) => [...s.close]));
    expect([...a.indexes[0]!.value]).toEqual([...b.indexes[0]!.value]);
    expect(a.bars[0]!.close).not.toEqual(c.bars[0]!.close);
  });

  it('makes consistent bars on a weekday calendar for every symbol, with sectors', () => {
    const m = generateSyntheticMarket({ seed: 1, symbols: 10, sessions: 400 });
    expect(m.bars).toHaveLength(10);
    expect(new Set(Object.values(m.sectors)).size).toBe(5);
    for (const s of m.bars) {
      expect(s.length).toBe(400);
      for (let i = 0; i < s.length; i++) {
        expect(s.high[i]!).toBeGreaterThanOrEqual(Math.max(s.open[i]!, s.close[i]!));
        expect(s.low[i]!).toBeLessThanOrEqual(Math.min(s.open[i]!, s.close[i]!));
        expect(s.low[i]!).toBeGreaterThan(0);
        const day = new Date(s.time[i]!).getUTCDay();
        expect(day).not.toBe(0);
        expect(day).not.toBe(6);
      }
    }
  });

  it('has volatility clusters, overnight gaps and a VIX that rises with volatility', () => {
    const m = generateSyntheticMarket({ seed: 7, symbols: 5, sessions: 1500 });
    // Clustering: the size of the average open-to-close move is autocorrelated day to day.
    const n = m.bars[0]!.length;
    const moves: number[] = [];
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (const b of m.bars) sum += Math.log(b.close[i]! / b.open[i]!);
      moves.push(Math.abs(sum / m.bars.length));
    }
    const mean = moves.reduce((a, b) => a + b, 0) / n;
    let num = 0;
    let den = 0;
    for (let i = 1; i < n; i++) num += (moves[i]! - mean) * (moves[i - 1]! - mean);
    for (const x of moves) den += (x - mean) ** 2;
    expect(num / den).toBeGreaterThan(0.1);
    let gaps = 0;
    for (const s of m.bars)
      for (let i = 1; i < n; i++) if (Math.abs(s.open[i]! / s.close[i - 1]! - 1) > 0.04) gaps++;
    expect(gaps).toBeGreaterThan(3);
    const vix = m.indexes[0]!;
    expect(Math.max(...vix.value)).toBeGreaterThan(30);
    expect(Math.min(...vix.value)).toBeGreaterThanOrEqual(9);
  });

  it('splits a symbol whose price runs past $500 and scales later bars', () => {
    const m = generateSyntheticMarket({ seed: 7 });
    expect(m.splits.length).toBeGreaterThan(0);
    const split = m.splits[0]!;
    const s = m.bars.find((b) => b.symbol === split.symbol)!;
    const i = s.time.findIndex((t) => t >= split.time);
    expect(s.close[i - 1]! / s.open[i]!).toBeGreaterThan(split.ratio * 0.8);
  });

  it('makes hourly bars LEAN-style (7 a session, the first at 09:30)', () => {
    const m = generateSyntheticMarket({ seed: 3, symbols: 1, sessions: 2, resolution: 'hour' });
    const s = m.bars[0]!;
    expect(s.length).toBe(14);
    expect(s.resolution).toBe('hour');
    expect(s.time[1]! - s.time[0]!).toBe(30 * 60_000);
    expect(s.time[2]! - s.time[1]!).toBe(60 * 60_000);
  });
});
