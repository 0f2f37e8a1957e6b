import { newYorkToEpoch } from '../../core/session.ts';
import type { BarSeries, IndexSeries, QuoteSeries, SplitEvent } from './bar-series.ts';
import { BarSeriesBuilder } from './bar-series.ts';
import { type CsvFormat, indexNameFromFileName, roundSplitRatio, symbolFromFileName } from './csv-formats.ts';
import { forEachLine } from './csv-lines.ts';
import { CsvRow } from './csv-row.ts';
import { DataError } from './data-error.ts';
import type { LoadOptions } from './load-market-data.ts';
import { INDEX_CLOSE, isCalendarDate, isUtcMidnight, parseTimeCellCached, SESSION_OPEN, utcDateAt } from './parse-time.ts';

const EPOCH_CELL = /^\d+(?:\.\d+)?$/;
const DAY_MS = 86_400_000;

/**
 * The time cell and its parsed time at each data row of the last plain bar file read, up to
 * {@link SAME_ROW_LIMIT} rows: a folder of files on one calendar repeats them row for row, so a
 * row whose cell matches needs neither a substring nor a parse. A cell that failed to parse is
 * never stored (the parse threw first).
 */
const sameRowCells: string[] = [];
const sameRowTimes: number[] = [];
const SAME_ROW_LIMIT = 1 << 20;

/** A row problem; turned into a {@link DataError} with the file and line by {@link eachRow}. */
class RowError extends Error {}

/**
 * Calls `fn` with each data row (the header and blank lines skipped), one {@link CsvRow}
 * reused for every row.
 */
async function eachRow(file: string, fn: (row: CsvRow) => void): Promise<void> {
  const row = new CsvRow();
  await forEachLine(file, (line, number) => {
    if (number === 1 || blank(line)) return;
    try {
      row.set(line);
      fn(row);
    } catch (error) {
      if (error instanceof RowError) throw new DataError('DATA_BAD_ROW', file, number, error.message);
      if (error instanceof DataError) throw new DataError(error.code, file, number, error.reason);
      throw error;
    }
  });
}

/** `line.trim() === ''`, without trimming lines that start with a visible character. */
function blank(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  // Every character `trim` removes is ≤ U+0020, U+00A0, or from U+1680 up.
  return (c <= 32 || c === 0xa0 || c >= 0x1680) && line.trim() === '';
}

function num(row: CsvRow, columns: CsvFormat['columns'], name: string): number {
  const fast = row.number(columns[name]);
  if (fast === fast) return fast;
  const cell = row.cell(columns[name]);
  if (cell === undefined || cell.trim() === '') throw new RowError(`${name} is missing`);
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new RowError(`${name} is not a number: "${cell}"`);
  return value;
}

function text(row: CsvRow, columns: CsvFormat['columns'], name: string): string {
  const cell = row.cell(columns[name])?.trim();
  if (cell === undefined || cell === '') throw new RowError(`${name} is missing`);
  return cell;
}

function time(cell: string, column: string, dateTime?: string): number {
  const t = parseTimeCellCached(cell, dateTime);
  if (typeof t === 'string') throw new RowError(`column ${column}: ${t}`);
  return t;
}

/** The header's name for the time column of a plain layout (`date`, `datetime`, ...). */
function timeColumnName(columns: CsvFormat['columns']): string {
  for (const [name, i] of Object.entries(columns)) if (i === columns.time && name !== 'time') return name;
  return 'time';
}

/** What is wrong with one bar's prices and volume, or undefined when nothing is. */
export function barProblem(o: number, h: number, l: number, c: number, v: number): string | undefined {
  if (!(o > 0 && h > 0 && l > 0 && c > 0)) return `prices must be positive (open=${o} high=${h} low=${l} close=${c})`;
  if (h < Math.max(o, c, l) || l > Math.min(o, c))
    return `inconsistent bar: high=${h} low=${l} must bound open=${o} and close=${c}`;
  if (v < 0) return `volume must not be negative, got ${v}`;
  return undefined;
}

/** Checks one bar's prices and volume; throws a RowError naming what is wrong. */
function checkBar(o: number, h: number, l: number, c: number, v: number): void {
  const problem = barProblem(o, h, l, c, v);
  if (problem !== undefined) throw new RowError(problem);
}

/**
 * Daily candles stamped at 00:00 UTC (exchanges, freqtrade): when every row of a series read
 * from epoch numbers falls on 00:00 UTC and there are at least two, each becomes that UTC
 * date at `dateTime` New York (the open for bars, 16:15 for an index's close), as a
 * `YYYY-MM-DD` cell would. Otherwise a daily close would be known the evening before.
 */
