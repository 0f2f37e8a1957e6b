// The backtest report's page script, inlined after uPlot and the axis formatter (formatTicks,
// formatValue): interactive charts, symbol selection, sortable tables and CSV downloads. Reads
// its data from the JSON in #report-data; needs no network.
/* global uPlot, formatTicks, formatValue */
(() => {
  const R = JSON.parse(document.getElementById('report-data').textContent);
  const NY = 'America/New_York';
  const BLUE = '#0969da';
  const GREY = '#6e7781';
  const GREEN = '#1a7f37';
  const RED = '#cf222e';
  const tzDate = (ts) => uPlot.tzDate(new Date(ts * 1e3), NY);
  const plots = [];

  const widthOf = (el) => Math.max(320, el.clientWidth || 960);
  const axisY = (kind) => ({ values: (_u, ticks) => formatTicks(ticks, kind), size: 78 });
  const line = (label, stroke, kind, extra) => ({
    label,
    stroke,
    width: 1.5,
    value: (_u, v) => formatValue(v, kind),
    ...extra,
  });

  /** Latched periods as shaded bands and breaker trips as dashed verticals, under the series. */
  function drawRisk(u) {
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    for (const b of R.bands) {
      const x0 = Math.max(u.valToPos(b.from, 'x', true), left);
      const x1 = Math.min(u.valToPos(b.to, 'x', true), left + width);
      if (x1 <= x0) continue;
      ctx.fillStyle = b.state === 'halted' ? 'rgba(207,34,46,0.15)' : 'rgba(191,135,0,0.15)';
      ctx.fillRect(x0, top, Math.max(x1 - x0, 1), height);
    }
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1;
    for (const t of R.trips) {
      const x = u.valToPos(t.t, 'x', true);
      if (x < left || x > left + width) continue;
      ctx.strokeStyle = t.action === 'pause' ? 'rgba(140,149,159,0.6)' : RED;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
    }
    ctx.restore();
  }

  // Zoom one time chart and the others follow.
  let syncing = false;
  function followZoom(u, key) {
    if (key !== 'x' || syncing) return;
    syncing = true;
    const { min, max } = u.scales.x;
    for (const other of plots) if (other !== u && other.runSync) other.setScale('x', { min, max });
    syncing = false;
  }

  function timeChart(id, height, series, data, extraHooks) {
    const el = document.getElementById(id);
    const u = new uPlot(
      {
        width: widthOf(el),
        height,
        tzDate,
        cursor: { sync: { key: 'run' }, drag: { x: true, y: false } },
        scales: { x: { time: true } },
        series: [{}, ...series],
        axes: [{}, axisY(series[0].kind)],
        hooks: { drawClear: [drawRisk], setScale: [followZoom], ...extraHooks },
      },
      data,
      el,
    );
    u.runSync = true;
    plots.push(u);
    return u;
  }

  const E = R.equity;
  const equitySeries = [{ ...line('Equity', BLUE, 'money'), kind: 'money' }];
  const equityData = [E.t, E.equity];
  if (E.benchmark !== null) {
    equitySeries.push(line(`Buy & hold ${R.benchmark}`, GREY, 'money', { dash: [6, 4], width: 1.2 }));
    equityData.push(E.benchmark);
  }
  timeChart('chart-equity', 300, equitySeries, equityData);
  timeChart(
    'chart-drawdown',
    170,
    [{ ...line('Drawdown', RED, 'percent', { fill: 'rgba(207,34,46,0.18)' }), kind: 'percent' }],
    [E.t, E.drawdown],
  );
  timeChart(
    'chart-exposure',
    170,
    [
      {
        ...line('Gross exposure / equity', '#8250df', 'percent', { fill: 'rgba(130,80,223,0.15)' }),
        kind: 'percent',
      },
    ],
    [E.t, E.exposure],
  );

  // The price chart of the symbol picked: closes, entries and exits as points, the stop as steps.
  const select = document.getElementById('price-symbol');
  const priceEl = document.getElementById('chart-price');
  let pricePlot = null;

  function lastAtOrBefore(t, time) {
    let lo = 0;
    let hi = t.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t[mid] <= time) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  function priceData(symbol) {
    const p = R.prices.bySymbol[symbol];
    const n = p.t.length;
    const entries = new Array(n).fill(null);
    const exits = new Array(n).fill(null);
    const stop = new Array(n).fill(null);
    for (const [time, price] of p.entries) entries[lastAtOrBefore(p.t, time)] = price;
    for (const [time, price] of p.exits) exits[lastAtOrBefore(p.t, time)] = price;
    let k = 0;
    let level = null;
    for (let i = 0; i < n; i++) {
      while (k < p.stops.length && p.stops[k][0] <= p.t[i]) level = p.stops[k++][1];
      stop[i] = level;
    }
    return [p.t, p.close, entries, exits, stop];
  }

  const marker = (label, color) => ({
    label,
    stroke: color,
    fill: color,
    paths: () => null,
    points: { show: true, size: 9, width: 1, stroke: color, fill: color },
    value: (_u, v) => formatValue(v, 'price'),
  });

  function showPrice(symbol) {
    const data = priceData(symbol);
    if (pricePlot !== null) {
      pricePlot.setData(data);
      return;
    }
    pricePlot = new uPlot(
      {
        width: widthOf(priceEl),
        height: 300,
        tzDate,
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: true } },
        series: [
          {},
          line('Close', '#57606a', 'price', { width: 1.2 }),
          marker('Entry', GREEN),
          marker('Exit', RED),
          line('Stop', RED, 'price', {
            dash: [4, 3],
            width: 1.2,
            paths: uPlot.paths.stepped({ align: 1 }),
            points: { show: false },
          }),
        ],
        axes: [{}, axisY('price')],
      },
      data,
      priceEl,
    );
    plots.push(pricePlot);
  }

  for (const symbol of R.prices.symbols) {
    const p = R.prices.bySymbol[symbol];
    const option = document.createElement('option');
    option.value = symbol;
    option.textContent = `${symbol} (${p.trades} trade${p.trades === 1 ? '' : 's'}, ${p.bars.toLocaleString('en-US')} bars)`;
    select.append(option);
  }
  if (R.prices.symbols.length > 0) {
    select.addEventListener('change', () => showPrice(select.value));
    showPrice(R.prices.symbols[0]);
  } else select.disabled = true;

  window.addEventListener('resize', () => {
    for (const u of plots) u.setSize({ width: widthOf(u.root.parentElement), height: u.height });
  });

  // Sortable tables: a click on a heading sorts by that column (numbers by their value), again to reverse.
  function sortBy(table, col, th) {
    const numeric = th.dataset.type === 'number';
    const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    for (const h of th.parentElement.cells) h.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    const body = table.tBodies[0];
    const key = (row) => {
      const cell = row.cells[col];
      if (!numeric) return cell.textContent;
      const v = cell.dataset.v;
      return v === undefined ? Number.NaN : Number(v);
    };
    const rows = [...body.rows].map((row) => [key(row), row]);
    rows.sort(([a], [b]) => {
      if (numeric) {
        if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1; // blanks last either way
        if (Number.isNaN(b)) return -1;
        return dir * (a - b);
      }
      return dir * a.localeCompare(b);
    });
    body.append(...rows.map(([, row]) => row));
  }
  for (const table of document.querySelectorAll('table.sortable')) {
    [...table.tHead.rows[0].cells].forEach((th, col) => {
      th.title = 'sort';
      th.addEventListener('click', () => sortBy(table, col, th));
    });
  }

  // CSV downloads built in the page (a Blob URL works from a file:// page too).
  const cell = (v) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const csv = (head, rows) => `${[head, ...rows].map((r) => r.map(cell).join(',')).join('\n')}\n`;
  function download(name, text) {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  document
    .getElementById('csv-trades')
    .addEventListener('click', () =>
      download(
        'trades.csv',
        csv(
          [
            'symbol',
            'side',
            'qty',
            'entry_time',
            'entry_price',
            'exit_time',
            'exit_price',
            'pnl',
            'r_multiple',
            'bars_held',
            'exit_reason',
          ],
          R.trades,
        ),
      ),
    );
  document.getElementById('csv-equity').addEventListener('click', () =>
    download(
      'equity.csv',
      csv(
        [
          'time',
          'equity',
          R.benchmark === null ? 'benchmark' : `benchmark_${R.benchmark}`,
          'drawdown_percent',
          'gross_exposure_percent',
        ],
        E.t.map((t, i) => [
          new Date(t * 1000).toISOString(),
          E.equity[i],
          E.benchmark === null ? null : E.benchmark[i],
          E.drawdown[i],
          E.exposure[i],
        ]),
      ),
    ),
  );
})();
