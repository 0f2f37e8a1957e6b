import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/backtest/data/data-error.ts';
import { loadMarketData } from '../../src/backtest/data/load-market-data.ts';
import { newYorkToEpoch } from '../../src/core/session.ts';
import { describeWithShared } from '../support/shared-data.ts';

function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bt-data-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function loadError(paths: string[]): Promise<DataError> {
  try {
    await loadMarketData(paths);
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('loadMarketData on plain and synthetic files', () => {
  it('reads Date,Open,High,Low,Close,Volume bars at the New York open, symbol from the file name', async () => {
    const dir = tempFiles({
      'abc.csv':
        'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9.5,10.5,1000\n2024-01-03,10.5,10.8,10.1,10.2,900\n',
    });
    const { data, files } = await loadMarketData([join(dir, 'abc.csv')]);
    expect(files).toEqual([{ file: join(dir, 'abc.csv'), kind: 'plain-bars', rows: 2 }]);
    const s = data.bars[0]!;
    expect(s.symbol).toBe('ABC');
    expect(s.resolution).toBe('daily');
    expect(s.time[0]).toBe(newYorkToEpoch('2024-01-02', '09:30'));
    expect([...s.close]).toEqual([10.5, 10.2]);
  });

  it('names the file, the line and the reason for a bad row', async () => {
    const dir = tempFiles({
      'bad.csv':
        'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9.5,10.5,1000\n2024-01-03,10,9,9.5,10.2,900\n',
    });
    const error = await loadError([join(dir, 'bad.csv')]);
    expect(error.code).toBe('DATA_BAD_ROW');
    expect(error.line).toBe(3);
    expect(error.message).toBe(
      `${join(dir, 'bad.csv')}:3: inconsistent bar: high=9 low=9.5 must bound open=10 and close=10.2`,
    );
  });

  it.each([
    ['a missing cell', '2024-01-02,10,11,9.5,,1000', 'close is missing'],
    ['a word for a number', '2024-01-02,10,11,9.5,abc,1000', 'close is not a number: "abc"'],
    ['a bad date', '2024-13-02,10,11,9.5,10,1000', 'expected a date YYYY-MM-DD'],
    ['a negative volume', '2024-01-02,10,11,9.5,10,-5', 'volume must not be negative, got -5'],
    ['a zero price', '2024-01-02,0,11,9.5,10,5', 'prices must be positive'],
  ])('rejects %s', async (_what, row, reason) => {
    const dir = tempFiles({ 'x.csv': `Date,Open,High,Low,Close,Volume\n${row}\n` });
    const error = await loadError([join(dir, 'x.csv')]);
    expect(error.line).toBe(2);
    expect(error.reason).toContain(reason);
  });

  it('rejects rows out of time order, a file in no known layout, and a missing path', async () => {
    const dir = tempFiles({
      'u.csv': 'Date,Open,High,Low,Close,Volume\n2024-01-03,10,11,9,10,1\n2024-01-02,10,11,9,10,1\n',
      'w.csv': 'when,price\n2024-01-02,10\n',
    });
    const unsorted = await loadError([join(dir, 'u.csv')]);
    expect(unsorted.code).toBe('DATA_UNSORTED');
    expect(unsorted.line).toBe(3);
    const unknown = await loadError([join(dir, 'w.csv')]);
    expect(unknown.code).toBe('DATA_UNKNOWN_FORMAT');
    expect(unknown.message).toContain('Date,Open,High,Low,Close,Volume');
    const missing = await loadError([join(dir, 'nope.csv')]);
    expect(missing.code).toBe('DATA_READ_FAILED');
  });

  it('skips unknown files in a folder but refuses the same symbol twice', async () => {
    const dir = tempFiles({
      'a.csv': 'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10,1\n',
      'notes.csv': 'x,y\n1,2\n',
    });
    const { data, skipped } = await loadMarketData([dir]);
    expect(data.bars.map((b) => b.symbol)).toEqual(['A']);
    expect(skipped).toEqual([{ file: join(dir, 'notes.csv'), reason: 'unrecognised header' }]);
    const twice = await loadError([dir, join(dir, 'a.csv')]);
    expect(twice.code).toBe('DATA_DUPLICATE_SYMBOL');
  });

  it('reads a splits file and a sector map', async () => {
    const dir = tempFiles({
      'splits.csv': 'symbol,date,ratio\naapl,2014-06-09,7\n',
      'sectors.csv': 'symbol,name,gics_sector\nAAPL,Apple,Information Technology\n',
    });
    const { data } = await loadMarketData([dir]);
    expect(data.splits).toEqual([{ symbol: 'AAPL', time: newYorkToEpoch('2014-06-09', '00:00'), ratio: 7 }]);
    expect(data.sectors).toEqual({ AAPL: 'Information Technology' });
  });
});

describeWithShared('loadMarketData on the real data', ['data'], ([dataDir]) => {
  const data = (name: string) => join(dataDir!, name);

  it('derives the splits of a LEAN daily file from split_factor changes', async () => {
    const { data: d } = await loadMarketData([data('lean_daily_AAPL.csv'), data('lean_daily_USO.csv')]);
    const aapl = d.splits
      .filter((s) => s.symbol === 'AAPL')
      .map((s) => [new Date(s.time).toISOString().slice(0, 10), s.ratio]);
    expect(aapl).toEqual([
      ['2000-06-21', 2],
      ['2005-02-28', 2],
      ['2014-06-09', 7],
      ['2020-08-31', 4],
    ]);
    expect(d.splits.find((s) => s.symbol === 'USO')?.ratio).toBe(0.125);
    expect(d.bars.find((b) => b.symbol === 'AAPL')?.length).toBe(5849);
  });

  it('places the LEAN 09:00 hourly label at the 09:30 open', async () => {
    const { data: d } = await loadMarketData([data('lean_hour_VXX.csv')]);
    const s = d.bars[0]!;
    expect(s.resolution).toBe('hour');
    expect(s.time[0]).toBe(newYorkToEpoch('2019-05-02', '09:30'));
    expect(s.time[1]).toBe(newYorkToEpoch('2019-05-02', '10:00'));
  });

  it('keeps only regular-session minute bars unless asked, one series per symbol', async () => {
    const file = data('lean_minute_trade_SPY_IBM_BAC_AIG_2013-10-04_2013-10-11.csv');
    const regular = await loadMarketData([file]);
    expect(regular.data.bars.map((b) => b.symbol).sort()).toEqual(['AIG', 'BAC', 'IBM', 'SPY']);
    expect(regular.data.bars.find((b) => b.symbol === 'SPY')?.length).toBe(6 * 390);
    const all = await loadMarketData([file], { extendedHours: true, symbols: new Set(['SPY']) });
    expect(all.data.bars.map((b) => b.symbol)).toEqual(['SPY']);
    expect(all.data.bars[0]!.length).toBeGreaterThan(6 * 390);
  });

  it('reads quotes and the VIX (each close known at 16:15 New York)', async () => {
    const { data: d } = await loadMarketData([
      data('lean_minute_quote_SPY_2013-10-04_2013-10-11.csv'),
      data('cboe_vix_daily.csv'),
    ]);
    const q = d.quotes[0]!;
    expect(q.symbol).toBe('SPY');
    expect(q.askOpen[0]! - q.bidOpen[0]!).toBeGreaterThanOrEqual(0);
    const vix = d.indexes[0]!;
    expect(vix.name).toBe('VIX');
    expect(vix.length).toBe(9235);
    expect(vix.time[0]).toBe(newYorkToEpoch('1990-01-02', '16:15'));
  });

  it('refuses daily and hourly bars of one symbol from a folder unless a resolution is chosen', async () => {
    const dir = tempFiles({});
    const both = await loadError([data('lean_daily_SPY.csv'), data('lean_hour_SPY.csv')]);
    expect(both.code).toBe('DATA_DUPLICATE_SYMBOL');
    expect(both.message).toContain('--resolution');
    const daily = await loadMarketData([data('lean_daily_SPY.csv'), data('lean_hour_SPY.csv'), dir], {
      resolution: 'daily',
    });
    expect(daily.data.bars.map((b) => b.resolution)).toEqual(['daily']);
  });
});
