import { describe, expect, it } from 'vitest';
import { newYorkToEpoch } from '../../src/core/session.ts';
import { dailyBars, market, run, scripted, weekdays } from '../support/backtest-fixtures.ts';

const FLAT = [100, 101, 99, 100];

describe('square-root impact in a run', () => {
  const bar = [100, 101, 99, 100, 10_000];
  const data = market([dailyBars('AAA', [bar, bar, bar, bar])]);
  const impact = { slippage: { impact: { k: 0.5, fallbackSigma: 0.02 } } };
  const entry = (qty: number) =>
    run(data, scripted({ 0: (ctx) => ctx.buy('AAA', qty) }), {}, { execution: impact });

  it('moves the entry by k · σ · sqrt(qty / bar volume), twice as far for four times the shares', () => {
    const small = entry(100);
    const large = entry(400);
    const perShare = 100 * 0.5 * 0.02 * Math.sqrt(100 / 10_000); // $0.10 a share
    expect(small.openPositions[0]!.avgPrice - 100).toBeCloseTo(perShare, 10);
    expect(large.openPositions[0]!.avgPrice - 100).toBeCloseTo(2 * perShare, 10);
    // The dollars lost grow as qty^1.5: 4× the shares pays 8× the impact.
    expect(large.costs.slippageByKind.impact).toBeCloseTo(8 * small.costs.slippageByKind.impact, 6);
    expect(small.costs.slippage).toBeCloseTo(small.costs.slippageByKind.impact, 10);
    expect(small.costs.slippageByKind).toMatchObject({ fixed: 0, spread: 0 });
  });

  it('is off by default: the flat models keep their meaning', () => {
    const r = run(
      data,
      scripted({ 0: (ctx) => ctx.buy('AAA', 400) }),
      {},
      { execution: { slippage: { bps: 10 } } },
    );
    expect(r.openPositions[0]!.avgPrice).toBeCloseTo(100.1, 10);
    expect(r.costs.slippageByKind).toEqual({ fixed: expect.closeTo(40, 6), spread: 0, impact: 0 });
  });

  it('adds half the assumed spread on top', () => {
    const r = run(
      data,
      scripted({ 0: (ctx) => ctx.buy('AAA', 100) }),
      {},
      { execution: { slippage: { spreadBps: 10 } } },
    );
    expect(r.openPositions[0]!.avgPrice).toBeCloseTo(100.05, 10);
    expect(r.costs.slippageByKind.spread).toBeCloseTo(5, 6);
  });
});

describe('participation cap', () => {
  const rows = [
    FLAT,
    [100, 101, 99, 100, 1_000],
    [100, 101, 99, 100, 1_000],
    [100, 101, 99, 100, 1_000],
    FLAT,
  ];

  it('splits a large order across bars at the cap', () => {
    const fills: number[] = [];
    const strategy = {
      ...scripted({ 0: (ctx) => ctx.buy('AAA', 250) }),
      onFill: (f: { qty: number }) => fills.push(f.qty),
    };
    const r = run(market([dailyBars('AAA', rows)]), strategy, {}, { execution: { maxParticipation: 0.1 } });
    expect(fills).toEqual([100, 100, 50]);
    expect(r.orders).toMatchObject({ fills: 3, partiallyFilled: 1, filled: 1 });
    expect(r.openPositions[0]!.qty).toBe(250);
  });

  it('lets an exit complete over the following bars (it stays working, never dropped)', () => {
    const fills: { qty: number; side: string }[] = [];
    const exitRows = [
      FLAT,
      FLAT,
      [100, 101, 99, 100, 1_000],
      [100, 101, 99, 100, 1_000],
      [100, 101, 99, 100, 1_000],
      FLAT,
    ];
    const strategy = {
      ...scripted({ 0: (ctx) => ctx.buy('AAA', 250), 1: (ctx) => ctx.close('AAA') }),
      onFill: (f: { qty: number; side: string }) => fills.push({ qty: f.qty, side: f.side }),
    };
    const r = run(
      market([dailyBars('AAA', exitRows)]),
      strategy,
      {},
      { execution: { maxParticipation: 0.1 } },
    );
    // The entry fills whole on a 1,000,000-share bar; the exit takes 100 shares a bar.
    expect(fills).toEqual([
      { qty: 250, side: 'buy' },
      { qty: 100, side: 'sell' },
      { qty: 100, side: 'sell' },
      { qty: 50, side: 'sell' },
    ]);
    expect(r.openPositions).toEqual([]);
    expect(r.trades).toHaveLength(1);
  });

  it('lets at least one share a bar through when the cap rounds down to nothing, so an order still progresses', () => {
    const thin = [100, 101, 99, 100, 5];
    const fills: number[] = [];
    const strategy = {
      ...scripted({ 0: (ctx) => ctx.buy('AAA', 2) }),
      onFill: (f: { qty: number }) => fills.push(f.qty),
    };
    run(
      market([dailyBars('AAA', [FLAT, thin, thin, thin])]),
      strategy,
      {},
      { execution: { maxParticipation: 0.1 } },
    );
    expect(fills).toEqual([1, 1]);
  });

  it('does not cap a bar whose volume is 0 (volume unknown)', () => {
    const data = market([dailyBars('AAA', [FLAT, [100, 101, 99, 100, 0], FLAT])]);
    const r = run(
      data,
      scripted({ 0: (ctx) => ctx.buy('AAA', 500) }),
      {},
      { execution: { maxParticipation: 0.01 } },
    );
    expect(r.orders).toMatchObject({ fills: 1, filled: 1 });
  });
});

describe('borrow fee on a short', () => {
  it('accrues the annual rate per calendar day on the short notional, and lowers equity by it', () => {
    const days = 12;
    const rows = Array.from({ length: days }, () => [50, 51, 49, 50]);
    const data = market([dailyBars('AAA', rows)]);
    const strategy = scripted({ 0: (ctx) => ctx.sell('AAA', 100) });
    const withFee = run(data, strategy, {}, { execution: { borrow: { annualPercent: 3.6 } } });
    const free = run(data, strategy);
    expect(withFee.openPositions[0]).toMatchObject({ qty: -100, avgPrice: 50 });
    // The short opens at the second session's open and is held every night up to the last session.
    const dates = weekdays(days);
    const nights = (Date.parse(dates[days - 1]!) - Date.parse(dates[1]!)) / 86_400_000;
    expect(nights).toBe(14); // 10 sessions later, over two weekends
    const expected = 100 * 50 * (3.6 / 100 / 360) * nights;
    expect(withFee.costs.borrow).toBeCloseTo(expected, 8);
    expect(free.costs.borrow).toBe(0);
    expect(free.finalEquity - withFee.finalEquity).toBeCloseTo(expected, 8);
    expect(withFee.equity.time[withFee.equity.time.length - 1]).toBe(
      newYorkToEpoch(dates[days - 1]!, '09:30'),
    );
  });
});
