/**
 * Small server-side SVG charts for the HTML report: time on the x axis, one or more series,
 * shaded time bands and event markers. The output is a self-contained `<svg>` string (no
 * scripts, no external resources), so the report opens from disk with no network.
 */

/** One line (or area) on a chart. */
export interface ChartSeries {
  readonly time: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly color: string;
  /** Fill the area between the line and zero. */
  readonly area?: boolean;
  readonly label?: string;
}

/** A shaded stretch of time, e.g. while the account was halted. */
export interface ChartBand {
  readonly from: number;
  readonly to: number;
  readonly color: string;
  readonly label: string;
}

/** A vertical marker at an instant, e.g. a breaker trip. */
export interface ChartMarker {
  readonly time: number;
  readonly color: string;
  readonly label: string;
}

/** A dot, e.g. one trade's P&L at its exit time. */
export interface ChartDot {
  readonly time: number;
  readonly value: number;
  readonly color: string;
  readonly label: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  readonly series?: readonly ChartSeries[];
  readonly bands?: readonly ChartBand[];
  readonly markers?: readonly ChartMarker[];
  readonly dots?: readonly ChartDot[];
  /** How y values are printed on the axis. */
  readonly format?: (value: number) => string;
  /** Always include zero on the y axis. */
  readonly includeZero?: boolean;
}

const PAD = { left: 72, right: 16, top: 28, bottom: 26 };

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Renders a time chart as an SVG string. */
export function timeChart(options: ChartOptions): string {
  const width = options.width ?? 960;
  const height = options.height ?? 260;
  const format = options.format ?? ((v: number) => v.toFixed(0));
  const series = options.series ?? [];
  const dots = options.dots ?? [];
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  let y0 = options.includeZero ? 0 : Number.POSITIVE_INFINITY;
  let y1 = options.includeZero ? 0 : Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < s.time.length; i++) {
      const v = s.value[i]!;
      if (!Number.isFinite(v)) continue;
      t0 = Math.min(t0, s.time[i]!);
      t1 = Math.max(t1, s.time[i]!);
      y0 = Math.min(y0, v);
      y1 = Math.max(y1, v);
    }
  }
  for (const d of dots) {
    t0 = Math.min(t0, d.time);
    t1 = Math.max(t1, d.time);
    y0 = Math.min(y0, d.value);
    y1 = Math.max(y1, d.value);
  }
  const title = `<text x="${PAD.left}" y="18" class="ct">${escapeHtml(options.title)}</text>`;
  if (!(t1 > t0) || !Number.isFinite(y0)) {
    return svg(
      width,
      height,
      `${title}<text x="${width / 2}" y="${height / 2}" class="cm" text-anchor="middle">no data</text>`,
    );
  }
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v: number) => PAD.top + (1 - (v - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [title];
  for (const b of options.bands ?? []) {
    const a = Math.max(x(b.from), PAD.left);
    const e = Math.min(x(b.to), PAD.left + plotW);
    if (e <= a) continue;
    parts.push(
      `<rect x="${f(a)}" y="${PAD.top}" width="${f(Math.max(e - a, 1))}" height="${plotH}" fill="${b.color}" opacity="0.18"><title>${escapeHtml(b.label)}</title></rect>`,
    );
  }
  for (const tick of niceTicks(y0, y1, 5)) {
    parts.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${f(y(tick))}" y2="${f(y(tick))}" class="cg"/>`,
      `<text x="${PAD.left - 6}" y="${f(y(tick) + 4)}" class="cm" text-anchor="end">${escapeHtml(format(tick))}</text>`,
    );
  }
  for (const tick of timeTicks(t0, t1)) {
    parts.push(
      `<line x1="${f(x(tick.time))}" x2="${f(x(tick.time))}" y1="${PAD.top}" y2="${PAD.top + plotH}" class="cg"/>`,
      `<text x="${f(x(tick.time))}" y="${height - 8}" class="cm" text-anchor="middle">${tick.label}</text>`,
    );
  }
  if (y0 < 0 && y1 > 0)
    parts.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${f(y(0))}" y2="${f(y(0))}" class="cz"/>`,
    );
  for (const s of series) {
    const path = linePath(s, x, y, plotW);
    if (path === '') continue;
    if (s.area) {
      const base = f(y(Math.min(Math.max(0, y0), y1)));
      const first = f(x(s.time[0]!));
      const last = f(x(s.time[s.time.length - 1]!));
      parts.push(
        `<path d="M${first},${base}L${path.slice(1)}L${last},${base}Z" fill="${s.color}" opacity="0.25"/>`,
      );
    }
    parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="1.4"/>`);
  }
  for (const m of options.markers ?? []) {
    const mx = f(x(m.time));
    parts.push(
      `<line x1="${mx}" x2="${mx}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="${m.color}" stroke-width="1.5" stroke-dasharray="4 3"><title>${escapeHtml(m.label)}</title></line>`,
      `<path d="M${mx},${PAD.top}l-4,-7h8z" fill="${m.color}"><title>${escapeHtml(m.label)}</title></path>`,
    );
  }
  for (const d of dots) {
    parts.push(
      `<circle cx="${f(x(d.time))}" cy="${f(y(d.value))}" r="2.6" fill="${d.color}" opacity="0.75"><title>${escapeHtml(d.label)}</title></circle>`,
    );
  }
  parts.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" class="cf"/>`);
  return svg(width, height, parts.join(''));
}

