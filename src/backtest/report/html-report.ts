import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BacktestResult } from '../backtest-types.ts';
import { drawdownTable, monthlyTable, symbolTable } from './figure-tables.ts';
import { escapeHtml, nyTime } from './report-format.ts';
import { type ReportFigures, type ReportOptions, reportFigures } from './report-model.ts';
import { MAX_PRICE_POINTS, MAX_PRICE_SYMBOLS, reportPayload } from './report-payload.ts';
import {
  exitTable,
  metricsTable,
  openTable,
  ordersTable,
  riskSection,
  tradesTable,
} from './report-tables.ts';
import { histogram } from './svg-chart.ts';
import { tearsheet } from './tearsheet.ts';

export { nyTime } from './report-format.ts';

const require = createRequire(import.meta.url);
const GREEN = '#1a7f37';
const RED = '#cf222e';

let assets: { uplot: string; uplotCss: string; page: string } | undefined;

/**
 * The chart library (uPlot, the console's) and the page's own script, read once: inlined into
 * every report so it opens from disk with no network. The axis formatter is an ES module for its
 * unit tests; inlined, its `export` keywords are dropped.
 */
function pageAssets() {
  if (assets !== undefined) return assets;
  const read = (path: string) => readFileSync(path, 'utf8');
  const own = (name: string) => read(new URL(`./client/${name}`, import.meta.url).pathname);
  assets = {
    uplot: read(require.resolve('uplot/dist/uPlot.iife.min.js')),
    uplotCss: read(require.resolve('uplot/dist/uPlot.min.css')),
    page: `${own('axis-format.js').replace(/^export /gm, '')}\n${own('report-page.js')}`,
  };
  return assets;
}

/** Text that is safe inside a `<script>` element (no `</script`, no `<!--`). */
function inScript(text: string): string {
  return text.replace(/<(\/script|!--)/gi, '\\x3c$1');
}

/**
 * A self-contained HTML report (uPlot, its CSS and the page's script inline; no network): the
 * tearsheet and risk activity at the top; interactive equity (with a buy-and-hold benchmark),
 * drawdown and exposure charts; a price chart per symbol with entries, exits and stops; monthly
 * and yearly returns; per-symbol results; the worst drawdowns; sortable trades with CSV export.
 * `options.data` (the run's market data) gives the benchmark and the price charts.
 */
