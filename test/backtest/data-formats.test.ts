import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/backtest/data/bar-series.ts';
import { DataError } from '../../src/backtest/data/data-error.ts';
import { loadMarketData } from '../../src/backtest/data/load-market-data.ts';
import { newYorkToEpoch } from '../../src/core/session.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bt-formats-'));
}

/** Hourly bars of one session, as [New York wall-clock time, open, high, low, close, volume]. */
const HOURLY: [string, number, number, number, number, number][] = [
  ['2024-03-08 09:30', 10, 11, 9.5, 10.5, 1000],
  ['2024-03-08 10:30', 10.5, 10.8, 10.1, 10.2, 900],
  ['2024-03-11 09:30', 10.2, 10.4, 9.9, 10, 1200], // after the DST switch: 13:30Z
  ['2024-03-11 10:30', 10, 10.6, 9.8, 10.6, 800],
];
const epochMs = (wall: string) => newYorkToEpoch(wall.slice(0, 10), wall.slice(11));

function csv(rows: readonly (readonly (string | number)[])[]): string {
  return `date,open,high,low,close,volume\n${rows.map((r) => r.join(',')).join('\n')}\n`;
}

async function bars(file: string): Promise<BarSeries> {
  const { data } = await loadMarketData([file]);
  expect(data.bars).toHaveLength(1);
  return data.bars[0]!;
}

function plain(s: BarSeries) {
  return {
    symbol: s.symbol,
    resolution: s.resolution,
    time: [...s.time],
    open: [...s.open],
    high: [...s.high],
    low: [...s.low],
    close: [...s.close],
    volume: [...s.volume],
  };
}

async function loadError(file: string): Promise<DataError> {
  try {
    await loadMarketData([file]);
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('epoch timestamps in CSV files', () => {
  it('load epoch seconds and epoch milliseconds to the same bars as the ISO and New York forms', async () => {
    const dir = tempDir();
    const forms: Record<string, (wall: string) => string | number> = {
      local: (w) => w,
      iso: (w) => new Date(epochMs(w)).toISOString(),
      seconds: (w) => epochMs(w) / 1000,
      millis: (w) => epochMs(w),
    };
    const loaded: Record<string, ReturnType<typeof plain>> = {};
    for (const [form, stamp] of Object.entries(forms)) {
      const file = join(dir, `${form}.csv`);
      writeFileSync(file, csv(HOURLY.map(([w, ...rest]) => [stamp(w), ...rest])));
      loaded[form] = { ...plain(await bars(file)), symbol: 'X' };
    }
    expect(loaded.local!.time).toEqual(HOURLY.map(([w]) => epochMs(w)));
    expect(loaded.local!.resolution).toBe('hour');
    expect(loaded.iso).toEqual(loaded.local);
    expect(loaded.seconds).toEqual(loaded.local);
    expect(loaded.millis).toEqual(loaded.local);
  });

  it('read daily bars stamped at 00:00 UTC as that date, at the New York open like a YYYY-MM-DD cell', async () => {
    const dir = tempDir();
    const dates = ['2024-01-02', '2024-01-03', '2024-01-04'];
    const rows = dates.map((_, i) => [10 + i, 11 + i, 9 + i, 10.5 + i, 1000 * (i + 1)]);
    writeFileSync(join(dir, 'iso.csv'), csv(dates.map((d, i) => [d, ...rows[i]!])));
    writeFileSync(
      join(dir, 'epoch.csv'),
      csv(dates.map((d, i) => [Date.parse(`${d}T00:00:00Z`) / 1000, ...rows[i]!])),
    );
    const iso = plain(await bars(join(dir, 'iso.csv')));
    const epoch = plain(await bars(join(dir, 'epoch.csv')));
    expect(epoch).toEqual({ ...iso, symbol: 'EPOCH' });
    expect(epoch.time[0]).toBe(newYorkToEpoch('2024-01-02', '09:30'));
    expect(epoch.resolution).toBe('daily');
  });

  it('read an index stamped at 00:00 UTC as the close of that date at 16:15 New York, not the evening before', async () => {
    const dir = tempDir();
    const days = ['2024-01-02', '2024-01-03'];
    writeFileSync(
      join(dir, 'vix.csv'),
      `DATE,OPEN,HIGH,LOW,CLOSE\n${days.map((d) => `${Date.parse(`${d}T00:00:00Z`)},13,14,12,13.5`).join('\n')}\n`,
    );
    const { data } = await loadMarketData([join(dir, 'vix.csv')]);
    expect([...data.indexes[0]!.time]).toEqual(days.map((d) => newYorkToEpoch(d, '16:15')));
  });

  it.each([
    ['YYYYMMDD digits', '20240102', 'too small for epoch seconds'],
    ['a value between the seconds and milliseconds ranges', '20000000000', 'between the epoch-seconds range'],
    ['microseconds', '1704205800000000', 'microseconds or nanoseconds'],
    ['fractional milliseconds', '1704205800000.5', 'whole number of milliseconds'],
  ])('rejects %s naming the file, line and column', async (_what, cell, reason) => {
    const dir = tempDir();
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      csv([
        [1704205800, 10, 11, 9, 10, 5],
        [cell, 10, 11, 9, 10, 5],
      ]),
    );
    const error = await loadError(file);
    expect(error.code).toBe('DATA_BAD_ROW');
    expect(error.line).toBe(3);
    expect(error.message).toContain(`${file}:3: column date: `);
    expect(error.reason).toContain(reason);
  });
});

/** Writes bars as freqtrade does: `date` as a UTC nanosecond timestamp, prices and volume as doubles. */
function freqtradeParquet(
  file: string,
  rows: readonly (readonly [number, number, number, number, number, number])[],
) {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'date', data: rows.map((r) => BigInt(r[0]) * 1_000_000n) },
      ...['open', 'high', 'low', 'close', 'volume'].map((name, i) => ({
        name,
        data: rows.map((r) => r[i + 1]!),
      })),
    ],
    schema: [
      { name: 'schema', num_children: 6 },
      {
        name: 'date',
        type: 'INT64',
        repetition_type: 'OPTIONAL',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' },
      },
      ...['open', 'high', 'low', 'close', 'volume'].map((name) => ({
        name,
        type: 'DOUBLE' as const,
        repetition_type: 'OPTIONAL' as const,
      })),
    ],
  });
  writeFileSync(file, Buffer.from(buffer));
}

