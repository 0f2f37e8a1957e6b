import { describe, expect, it } from 'vitest';
import { toHtmlReport } from '../../src/backtest/report/html-report.ts';
import { toJsonReport } from '../../src/backtest/report/json-report.ts';
import { escapeHtml, niceTicks, timeChart } from '../../src/backtest/report/svg-chart.ts';
import { dailyBars, market, run, scripted } from '../support/backtest-fixtures.ts';

describe('svg charts', () => {
  it('escape text and pick round ticks', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-7, 3, 5)).toEqual([-6, -4, -2, 0, 2]);
  });

  it('thins a long series to a few points per pixel and keeps the title', () => {
    const n = 200_000;
    const svg = timeChart({
      title: 'T <1>',
      width: 600,
      series: [
        {
          time: Float64Array.from({ length: n }, (_, i) => i * 60_000),
          value: Float64Array.from({ length: n }, (_, i) => Math.sin(i)),
          color: '#000',
        },
      ],
    });
    expect(svg).toContain('T &#60;1&#62;');
    expect(svg.length).toBeLessThan(60_000);
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

  it('JSON carries ISO times, rounded money and null for undefined figures', () => {
    const json = toJsonReport(result) as {
      trades: { exitTime: string; pnl: number }[];
      metrics: Record<string, unknown>;
      equity: unknown[];
    };
    expect(json.trades[0]).toMatchObject({ exitTime: '2024-01-04T14:30:00.000Z', pnl: -500 });
    expect(json.metrics.profitFactor).toBe(0);
    expect(json.metrics.averageWinUsd).toBeNull();
    expect(json.equity).toHaveLength(4);
    expect(() => JSON.stringify(json)).not.toThrow();
  });

  it('HTML escapes symbols and holds the charts and tables inline', () => {
    const html = toHtmlReport(result);
    expect(html).toContain('A&#38;B');
    expect(html).not.toContain('A&B');
    expect(html.match(/<svg/g)?.length).toBe(5);
    expect(html).toContain('Exits by reason');
    expect(html).toContain('stop_loss');
  });
});