function svg(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img">${body}</svg>`;
}

function f(n: number): string {
  return n.toFixed(1);
}

/**
 * An SVG path through a series, thinned to at most two points (the low and the high) per
 * horizontal pixel so a 100,000-point curve stays small without losing its extremes.
 */
function linePath(s: ChartSeries, x: (t: number) => number, y: (v: number) => number, plotW: number): string {
  const out: string[] = [];
  let bucket = Number.NaN;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let loT = 0;
  let hiT = 0;
  const flush = () => {
    if (!Number.isFinite(lo)) return;
    const [a, b] =
      loT <= hiT
        ? [
            [loT, lo],
            [hiT, hi],
          ]
        : [
            [hiT, hi],
            [loT, lo],
          ];
    out.push(`${f(x(a[0]!))},${f(y(a[1]!))}`);
    if (a[0] !== b[0] || a[1] !== b[1]) out.push(`${f(x(b[0]!))},${f(y(b[1]!))}`);
  };
  for (let i = 0; i < s.time.length; i++) {
    const v = s.value[i]!;
    if (!Number.isFinite(v)) continue;
    const t = s.time[i]!;
    const px = Math.floor(x(t) * Math.min(1, 1500 / plotW));
    if (px !== bucket) {
      flush();
      bucket = px;
      lo = Number.POSITIVE_INFINITY;
      hi = Number.NEGATIVE_INFINITY;
    }
    if (v < lo) [lo, loT] = [v, t];
    if (v > hi) [hi, hiT] = [v, t];
  }
  flush();
  return out.length === 0 ? '' : `M${out.join('L')}`;
}

/** About `count` round values spanning [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Year, month or day ticks suited to the span, labelled in UTC dates. */
function timeTicks(t0: number, t1: number): { time: number; label: string }[] {
  const days = (t1 - t0) / 86_400_000;
  const start = new Date(t0);
  const ticks: { time: number; label: string }[] = [];
  if (days > 365 * 2) {
    const every = Math.max(1, Math.ceil(days / 365 / 10));
    for (let y = start.getUTCFullYear() + 1; ; y += every) {
      const t = Date.UTC(y, 0, 1);
      if (t > t1) break;
      ticks.push({ time: t, label: String(y) });
    }
  } else if (days > 45) {
    const every = Math.max(1, Math.ceil(days / 30 / 10));
    for (let m = start.getUTCMonth() + 1, y = start.getUTCFullYear(); ; m += every) {
      const t = Date.UTC(y, m, 1);
      if (t > t1) break;
      ticks.push({ time: t, label: new Date(t).toISOString().slice(0, 7) });
    }
  } else {
    const every = Math.max(1, Math.ceil(days / 10));
    const d0 = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1);
    for (let t = d0; t <= t1; t += every * 86_400_000)
      ticks.push({ time: t, label: new Date(t).toISOString().slice(5, 10) });
  }
  return ticks;
}

/** A histogram of values in equal-width bins, bars below zero in `negative`, others in `positive`. */
export function histogram(
  title: string,
  values: readonly number[],
  options: {
    bins?: number;
    width?: number;
    height?: number;
    positive: string;
    negative: string;
    unit?: string;
  },
): string {
  const width = options.width ?? 460;
  const height = options.height ?? 220;
  const head = `<text x="${PAD.left}" y="18" class="ct">${escapeHtml(title)}</text>`;
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0)
    return svg(
      width,
      height,
      `${head}<text x="${width / 2}" y="${height / 2}" class="cm" text-anchor="middle">no data</text>`,
    );
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const bins = options.bins ?? 24;
  const step = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) counts[Math.min(bins - 1, Math.floor((v - lo) / step))]!++;
  const max = Math.max(...counts);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const parts = [head];
  counts.forEach((c, i) => {
    const x0 = PAD.left + (i / bins) * plotW;
    const h = (c / max) * plotH;
    const mid = lo + (i + 0.5) * step;
    const label = `${(lo + i * step).toFixed(2)} to ${(lo + (i + 1) * step).toFixed(2)}${options.unit ?? ''}: ${c}`;
    parts.push(
      `<rect x="${f(x0 + 1)}" y="${f(PAD.top + plotH - h)}" width="${f(plotW / bins - 2)}" height="${f(h)}" fill="${mid < 0 ? options.negative : options.positive}"><title>${escapeHtml(label)}</title></rect>`,
    );
  });
  for (const tick of niceTicks(lo, hi, 5)) {
    const x0 = PAD.left + ((tick - lo) / (hi - lo || 1)) * plotW;
    parts.push(
      `<text x="${f(x0)}" y="${height - 8}" class="cm" text-anchor="middle">${tick}${options.unit ?? ''}</text>`,
    );
  }
  parts.push(`<text x="${PAD.left - 6}" y="${PAD.top + 8}" class="cm" text-anchor="end">${max}</text>`);
  parts.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" class="cf"/>`);
  return svg(width, height, parts.join(''));
}
