import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachLine } from '../../src/backtest/data/csv-lines.ts';
import { CsvRow } from '../../src/backtest/data/csv-row.ts';
import { loadMarketData } from '../../src/backtest/data/load-market-data.ts';
import { parseTimeCell } from '../../src/backtest/data/parse-time.ts';
import { MarketView } from '../../src/backtest/market-view.ts';
import { generateSyntheticMarket } from '../../src/backtest/synthetic-market.ts';
import { describeWithShared } from '../support/shared-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'bt-stream-'));
let fileNo = 0;
function tempFile(text: string, name = `f${fileNo++}.csv`): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The lines as `readline` gives them (how files were read before). */
async function readlineLines(file: string): Promise<string[]> {
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) lines.push(line);
  return lines;
}

async function chunkedLines(file: string, chunkBytes?: number): Promise<string[]> {
  const lines: string[] = [];
  await forEachLine(
    file,
    (line, number) => {
      expect(number).toBe(lines.length + 1);
      lines.push(line);
    },
    chunkBytes,
  );
  return lines;
}

describe('forEachLine', () => {
  it('cuts the same lines as readline for any mix of \\n, \\r\\n and \\r, across chunk boundaries', async () => {
    const piece = fc.constantFrom('a', 'bc', '1,2.5', ' ', '\n', '\r\n', '\r', '\n\n', 'é');
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 60 }),
        fc.integer({ min: 1, max: 16 }),
        async (parts, chunk) => {
          const file = tempFile(parts.join(''));
          expect(await chunkedLines(file, chunk)).toEqual(await readlineLines(file));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('passes what the callback throws through unchanged', async () => {
    const file = tempFile('a\nb\n');
    const boom = new Error('boom');
    await expect(
      forEachLine(file, () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });
});

describe('CsvRow', () => {
  const numeric = fc.oneof(
    fc.double({ noNaN: true }).map(String),
    fc.integer().map(String),
    fc.tuple(fc.nat(99_999), fc.nat(9_999)).map(([a, b]) => `${a}.${String(b).padStart(4, '0')}`),
    fc.constantFrom(
      '',
      ' 1',
      '1 ',
      '-',
      '.',
      '.5',
      '-.5',
      '1.',
      '-0',
      '+3',
      '1e5',
      '0x10',
      'abc',
      '1.2.3',
      '12345678901234567',
      '0.000000000000000001',
    ),
  );

  it('reads each cell as split(",") does, and each plain decimal exactly as Number() does', () => {
    fc.assert(
      fc.property(fc.array(numeric, { minLength: 1, maxLength: 8 }), (cells) => {
        const line = cells.join(',');
        const row = new CsvRow();
        row.set(line);
        const split = line.split(',');
        for (let i = 0; i <= split.length; i++) {
          expect(row.cell(i)).toBe(split[i]);
          const n = row.number(i);
          if (!Number.isNaN(n)) expect(Object.is(n, Number(split[i]))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads every plain decimal of up to 15 digits in place', () => {
    const row = new CsvRow();
    row.set('123.4567,-0.5,100000,007,999999999999999');
    expect([0, 1, 2, 3, 4].map((i) => row.number(i))).toEqual([123.4567, -0.5, 100000, 7, 999999999999999]);
  });

  it('unquotes quoted cells', () => {
    const row = new CsvRow();
    row.set('"a,b",2,"say ""hi"""');
    expect([row.cell(0), row.cell(1), row.cell(2), row.cell(3)]).toEqual(['a,b', '2', 'say "hi"', undefined]);
  });
});

describe('loadMarketData on a random plain bar file', () => {
  it('gives the bars a readline, split and Number reader gives', async () => {
    const bar = fc
      .tuple(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.nat(1_000_000_000),
      )
      .map(([low, up, down, v]) => {
        const l = low / 10_000;
        const h = (low + up + down) / 10_000;
        return { o: (low + up) / 10_000, h, l, c: (low + down) / 10_000, v };
      });
    await fc.assert(
      fc.asyncProperty(
        fc.array(bar, { minLength: 1, maxLength: 40 }),
        fc.constantFrom('\n', '\r\n'),
        async (bars, eol) => {
          const day0 = Date.UTC(2020, 0, 1);
          const rows = bars.map((b, i) => {
            const date = new Date(day0 + i * 86_400_000).toISOString().slice(0, 10);
            return `${date},${b.o},${b.h},${b.l},${b.c},${b.v}`;
          });
          const file = tempFile(
            ['Date,Open,High,Low,Close,Volume', ...rows, ''].join(eol),
            `R${fileNo++}.csv`,
          );
          const { data } = await loadMarketData([file]);
          const s = data.bars[0]!;
          const expected = (await readlineLines(file)).slice(1).map((line) => line.split(','));
          expect(s.length).toBe(expected.length);
          expected.forEach((cells, i) => {
            expect(s.time[i]).toBe(parseTimeCell(cells[0]!));
            expect([s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]]).toEqual(
              cells.slice(1).map(Number),
            );
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});

const SHARED = [
  'data/lean_daily_AAPL.csv',
  'data/lean_hour_SPY.csv',
  'data/lean_minute_trade_SPY_IBM_BAC_AIG_2013-10-04_2013-10-11.csv',
  'data/lean_minute_quote_SPY_2013-10-04_2013-10-11.csv',
  'data/cboe_vix_daily.csv',
  'data/pypfopt_adjclose_19stocks_1990-2024.csv',
];
describeWithShared('the chunked reader on the shared data files', SHARED, (paths) => {
  it('gives every line and numeric cell readline, split and Number give', async () => {
    for (const file of paths) {
      const lines = await chunkedLines(file);
      expect(lines).toEqual(await readlineLines(file));
      const row = new CsvRow();
      const mismatches: string[] = [];
      let numbers = 0;
      for (const line of lines) {
        row.set(line);
        const cells = line.split(',');
        for (let i = 0; i < cells.length; i++) {
          if (row.cell(i) !== cells[i]) mismatches.push(`cell ${i} of ${line}`);
          const n = row.number(i);
          if (Number.isNaN(n)) continue;
          numbers++;
          if (!Object.is(n, Number(cells[i]))) mismatches.push(`number ${i} of ${line}`);
        }
      }
      expect(mismatches).toEqual([]);
      expect(numbers).toBeGreaterThan(lines.length);
    }
  });
});

describe('MarketView.slab', () => {
  it('holds each bar of the time line as its series does, for aligned and ragged series', () => {
    const market = generateSyntheticMarket({ symbols: 5, sessions: 60, seed: 7 });
    const ragged = {
      ...market,
      bars: market.bars.map((s, k) => ({ ...s, length: s.length - 7 * k })),
    };
    for (const data of [market, ragged]) {
      const view = new MarketView(data);
      const seen = new Int32Array(view.series.length);
      for (let j = 0; j < view.totalBars; j++) {
        const id = view.order[j]!;
        const s = view.series[id]!;
        const i = seen[id]!++;
        expect([...view.slab!.subarray(5 * j, 5 * j + 5)]).toEqual([
          s.open[i],
          s.high[i],
          s.low[i],
          s.close[i],
          s.volume[i],
        ]);
      }
    }
  });
});

describe('loadMarketData on a folder of files with shared and differing calendars', () => {
  it('stamps each row from its own cell when the row before it in another file differs', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bt-cal-'));
    const head = 'Date,Open,High,Low,Close,Volume';
    const files: Record<string, string[]> = {
      'A.csv': ['2024-01-02', '2024-01-03', '2024-01-04'],
      'B.csv': ['2024-01-02', '2024-01-03', '2024-01-04'],
      'C.csv': ['2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'],
      'D.csv': [' 2024-01-03', '2024-01-05'],
    };
    for (const [name, dates] of Object.entries(files))
      writeFileSync(join(folder, name), [head, ...dates.map((d) => `${d},10,11,9,10.5,100`)].join('\n'));
    const { data } = await loadMarketData([folder]);
    for (const s of data.bars)
      expect([...s.time]).toEqual(files[`${s.symbol}.csv`]!.map((d) => parseTimeCell(d.trim())));
  });
});
