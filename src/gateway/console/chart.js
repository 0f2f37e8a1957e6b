// The equity chart: the stored history (GET /v1/equity) with the peak, drawn with uPlot (served
// from the gateway, no CDN), and the live equity appended on each state read.

import { api } from './api.js';
import { usd } from './format.js';
import uPlot from './uplot.esm.js';

/** The span of history drawn: the last 24 hours. */
const SPAN_MS = 24 * 3600 * 1000;

let plot = null;
let times = [];
let equities = [];
let peaks = [];

function width() {
  return Math.max(300, (document.getElementById('equity-chart').clientWidth || 600) - 10);
}

/** Room for the widest dollar label on the value axis, so `$100,000.00` is not clipped. */
function axisWidth(_u, values) {
  const longest = Math.max(0, ...(values ?? []).map((v) => String(v).length));
  return Math.max(60, Math.ceil(longest * 7.5) + 18);
}

function draw() {
  const data = [times, equities, peaks];
  if (plot !== null) {
    plot.setData(data);
    return;
  }
  plot = new uPlot(
    {
      width: width(),
      height: 220,
      series: [
        {},
        { label: 'equity', stroke: '#2b6cb0', width: 2, value: (_u, v) => usd(v) },
        { label: 'peak', stroke: '#a0aec0', dash: [4, 4], value: (_u, v) => usd(v) },
      ],
      axes: [{}, { values: (_u, ticks) => ticks.map((t) => usd(t)), size: axisWidth }],
    },
    data,
    document.getElementById('equity-chart'),
  );
}

/** Reads the last day's marks and draws them. */
export async function loadEquity() {
  const message = document.getElementById('chart-message');
  try {
    const history = await api('GET', `/v1/equity?from=${Date.now() - SPAN_MS}`);
    times = history.marks.map((m) => m.time / 1000);
    equities = history.marks.map((m) => m.equity);
    let peak = -Infinity;
    // The running peak over the marks drawn, floored by the stored peak when it is older.
    const stored =
      history.peak !== null && history.peak.at < (history.marks[0]?.time ?? 0)
        ? history.peak.equity
        : -Infinity;
    peaks = equities.map((e) => {
      peak = Math.max(peak, stored, e);
      return peak;
    });
    message.textContent =
      history.marks.length === 0
        ? 'no equity marks stored in the last 24 hours yet'
        : `${history.marks.length} marks`;
    draw();
  } catch (error) {
    message.textContent = `equity history unavailable: ${error.message}`;
  }
}

/** Appends the live equity from a state read, keeping times increasing. */
export function addLivePoint(state) {
  const t = state.time / 1000;
  if (times.length > 0 && t <= times[times.length - 1]) return;
  times.push(t);
  equities.push(state.equity);
  peaks.push(Math.max(state.peakEquity ?? state.equity, peaks[peaks.length - 1] ?? -Infinity));
  draw();
}

/** Forgets the chart (at logout). */
export function clearChart() {
  plot?.destroy();
  plot = null;
  times = [];
  equities = [];
  peaks = [];
}
