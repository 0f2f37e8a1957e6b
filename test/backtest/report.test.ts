import { describe, expect, it } from 'vitest';
import { toHtmlReport } from '../../src/backtest/report/html-report.ts';
import { toJsonReport } from '../../src/backtest/report/json-report.ts';
import { reportFigures } from '../../src/backtest/report/report-model.ts';
import {
  MAX_EQUITY_POINTS,
  MAX_PRICE_POINTS,
  reportPayload,
} from '../../src/backtest/report/report-payload.ts';
import { escapeHtml, histogram, niceTicks } from '../../src/backtest/report/svg-chart.ts';
import { generateSyntheticMarket } from '../../src/backtest/synthetic-market.ts';
import { dailyBars, market, run, scripted } from '../support/backtest-fixtures.ts';

describe('svg charts', () => {
  it('escape text and pick round ticks', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-7, 3, 5)).toEqual([-6, -4, -2, 0, 2]);
  });

  it('draws a histogram with one bar per bin and its title escaped', () => {
    const svg = histogram('R <1>', [-1, -0.5, 0.2, 2, 2.1], { bins: 4, positive: '#0f0', negative: '#f00' });
    expect(svg).toContain('R &#60;1&#62;');
    expect(svg.match(/<rect [^>]*fill="#(0f0|f00)"/g)).toHaveLength(4);
  });
});

describe('reports', () => {
  const data = market([
    dailyBars('A&B', [
      [100, 101, 99, 100],
      [100, 101, 94, 99],
      [99, 100, 94.5, 96],
      [96, 97, 95, 96],
    ]),
  ]);
  const result = run(data, scripted({ 0: (ctx) => ctx.buy('A&B', 100) }), {
    exits: { fixedStop: { percent: 5 } },
  });

  it('records the protective stop after each slice where it changed', () => {
    // Bought at the second open (100), stopped at 95 on the third bar; flat from then on.
    expect(result.stops['A&B']?.level).toEqual([95, Number.NaN]);
    expect(result.stops['A&B']?.time).toEqual([result.equity.time[1], result.equity.time[2]]);
  });

  it('JSON carries ISO times, rounded money, null for undefined figures, and the report figures', () => {
    const json = toJsonReport(result, {}, reportFigures(result, { data })) as {
      trades: { exitTime: string; pnl: number }[];
      metrics: Record<string, unknown>;
      equity: { benchmark: number }[];
      benchmark: unknown;
      monthlyReturns: unknown[];
      yearlyReturns: unknown[];
      drawdowns: { start: string; recovery: string | null; depthPercent: number }[];
      symbolResults: unknown[];
    };
    expect(json.trades[0]).toMatchObject({ exitTime: '2024-01-04T14:30:00.000Z', pnl: -500 });
    expect(json.metrics.profitFactor).toBe(0);
    expect(json.metrics.averageWinUsd).toBeNull();
    expect(json.equity).toHaveLength(4);
    expect(json.benchmark).toEqual({ symbol: 'A&B', totalReturnPercent: -4, kind: 'buy-and-hold' });
    expect(json.equity.map((e) => e.benchmark)).toEqual([100_000, 99_000, 96_000, 96_000]);
    expect(json.monthlyReturns).toEqual([{ year: 2024, month: 1, returnPercent: expect.any(Number) }]);
    expect(json.yearlyReturns).toHaveLength(1);
    expect(json.drawdowns[0]).toMatchObject({ start: '2024-01-02T14:30:00.000Z', recovery: null });
    expect(json.symbolResults).toEqual([
      { symbol: 'A&B', trades: 1, wins: 0, winRatePercent: 0, pnl: -500, exposurePercent: 25, openQty: 0 },
    ]);
    expect(() => JSON.stringify(json)).not.toThrow();
  });

  it('without market data, JSON has no benchmark and a named benchmark is refused', () => {
    expect((toJsonReport(result) as { benchmark: unknown }).benchmark).toBeNull();
    expect(() => reportFigures(result, { data, benchmark: 'SPY' })).toThrow(
      /benchmark SPY: no bars for it in the run; expected one of A&B/,
    );
  });

  it('HTML is one file: uPlot, its CSS and the page script inline, the data as JSON, symbols escaped', () => {
    const html = toHtmlReport(result, { data });
    expect(html).toContain('A&#38;B');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/); // nothing loaded from elsewhere
    expect(html).toContain('https://github.com/leeoniya/uPlot (v1.6.32)');
    expect(html).toContain('.uplot');
    expect(html).toContain('function formatTicks(');
    expect(html).not.toMatch(/^export /m);
    const json = html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!;
    const payload = JSON.parse(json);
    expect(payload.benchmark).toBe('A&B');
    expect(payload.prices.symbols).toEqual(['A&B']);
    expect(payload.prices.bySymbol['A&B'].entries).toEqual([[result.trades[0]!.entryTime / 1000, 100]]);
    expect(payload.prices.bySymbol['A&B'].stops).toEqual([
      [result.equity.time[1]! / 1000, 95],
      [result.equity.time[2]! / 1000, null],
    ]);
    for (const id of [
      'chart-equity',
      'chart-drawdown',
      'chart-exposure',
      'chart-price',
      'monthly',
      'symbols',
      'drawdowns',
      'trades',
    ])
      expect(html).toContain(`id="${id}"`);
    expect(html).toContain('Exits by reason');
    expect(html).toContain('stop_loss');
  });

  it('keeps the script element closed only where it ends, whatever a symbol is called', () => {
    const odd = market([
      dailyBars('</script><b>', [
        [1, 1, 1, 1],
        [1, 1, 1, 1],
      ]),
    ]);
    const r = run(odd, scripted({}));
    const html = toHtmlReport(r, { data: odd });
    const scripts = html.match(/<\/script>/g)!.length;
    expect(scripts).toBe(3);
  });
});

describe('long runs in the report', () => {
  // 6,000 sessions of two symbols, a round trip in each every 500 bars.
  const data = generateSyntheticMarket({ seed: 5, symbols: 2, sessions: 6000, splits: false });
  const result = run(data, {
    name: 'periodic',
    onBar(bar, ctx) {
      const n = ctx.barCount(bar.symbol);
      if (n % 500 === 1) ctx.buy(bar.symbol, 10);
      if (n % 500 === 251) ctx.close(bar.symbol);
    },
  });

  it('thins the equity and price series to their limits, keeping every trade bar and the extremes', () => {
    const payload = reportPayload(result, reportFigures(result, { data }), data);
    expect(result.equity.time.length).toBe(6000);
    expect(payload.equity.points).toBe(6000);
    expect(payload.equity.t.length).toBeLessThanOrEqual(MAX_EQUITY_POINTS + 2);
    expect(payload.equity.t.length).toBeGreaterThan(MAX_EQUITY_POINTS / 2);
    const lowest = Math.min(...result.equity.equity);
    expect(Math.min(...(payload.equity.equity as number[]))).toBeCloseTo(lowest, 2);
    for (const symbol of payload.prices.symbols) {
      const p = payload.prices.bySymbol[symbol]!;
      expect(p.bars).toBe(6000);
      expect(p.t.length).toBeLessThanOrEqual(MAX_PRICE_POINTS + 2 + 2 * p.trades);
      const times = new Set(p.t);
      for (const [t] of [...p.entries, ...p.exits]) expect(times.has(t)).toBe(true);
      expect(p.trades).toBeGreaterThanOrEqual(11);
    }
    const html = toHtmlReport(result, { data });
    expect(html).toContain('The run has 6,000 equity points; the charts and the equity CSV hold');
  });
});
