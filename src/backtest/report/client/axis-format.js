// Axis and legend labels for the report's charts. Plain JavaScript: the report inlines this file
// into its page (with `export` dropped), and the unit tests import it as a module.

/** Suffixes by magnitude for compact money labels. */
const MONEY_SCALES = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/**
 * The fewest decimals (0–6) that print every value exactly (to a millionth), so that ticks one
 * step apart never print alike: 1.05 and 1.10 need two, 1.025 needs three.
 */
export function decimalsFor(values) {
  let decimals = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    let d = decimals;
    while (d < 6 && Math.abs(v * 10 ** d - Math.round(v * 10 ** d)) > 1e-6) d++;
    decimals = d;
  }
  return decimals;
}

/**
 * Labels for the ticks of a value axis: `money` in compact dollars ($1.05M, $95k), `percent` and
 * `price` plain; the decimals follow the ticks' spacing so neighbouring labels always differ.
 */
export function formatTicks(ticks, kind) {
  if (ticks.length === 0) return [];
  let scale = 1;
  let suffix = '';
  if (kind === 'money') {
    const largest = Math.max(...ticks.map((t) => Math.abs(t)));
    for (const [size, s] of MONEY_SCALES) {
      if (largest >= size) {
        scale = size;
        suffix = s;
        break;
      }
    }
  }
  const scaled = ticks.map((t) => t / scale);
  const decimals = decimalsFor(scaled);
  return scaled.map((v) => {
    const text = Math.abs(v).toFixed(decimals);
    const sign = v < 0 && Number(text) !== 0 ? '-' : '';
    if (kind === 'money') return `${sign}$${text}${suffix}`;
    return `${sign}${text}${kind === 'percent' ? '%' : ''}`;
  });
}

/** One exact value for the legend: `$1,053,212.35`, `-3.14%`, `101.50`; a dash when missing. */
export function formatValue(value, kind) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (kind === 'percent') return `${value.toFixed(2)}%`;
  const digits = kind === 'price' && Math.abs(value) < 1 ? 4 : 2;
  const text = Math.abs(value).toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  const sign = value < 0 ? '-' : '';
  return kind === 'money' ? `${sign}$${text}` : `${sign}${text}`;
}