export function restampUtcDailies(b: BarSeriesBuilder, to: number, dateTime = SESSION_OPEN): void {
  if (b.length >= 2 && b.every(isUtcMidnight)) b.restamp((t) => utcDateAt(t, dateTime), to);
}

function ordered(builder: { lastTime: number }, t: number, what: string): void {
  if (t <= builder.lastTime)
    throw new DataError(
      'DATA_UNSORTED',
      '',
      0,
      `${what} at ${new Date(t).toISOString()} is not after the previous row (${new Date(builder.lastTime).toISOString()}); rows must be in time order without duplicates`,
    );
}

/** Reads a bar file of any bar layout; LEAN daily files also yield their splits. */
export async function readBarFile(
  file: string,
  format: CsvFormat,
  options: LoadOptions,
  wanted: (symbol: string) => boolean,
): Promise<{ series: BarSeries[]; splits: SplitEvent[] }> {
  const cols = format.columns;
  const builders = new Map<string, BarSeriesBuilder>();
  const splits: SplitEvent[] = [];
  const to = options.to ?? Number.POSITIVE_INFINITY;
  const fileSymbol = symbolFromFileName(file);
  const perRowSymbol = format.kind === 'lean-minute';
  const regularOnly = perRowSymbol && options.extendedHours !== true && cols.session !== undefined;
  let previousFactor = Number.NaN;
  const builderFor = (symbol: string) => {
    let b = builders.get(symbol);
    if (b === undefined) builders.set(symbol, (b = new BarSeriesBuilder(symbol, file, 4096)));
    return b;
  };
  const single = perRowSymbol || !wanted(fileSymbol) ? undefined : builderFor(fileSymbol);
  const timeName = timeColumnName(cols);
  let epochCells = !perRowSymbol && format.kind !== 'lean-hour';
  let dataRow = 0;
  if (!perRowSymbol && single === undefined) return { series: [], splits };

  await eachRow(file, (row) => {
    let t: number;
    let b: BarSeriesBuilder;
    if (perRowSymbol) {
      const symbol = text(row, cols, 'symbol').toUpperCase();
      if (!wanted(symbol)) return;
      if (regularOnly && text(row, cols, 'session') !== 'regular') return;
      t = time(text(row, cols, 'bar_start'), 'bar_start');
      b = builderFor(symbol);
    } else if (format.kind === 'lean-hour') {
      // LEAN labels the 09:30–10:00 bar `09:00`; its real start is the open.
      const label = text(row, cols, 'bar_start_et');
      t = time(label.endsWith(' 09:00') ? `${label.slice(0, -5)}09:30` : label, 'bar_start_et');
      b = single!;
    } else {
      const r = dataRow++;
      if (r < sameRowCells.length && row.cellIs(cols.time, sameRowCells[r]!)) {
        // The cell is the one at this row of the previous file (files sharing a calendar).
        t = sameRowTimes[r]!;
        if (epochCells && !EPOCH_CELL.test(sameRowCells[r]!)) epochCells = false;
      } else {
        const cell = text(row, cols, 'time');
        t = time(cell, timeName);
        if (epochCells && !EPOCH_CELL.test(cell)) epochCells = false;
        if (r <= sameRowCells.length && r < SAME_ROW_LIMIT) {
          sameRowCells[r] = cell;
          sameRowTimes[r] = t;
        }
      }
      b = single!;
    }
    // Bars after `to` are kept for now when stamps may move (00:00 UTC dailies): trimmed below.
    if (t > (epochCells ? to + DAY_MS : to)) return;
    const o = num(row, cols, 'open');
    const h = num(row, cols, 'high');
    const l = num(row, cols, 'low');
    const c = num(row, cols, 'close');
    const v = cols.volume === undefined ? 0 : num(row, cols, 'volume');
    checkBar(o, h, l, c, v);
    ordered(b, t, 'bar');
    if (format.kind === 'lean-daily') {
      const factor = num(row, cols, 'split_factor');
      if (!(factor > 0)) throw new RowError(`split_factor must be positive, got ${factor}`);
      // A factor change marks a split: ratio = factor after / factor before (LEAN's rule).
      if (previousFactor > 0 && Math.abs(factor / previousFactor - 1) > 1e-6)
        splits.push({ symbol: b.symbol, time: t, ratio: roundSplitRatio(factor / previousFactor) });
      previousFactor = factor;
    }
    b.push(t, o, h, l, c, v);
  });
  const resolution =
    format.kind === 'lean-daily'
      ? 'daily'
      : format.kind === 'lean-hour'
        ? 'hour'
        : format.kind === 'lean-minute'
          ? 'minute'
          : undefined;
  if (single !== undefined && epochCells) {
    restampUtcDailies(single, to);
    single.restamp((x) => x, to); // drops what was kept past `to` while stamps could move
  }
  const series = [...builders.values()].filter((b) => b.length > 0).map((b) => b.build(resolution));
  return { series, splits };
}