describe('Parquet files', () => {
  it('load to the same bars as the CSV they were made from (freqtrade layout, pair-timeframe name)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'AAA.csv'), csv(HOURLY));
    freqtradeParquet(
      join(dir, 'AAA-1h.parquet'),
      HOURLY.map(([w, ...rest]) => [epochMs(w), ...rest] as const),
    );
    const fromCsv = plain(await bars(join(dir, 'AAA.csv')));
    const fromParquet = plain(await bars(join(dir, 'AAA-1h.parquet')));
    expect(fromParquet).toEqual(fromCsv);
    expect(fromParquet.symbol).toBe('AAA');
    const { files } = await loadMarketData([join(dir, 'AAA-1h.parquet')]);
    expect(files).toEqual([{ file: join(dir, 'AAA-1h.parquet'), kind: 'parquet-bars', rows: 4 }]);
  });

  it('are found in folders next to CSV files', async () => {
    const dir = tempDir();
    freqtradeParquet(join(dir, 'BBB-1d.parquet'), [
      [Date.parse('2024-01-02T00:00:00Z'), 10, 11, 9, 10, 100],
      [Date.parse('2024-01-03T00:00:00Z'), 10, 11, 9, 10.5, 100],
    ]);
    const { data } = await loadMarketData([dir]);
    expect(data.bars.map((b) => [b.symbol, b.resolution, b.time[0]])).toEqual([
      ['BBB', 'daily', newYorkToEpoch('2024-01-02', '09:30')],
    ]);
  });

  it('name the file, row and column of a bad value, and refuse a file without the bar columns', async () => {
    const dir = tempDir();
    const bad = join(dir, 'BAD-1h.parquet');
    freqtradeParquet(bad, [
      [epochMs('2024-03-08 09:30'), 10, 11, 9, 10, 100],
      [epochMs('2024-03-08 10:30'), 10, 9, 9.5, 10, 100],
    ]);
    const error = await loadError(bad);
    expect(error.code).toBe('DATA_BAD_ROW');
    expect(error.message).toBe(
      `${bad}:2: row 2: inconsistent bar: high=9 low=9.5 must bound open=10 and close=10`,
    );
    const noClose = join(dir, 'NOCLOSE.parquet');
    writeFileSync(noClose, Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'date', data: [1, 2] }] })));
    const missing = await loadError(noClose);
    expect(missing.code).toBe('DATA_UNKNOWN_FORMAT');
    expect(missing.reason).toContain(
      'expected columns date (or datetime, time, timestamp), open, high, low, close',
    );
    const junk = join(dir, 'JUNK.parquet');
    writeFileSync(junk, 'not parquet at all');
    expect((await loadError(junk)).code).toBe('DATA_READ_FAILED');
  });
});
