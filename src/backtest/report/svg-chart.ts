/**
 * A small server-side SVG histogram for the HTML report (the R multiples of the trades): a
 * self-contained `<svg>` string with a tooltip per bin. The time charts are drawn in the page.
 */

const PAD = { left: 72, right: 16, top: 28, bottom: 26 };

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function svg(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img">${body}</svg>`;
}

function f(n: number): string {
  return n.toFixed(1);
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
