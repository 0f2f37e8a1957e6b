import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { BarSeriesBuilder, type BarSeries } from './bar-series.ts';
import { DataError } from './data-error.ts';
import { parseEpoch, parseTimeCell } from './parse-time.ts';
import { barProblem, restampUtcDailies } from './read-files.ts';

const TIME_NAMES = ['date', 'datetime', 'time', 'timestamp'] as const;
const PRICES = ['open', 'high', 'low', 'close'] as const;

/**
 * The symbol a Parquet file is named for: freqtrade's `PAIR-TIMEFRAME` names lose the timeframe
 * (`AAPL-1d.parquet` → `AAPL`, `BTC_USDT-1h.parquet` → `BTC_USDT`), else the upper-case base name.
 */
export function symbolFromParquetName(file: string): string {
  const base = file.replace(/^.*[\\/]/, '').replace(/\.parquet$/i, '');
  return base.replace(/-\d+[smhdwM]$/, '').toUpperCase();
}

/**
 * Reads a Parquet file of bars (freqtrade's layout: `date, open, high, low, close, volume`, any
 * case, extra columns ignored) with hyparquet. The time column may be a Parquet timestamp (any
 * unit), epoch seconds or milliseconds as numbers (see `parseEpoch`), or text in the CSV forms.
 * Volume is optional (0 when absent). Rows must be in time order; a bad value throws a
 * {@link DataError} naming the file, the 1-based row and the column.
 */
export async function readParquetBars(file: string, to = Number.POSITIVE_INFINITY): Promise<BarSeries> {
  let columns: Record<string, string>;
  let rows: Record<string, unknown>[];
  try {
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    columns = {};
    for (const element of metadata.schema.slice(1)) {
      const key = element.name.toLowerCase();
      if (columns[key] === undefined) columns[key] = element.name;
    }
    const timeKey = TIME_NAMES.find((n) => columns[n] !== undefined);
    if (timeKey === undefined || PRICES.some((p) => columns[p] === undefined)) {
      throw new DataError(
        'DATA_UNKNOWN_FORMAT',
        file,
        0,
        `expected columns date (or datetime, time, timestamp), open, high, low, close and optionally volume; found ${Object.values(columns).join(', ') || 'none'}`,
      );
    }
    columns.time = columns[timeKey]!;
    const wanted = [columns.time, ...PRICES.map((p) => columns[p]!)];
    if (columns.volume !== undefined) wanted.push(columns.volume);
    rows = (await parquetReadObjects({ file: buffer, metadata, columns: wanted })) as Record<string, unknown>[];
  } catch (error) {
    if (error instanceof DataError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError('DATA_READ_FAILED', file, 0, `cannot read as Parquet: ${reason}`, { cause: error });
  }
  const b = new BarSeriesBuilder(symbolFromParquetName(file), file, rows.length);
  let epoch = true;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const fail = (column: string, reason: string) =>
      new DataError('DATA_BAD_ROW', file, i + 1, `row ${i + 1}: column ${column}: ${reason}`);
    const raw = row[columns.time];
    if (typeof raw === 'string') epoch = false;
    const t = timeValue(raw);
    if (typeof t === 'string') throw fail(columns.time, t);
    if (t > (epoch ? to + 86_400_000 : to)) break;
    const [o, h, l, c] = PRICES.map((p) => {
      const x = numberValue(row[columns[p]!]);
      if (typeof x === 'string') throw fail(columns[p]!, x);
      return x;
    }) as [number, number, number, number];
    const v = columns.volume === undefined ? 0 : numberValue(row[columns.volume]);
    if (typeof v === 'string') throw fail(columns.volume!, v);
    const problem = barProblem(o, h, l, c, v);
    if (problem !== undefined) throw new DataError('DATA_BAD_ROW', file, i + 1, `row ${i + 1}: ${problem}`);
    if (t <= b.lastTime)
      throw new DataError(
        'DATA_UNSORTED',
        file,
        i + 1,
        `row ${i + 1}: bar at ${new Date(t).toISOString()} is not after the previous row (${new Date(b.lastTime).toISOString()}); rows must be in time order without duplicates`,
      );
    b.push(t, o, h, l, c, v);
  }
  if (epoch) {
    restampUtcDailies(b, to);
    b.restamp((x) => x, to);
  }
  return b.build();
}

/** Epoch ms from a Parquet time value, or what is wrong with it. */
function timeValue(raw: unknown): number | string {
  if (raw instanceof Date) {
    const t = raw.getTime();
    return Number.isFinite(t) ? t : 'not a valid timestamp';
  }
  if (typeof raw === 'bigint') return parseEpoch(raw.toString());
  if (typeof raw === 'number') return Number.isFinite(raw) ? parseEpoch(String(raw)) : `not a time: ${raw}`;
  if (typeof raw === 'string') return parseTimeCell(raw.trim());
  return raw === null || raw === undefined ? 'is missing' : `not a time: ${String(raw)}`;
}

/** A finite number from a Parquet numeric value, or what is wrong with it. */
function numberValue(raw: unknown): number | string {
  const x = typeof raw === 'bigint' ? Number(raw) : raw;
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  return raw === null || raw === undefined ? 'is missing' : `not a number: ${String(raw)}`;
}