/** Reads an index file (`DATE,OPEN,HIGH,LOW,CLOSE`); each close is known at 16:15 New York. */
export async function readIndexFile(file: string, format: CsvFormat, options: LoadOptions): Promise<IndexSeries> {
  const b = new BarSeriesBuilder(indexNameFromFileName(file), file, 8192);
  const to = options.to ?? Number.POSITIVE_INFINITY;
  const column = timeColumnName(format.columns);
  let epochCells = true;
  await eachRow(file, (row) => {
    const cell = text(row, format.columns, 'time');
    const t = time(cell, column, INDEX_CLOSE);
    if (epochCells && !EPOCH_CELL.test(cell)) epochCells = false;
    if (t > (epochCells ? to + DAY_MS : to)) return;
    const close = num(row, format.columns, 'close');
    if (!(close > 0)) throw new RowError(`close must be positive, got ${close}`);
    ordered(b, t, 'index value');
    b.push(t, close, close, close, close, 0);
  });
  if (epochCells) {
    restampUtcDailies(b, to, INDEX_CLOSE);
    b.restamp((x) => x, to);
  }
  const s = b.build('daily');
  return { name: s.symbol, source: file, length: s.length, time: s.time, value: s.close };
}

/** Reads a LEAN minute quote file into one quote series per symbol (regular session unless asked). */
export async function readQuoteFile(
  file: string,
  format: CsvFormat,
  options: LoadOptions,
  wanted: (symbol: string) => boolean,
): Promise<QuoteSeries[]> {
  const cols = format.columns;
  const builders = new Map<string, BarSeriesBuilder>();
  const to = options.to ?? Number.POSITIVE_INFINITY;
  await eachRow(file, (row) => {
    const symbol = text(row, cols, 'symbol').toUpperCase();
    if (!wanted(symbol)) return;
    if (options.extendedHours !== true && cols.session !== undefined && text(row, cols, 'session') !== 'regular')
      return;
    const t = time(text(row, cols, 'bar_start'), 'bar_start');
    if (t > to) return;
    const bo = num(row, cols, 'bid_open');
    const bc = num(row, cols, 'bid_close');
    const ao = num(row, cols, 'ask_open');
    const ac = num(row, cols, 'ask_close');
    if (!(bo > 0 && bc > 0 && ao > 0 && ac > 0))
      throw new RowError(`bid and ask must be positive (bid_open=${bo} ask_open=${ao} bid_close=${bc} ask_close=${ac})`);
    if (ao < bo || ac < bc) throw new RowError(`crossed quote: ask below bid (bid_open=${bo} ask_open=${ao})`);
    let b = builders.get(symbol);
    if (b === undefined) builders.set(symbol, (b = new BarSeriesBuilder(symbol, file, 4096)));
    ordered(b, t, 'quote');
    b.push(t, bo, ao, bc, ac, 0);
  });
  return [...builders.values()].map((b) => {
    const s = b.build('minute');
    return {
      symbol: s.symbol,
      source: file,
      length: s.length,
      time: s.time,
      bidOpen: s.open,
      askOpen: s.high,
      bidClose: s.low,
      askClose: s.close,
    };
  });
}

/** Reads a splits file (`symbol,date,ratio`); a split applies from that day's first bar. */
export async function readSplitFile(file: string, format: CsvFormat): Promise<SplitEvent[]> {
  const splits: SplitEvent[] = [];
  await eachRow(file, (row) => {
    const symbol = text(row, format.columns, 'symbol').toUpperCase();
    const date = text(row, format.columns, 'date');
    if (!isCalendarDate(date)) throw new RowError(`date must be YYYY-MM-DD, got "${date}"`);
    const ratio = num(row, format.columns, 'ratio');
    if (!(ratio > 0) || ratio === 1) throw new RowError(`ratio must be positive and not 1, got ${ratio}`);
    splits.push({ symbol, time: newYorkToEpoch(date, '00:00'), ratio });
  });
  return splits;
}
