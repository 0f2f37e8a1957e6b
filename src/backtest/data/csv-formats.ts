/**
 * The CSV layouts the backtester reads, recognised from the header line (any case, extra
 * columns allowed). Times are America/New_York unless the cell carries an offset.
 */

/** What a file holds, decided from its header. */
export type CsvKind =
  | 'lean-daily'
  | 'lean-hour'
  | 'lean-minute'
  | 'lean-quote'
  | 'plain-bars'
  | 'index'
  | 'splits'
  | 'sectors';

/** A recognised header: the kind and the column index of each named field. */
export interface CsvFormat {
  readonly kind: CsvKind;
  readonly columns: Readonly<Record<string, number>>;
}

const OHLC = ['open', 'high', 'low', 'close'] as const;
const QUOTE = ['bid_open', 'bid_close', 'ask_open', 'ask_close'] as const;
const TIME_NAMES = ['date', 'datetime', 'time', 'timestamp'] as const;

/** One-line descriptions of the accepted layouts, for error messages. */
export const ACCEPTED_LAYOUTS = [
  'date,open,high,low,close,volume,split_factor,price_factor,adj_close (LEAN daily)',
  'bar_start_et,open,high,low,close,volume (LEAN hourly)',
  'symbol,bar_start,session,open,high,low,close,volume (LEAN minute trades)',
  'symbol,bar_start,session,bid_open,...,ask_close,... (LEAN minute quotes)',
  'Date,Open,High,Low,Close,Volume (plain bars; Date may carry a time)',
  'DATE,OPEN,HIGH,LOW,CLOSE (an index such as the VIX, no volume)',
  'symbol,date,ratio (splits)',
  'symbol,...,sector or gics_sector (sector map)',
] as const;

/** Recognises a header line; undefined when it matches no accepted layout. */
export function detectFormat(header: string): CsvFormat | undefined {
  const names = header
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  const columns: Record<string, number> = {};
  names.forEach((name, i) => {
    if (name !== '' && columns[name] === undefined) columns[name] = i;
  });
  const has = (...keys: readonly string[]) => keys.every((k) => columns[k] !== undefined);
  const make = (kind: CsvKind): CsvFormat => ({ kind, columns });
  if (has('symbol', 'bar_start', ...QUOTE)) return make('lean-quote');
  if (has('symbol', 'bar_start', ...OHLC)) return make('lean-minute');
  if (has('bar_start_et', ...OHLC)) return make('lean-hour');
  const timeName = TIME_NAMES.find((n) => columns[n] !== undefined);
  if (timeName !== undefined && has(...OHLC)) {
    columns.time = columns[timeName]!;
    if (has('volume', 'split_factor')) return make('lean-daily');
    return make(has('volume') ? 'plain-bars' : 'index');
  }
  if (has('symbol', 'date', 'ratio')) return make('splits');
  if (has('symbol') && (has('sector') || has('gics_sector'))) return make('sectors');
  return undefined;
}

/** The symbol a single-symbol file is named for: `lean_daily_AAPL.csv` → `AAPL`, `S000.csv` → `S000`. */
export function symbolFromFileName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return base.replace(/^lean_(daily|hour|minute)_/i, '').toUpperCase();
}

/** The index a file is named for: anything mentioning VIX is `VIX`, else the upper-case base name. */
export function indexNameFromFileName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return /vix/i.test(base) ? 'VIX' : base.toUpperCase();
}

/**
 * Rounds a split ratio computed from rounded factors to the nearest simple fraction
 * (0.25 / 0.0357143 = 6.99999 → 7; 10.6667 / 7.11111 → 1.5).
 */
export function roundSplitRatio(ratio: number): number {
  for (let d = 1; d <= 64; d++) {
    const n = Math.round(ratio * d);
    if (n > 0 && Math.abs(n / d - ratio) <= ratio * 2e-4) return n / d;
  }
  return ratio;
}
