import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSectorCsv } from '../../core/config/load-profile.ts';
import { formatIssues } from '../../core/result.ts';
import type { BarSeries, IndexSeries, MarketData, QuoteSeries, Resolution, SplitEvent } from './bar-series.ts';
import { ACCEPTED_LAYOUTS, type CsvFormat, detectFormat } from './csv-formats.ts';
import { readHeader } from './csv-lines.ts';
import { DataError } from './data-error.ts';
import { readBarFile, readIndexFile, readQuoteFile, readSplitFile } from './read-files.ts';
import { readParquetBars, symbolFromParquetName } from './read-parquet.ts';

/** Options for {@link loadMarketData}. */
export interface LoadOptions {
  /** Drop rows after this instant (epoch ms). */
  readonly to?: number;
  /** Keep `pre`/`post` minute bars; by default only the regular session is loaded. */
  readonly extendedHours?: boolean;
  /** Load only these symbols (upper case); others in multi-symbol files are skipped. */
  readonly symbols?: ReadonlySet<string>;
  /** Load only bar files of this resolution (useful when a folder holds daily and hourly files). */
  readonly resolution?: Resolution;
}

/** What a loaded file held: a CSV layout, or bars from a Parquet file. */
export type FileKind = CsvFormat['kind'] | 'parquet-bars';

/** What {@link loadMarketData} read, and which files in folders it passed over and why. */
export interface LoadResult {
  readonly data: MarketData;
  readonly files: readonly { file: string; kind: FileKind; rows: number }[];
  readonly skipped: readonly { file: string; reason: string }[];
}

/**
 * Loads bars, index levels, quotes, splits and sector maps from CSV files and folders, streaming
 * each file, and bars from Parquet files (`.parquet`, freqtrade's layout). Files named explicitly must be in a known layout; in folders, unknown files are
 * skipped and listed. Splits are also derived from the `split_factor` column of LEAN daily files.
 * Throws a {@link DataError} naming the file, line and reason on the first bad row.
 */
export async function loadMarketData(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const targets: { file: string; explicit: boolean }[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((error: unknown) => {
      throw new DataError('DATA_READ_FAILED', path, 0, 'no such file or folder', { cause: error });
    });
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => /\.(csv|parquet)$/i.test(n)).sort();
      for (const name of names) targets.push({ file: join(path, name), explicit: false });
    } else targets.push({ file: path, explicit: true });
  }
  const bars = new Map<string, BarSeries>();
  const indexes = new Map<string, IndexSeries>();
  const quotes = new Map<string, QuoteSeries>();
  const splits: SplitEvent[] = [];
  const sectors: Record<string, string> = {};
  const files: { file: string; kind: FileKind; rows: number }[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const wanted = (symbol: string) => options.symbols === undefined || options.symbols.has(symbol);

  for (const { file, explicit } of targets) {
    if (/\.parquet$/i.test(file)) {
      if (!wanted(symbolFromParquetName(file))) continue;
      const series = await readParquetBars(file, options.to);
      if (options.resolution !== undefined && series.resolution !== options.resolution) {
        skipped.push({ file, reason: `not ${options.resolution} bars` });
        continue;
      }
      const existing = bars.get(series.symbol);
      if (existing !== undefined) throw duplicate(file, series.symbol, existing.source, 'bar');
      if (series.length > 0) bars.set(series.symbol, series);
      files.push({ file, kind: 'parquet-bars', rows: series.length });
      continue;
    }
    const header = await readHeader(file);
    if (header === undefined) {
      if (explicit) throw new DataError('DATA_EMPTY', file, 0, 'the file is empty');
      skipped.push({ file, reason: 'empty' });
      continue;
    }
    const format = detectFormat(header);
    if (format === undefined) {
      const reason = `unrecognised header "${header.slice(0, 120)}"; expected one of:\n  ${ACCEPTED_LAYOUTS.join('\n  ')}`;
      if (explicit) throw new DataError('DATA_UNKNOWN_FORMAT', file, 1, reason);
      skipped.push({ file, reason: 'unrecognised header' });
      continue;
    }
    let rows = 0;
    switch (format.kind) {
      case 'sectors': {
        // A sector map is a few kilobytes: read at once and reuse the core's parser.
        const parsed = parseSectorCsv(await readFile(file, 'utf8'), file);
        if (!parsed.ok) throw new DataError('DATA_BAD_ROW', file, 0, formatIssues(parsed.issues));
        Object.assign(sectors, parsed.value);
        rows = Object.keys(parsed.value).length;
        break;
      }
      case 'splits': {
        const found = await readSplitFile(file, format);
        for (const s of found) if (wanted(s.symbol)) splits.push(s);
        rows = found.length;
        break;
      }
      case 'index': {
        const series = await readIndexFile(file, format, options);
        if (indexes.has(series.name))
          throw duplicate(file, series.name, indexes.get(series.name)!.source, 'index');
        indexes.set(series.name, series);
        rows = series.length;
        break;
      }
      case 'lean-quote': {
        for (const series of await readQuoteFile(file, format, options, wanted)) {
          if (quotes.has(series.symbol))
            throw duplicate(file, series.symbol, quotes.get(series.symbol)!.source, 'quote');
          quotes.set(series.symbol, series);
          rows += series.length;
        }
        break;
      }
      default: {
        const read = await readBarFile(file, format, options, wanted);
        const kept = read.series.filter(
          (s) => options.resolution === undefined || s.resolution === options.resolution,
        );
        if (kept.length === 0 && read.series.length > 0) {
          skipped.push({ file, reason: `not ${options.resolution} bars` });
          continue;
        }
        for (const series of kept) {
          const existing = bars.get(series.symbol);
          if (existing !== undefined) throw duplicate(file, series.symbol, existing.source, 'bar');
          bars.set(series.symbol, series);
          rows += series.length;
        }
        splits.push(...read.splits.filter((s) => wanted(s.symbol)));
      }
    }
    files.push({ file, kind: format.kind, rows });
  }
  return {
    data: {
      bars: [...bars.values()],
      indexes: [...indexes.values()],
      quotes: [...quotes.values()],
      splits: dedupeSplits(splits),
      sectors,
    },
    files,
    skipped,
  };
}

function duplicate(file: string, name: string, other: string, what: string): DataError {
  return new DataError(
    'DATA_DUPLICATE_SYMBOL',
    file,
    0,
    `${what} data for ${name} was already loaded from ${other}; pass only one file per symbol ` +
      '(e.g. list the files, or choose one with --resolution daily|hour|minute)',
  );
}

/** The same split may come from a daily file and a splits file: keep one per symbol and day. */
function dedupeSplits(splits: readonly SplitEvent[]): SplitEvent[] {
  const seen = new Map<string, SplitEvent>();
  for (const s of splits) {
    const key = `${s.symbol}@${Math.floor(s.time / 86_400_000)}`;
    if (!seen.has(key)) seen.set(key, s);
  }
  return [...seen.values()].sort((a, b) => a.time - b.time);
}