export function toHtmlReport(
  result: BacktestResult,
  options: ReportOptions = {},
  figures: ReportFigures = reportFigures(result, options),
): string {
  const title = options.title ?? `Backtest: ${result.strategy}`;
  const a = pageAssets();
  const payload = reportPayload(result, figures, options.data);
  const json = JSON.stringify(payload).replace(/</g, '\\u003c');
  const rs = result.trades.map((t) => t.rMultiple ?? Number.NaN);
  const hist = histogram('R multiples of closed trades', rs, { positive: GREEN, negative: RED, unit: 'R' });
  const eqNote =
    payload.equity.points > payload.equity.t.length
      ? ` The run has ${payload.equity.points.toLocaleString('en-US')} equity points; the charts and the equity CSV hold ${payload.equity.t.length.toLocaleString('en-US')} of them (the lowest and highest of each stretch); report.json has all.`
      : '';
  const priceNote =
    payload.prices.symbols.length === 0
      ? 'No bars were given to the report, so there are no price charts.'
      : `Closes of the run's span; at most ${MAX_PRICE_POINTS.toLocaleString('en-US')} points per symbol (longer series keep the lowest and highest close of each stretch and every trade's bar)${payload.prices.omitted > 0 ? `; charts for the ${MAX_PRICE_SYMBOLS} symbols with the most trades (${payload.prices.omitted} more left out)` : ''}.`;
  const b = figures.benchmark;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${a.uplotCss}</style>
<style>${CSS}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${result.symbols.length} symbol${result.symbols.length === 1 ? '' : 's'}: ${escapeHtml(summariseSymbols(result.symbols))} · ${nyTime(result.start)} → ${nyTime(result.end)} (New York) · ${result.stats.bars.toLocaleString('en-US')} bars · starting equity $${result.startingEquity.toLocaleString('en-US')}</p>
${tearsheet(result, figures)}
<h2>Equity</h2>
<p class="sub">Equity${b === null ? '' : ` and buy-and-hold of ${escapeHtml(b.symbol)} with the same starting equity (dashed)`}; shaded: <span class="sw amber"></span>reducing, <span class="sw red"></span>halted; dashed verticals: breaker trips. Hover for values; drag to zoom (all three charts follow); double-click to reset.${eqNote}</p>
<div id="chart-equity" class="uchart"></div>
<div id="chart-drawdown" class="uchart"></div>
<div id="chart-exposure" class="uchart"></div>
<h2 id="prices">Prices and trades</h2>
<p class="sub"><label>Symbol <select id="price-symbol"></select></label> green dots: entries, red dots: exits, dashed steps: the protective stop. ${priceNote}</p>
<div id="chart-price" class="uchart"></div>
<h2>Returns by month and year (%)</h2>
${monthlyTable(figures)}
<div class="row"><div class="half"><h2>Per symbol</h2>${symbolTable(figures)}</div>
<div class="half"><h2>Worst drawdowns</h2>${drawdownTable(figures)}</div></div>
<div class="row"><div class="chart half">${hist}</div><div class="half">${exitTable(result)}</div></div>
<h2>Risk engine activity</h2>
${riskSection(result)}
<h2>Metrics</h2>
${metricsTable(result.metrics)}
${ordersTable(result)}
<h2>Trades (${result.trades.length.toLocaleString('en-US')})</h2>
<p class="sub">Click a heading to sort. <button type="button" id="csv-trades">Download trades (CSV)</button> <button type="button" id="csv-equity">Download equity (CSV)</button></p>
${tradesTable(result)}
${openTable(result)}
<p class="sub">Times are America/New_York. Generated by riskgate backtest.</p>
<script type="application/json" id="report-data">${json}</script>
<script>${inScript(a.uplot)}</script>
<script>${inScript(a.page)}</script>
</body></html>
`;
}

function summariseSymbols(symbols: readonly string[]): string {
  return symbols.length <= 12 ? symbols.join(', ') : `${symbols.slice(0, 10).join(', ')} … ${symbols.at(-1)}`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#1f2328;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.sub{color:#59636e;margin:4px 0}.cards{display:grid;grid-template-columns:repeat(6,1fr);gap:8px;margin:14px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 10px}.card div{color:#59636e;font-size:12px}.card b{font-size:18px}
.up{color:${GREEN}}.down{color:${RED}}.chart{margin:10px 0}.row{display:flex;gap:16px}.half{flex:1;min-width:0}
.uchart{margin:8px 0 14px;min-height:120px}.sw{display:inline-block;width:10px;height:10px;margin:0 3px 0 6px;vertical-align:-1px}.sw.amber{background:rgba(191,135,0,.3)}.sw.red{background:rgba(207,34,46,.3)}
.warn{border:1px solid #d4a72c;background:#fff8c5;border-radius:6px;padding:6px 12px;margin:8px 0}.warn ul{margin:4px 0;padding-left:20px}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin:4px 0}th,td{border-bottom:1px solid #eaeef2;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}table.kv td:first-child{width:28%;color:#59636e}
table.sortable th{cursor:pointer;user-select:none}table.sortable th[aria-sort=ascending]::after{content:" ▲"}table.sortable th[aria-sort=descending]::after{content:" ▼"}
table.grid td{text-align:right;width:6.5%}#drawdowns td{white-space:nowrap}table.grid td.year{font-weight:600}table.grid th{text-align:right}
details{margin:6px 0}summary{cursor:pointer;color:#59636e}button{font:inherit;font-size:12.5px;padding:2px 10px;cursor:pointer}
svg .ct{font-size:13px;font-weight:600;fill:#1f2328}svg .cm{font-size:11px;fill:#59636e}svg .cg{stroke:#eaeef2}svg .cz{stroke:#8c959f}svg .cf{fill:none;stroke:#d0d7de}`;
