import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/riskgate.js', import.meta.url).pathname;
const STRATEGY = 'examples/strategies/breakout.ts';
const PROFILE = 'examples/profiles/backtest-daily.yaml';

/** Runs the real CLI process and returns its exit code and output. */
function riskgate(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'backtest', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('riskgate backtest (spawned)', () => {
  it('prints its options with --help', () => {
    const r = riskgate('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: riskgate backtest');
    expect(r.stdout).toContain('--intrabar');
  });

  it.each([
    [['--synthetic', '1', '--risk', PROFILE], '--strategy: missing; expected a strategy module file'],
    [['--synthetic', '1', '--strategy', STRATEGY], '--risk: missing; expected a risk profile file'],
    [['--strategy', STRATEGY, '--risk', PROFILE], '--data: missing; expected CSV files or folders'],
    [
      ['--synthetic', 'x', '--strategy', STRATEGY, '--risk', PROFILE],
      '--synthetic: expected an integer, got "x"',
    ],
    [
      ['--synthetic', '1', '--strategy', STRATEGY, '--risk', PROFILE, '--from', '2020-13-01'],
      '--from: expected a date YYYY-MM-DD',
    ],
    [
      ['--synthetic', '1', '--strategy', STRATEGY, '--risk', PROFILE, '--fill', 'noon'],
      '--fill: expected one of next-open, this-close, got "noon"',
    ],
    [
      ['--synthetic', '1', '--strategy', STRATEGY, '--risk', PROFILE, '--max-participation', '2'],
      '--max-participation: expected a number from 0 to 1, got 2',
    ],
    [
      ['--synthetic', '1', '--strategy', STRATEGY, '--risk', PROFILE, '--impact-k=-1'],
      '--impact-k: expected a number from 0 to 100, got -1',
    ],
    [
      ['--synthetic', '1', '--strategy', STRATEGY, '--risk', PROFILE, '--impact-window', '10'],
      '--impact-window: only with --impact-k',
    ],
    [
      ['--synthetic', '1', '--strategy', STRATEGY, '--risk', PROFILE, '--borrow-rate', '150'],
      '--borrow-rate: expected a number from 0 to 100, got 150',
    ],
    [
      [
        '--synthetic',
        '1',
        '--strategy',
        STRATEGY,
        '--risk',
        PROFILE,
        '--from',
        '2021-01-01',
        '--to',
        '2020-01-01',
      ],
      '--from 2021-01-01 is after --to 2020-01-01',
    ],
    [
      ['--data', 'no/such/dir', '--strategy', STRATEGY, '--risk', PROFILE],
      '--data: no/such/dir does not exist',
    ],
    [['--synthetic', '1', '--strategy', STRATEGY, '--risk', PROFILE, '--bogus'], "Unknown option '--bogus'"],
    [
      [
        '--synthetic',
        '1',
        '--synthetic-symbols',
        '2',
        '--strategy',
        STRATEGY,
        '--risk',
        PROFILE,
        '--benchmark',
        'SPY',
      ],
      '--benchmark: SPY has no bars in the data; expected one of TECA, FINA',
    ],
  ])('rejects bad arguments with exit code 2: %j', (args, message) => {
    const r = riskgate(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('names what is wrong with a strategy file and with a profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-cli-'));
    writeFileSync(join(dir, 'nothing.mts'), 'export const x = 1;\n');
    writeFileSync(join(dir, 'bad.yaml'), 'mode: paper\nprofiles:\n  paper:\n    startingEquity: -5\n');
    const noStrategy = riskgate(
      '--synthetic',
      '1',
      '--strategy',
      join(dir, 'nothing.mts'),
      '--risk',
      PROFILE,
    );
    expect(noStrategy.code).toBe(2);
    expect(noStrategy.stderr).toContain('has no default export that is a strategy');
    const badProfile = riskgate('--synthetic', '1', '--strategy', STRATEGY, '--risk', join(dir, 'bad.yaml'));
    expect(badProfile.code).toBe(2);
    expect(badProfile.stderr).toContain('profiles.paper.startingEquity');
  });

  it('fails with exit code 1 naming the strategy and the bar when the strategy throws', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-cli-'));
    writeFileSync(
      join(dir, 'boom.mts'),
      "export default { name: 'boom', onBar() { throw new Error('no way'); } };\n",
    );
    const r = riskgate('--synthetic', '1', '--strategy', join(dir, 'boom.mts'), '--risk', PROFILE);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'riskgate backtest: strategy boom threw in onBar(TECA 2015-01-02T14:30:00.000Z): no way',
    );
  });

  it('fails with exit code 1 and the file and line on a bad data row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-cli-'));
    writeFileSync(
      join(dir, 'abc.csv'),
      'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10,1\n2024-01-03,10,11,9,oops,1\n',
    );
    const r = riskgate('--data', join(dir, 'abc.csv'), '--strategy', STRATEGY, '--risk', PROFILE);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`data error: ${join(dir, 'abc.csv')}:3: close is not a number: "oops"`);
  });

  it('runs on a Parquet file of daily candles stamped at 00:00 UTC', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-cli-pq-'));
    const days = 60;
    const date = Array.from({ length: days }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)));
    const close = date.map((_, i) => 100 + i);
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'date', data: date, type: 'TIMESTAMP' },
        { name: 'open', data: close.map((c) => c - 0.5), type: 'DOUBLE' },
        { name: 'high', data: close.map((c) => c + 1), type: 'DOUBLE' },
        { name: 'low', data: close.map((c) => c - 1), type: 'DOUBLE' },
        { name: 'close', data: close, type: 'DOUBLE' },
        { name: 'volume', data: close.map(() => 1e6), type: 'DOUBLE' },
      ],
    });
    writeFileSync(join(dir, 'AAA-1d.parquet'), Buffer.from(buffer));
    const r = riskgate('--data', dir, '--strategy', STRATEGY, '--risk', PROFILE, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { symbols: string[]; start: string; data: { files: string[] } };
    expect(json.symbols).toEqual(['AAA']);
    // 2024-01-01 00:00 UTC is read as that date's bar at 09:30 New York (14:30Z in winter).
    expect(json.start).toBe('2024-01-01T14:30:00.000Z');
    expect(json.data.files).toEqual([join(dir, 'AAA-1d.parquet')]);
  });

  it('runs on the synthetic market, prints JSON and writes a self-contained HTML report', () => {
    const out = mkdtempSync(join(tmpdir(), 'bt-cli-out-'));
    const r = riskgate(
      '--synthetic',
      '11',
      '--synthetic-symbols',
      '6',
      '--synthetic-sessions',
      '400',
      '--strategy',
      STRATEGY,
      '--risk',
      PROFILE,
      '--json',
      '--out',
      out,
      '--slippage-bps',
      '2',
      '--benchmark',
      'nrga',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      strategy: string;
      trades: unknown[];
      metrics: { trades: number };
      data: unknown;
    };
    expect(json.strategy).toBe('breakout');
    expect(json.metrics.trades).toBe(json.trades.length);
    expect(json.data).toEqual({ synthetic: { seed: 11, symbols: 6, sessions: 400 } });
    expect((json as unknown as { benchmark: { symbol: string } }).benchmark.symbol).toBe('NRGA');
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Risk engine activity');
    // Opens from disk with no network: scripts and styles inline, no external stylesheets, images
    // or fonts; the only addresses are the SVG namespace and the chart library's banner comment.
    expect(html).toContain('<script>');
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link|<img/i);
    for (const [, css] of html.matchAll(/<style>(.*?)<\/style>/gs)) expect(css).not.toMatch(/url\(|@import/i);
    for (const url of html.match(/https?:\/\/[^"\s)]*/g) ?? [])
      expect(['http://www.w3.org/2000/svg', 'https://github.com/leeoniya/uPlot']).toContain(url);
  });

  it('applies the square-root impact and reports slippage by kind and borrow fees in the JSON', () => {
    const args = ['--synthetic', '11', '--synthetic-symbols', '6', '--synthetic-sessions', '400'];
    const flat = riskgate(
      ...args,
      '--strategy',
      STRATEGY,
      '--risk',
      PROFILE,
      '--json',
      '--slippage-bps',
      '2',
    );
    const sqrt = riskgate(
      ...args,
      '--strategy',
      STRATEGY,
      '--risk',
      PROFILE,
      '--json',
      '--slippage-bps',
      '2',
      '--impact-k',
      '0.5',
      '--borrow-rate',
      '1',
    );
    expect(sqrt.code).toBe(0);
    type Costs = {
      costs: {
        slippage: number;
        slippageByKind: { fixed: number; spread: number; impact: number };
        borrow: number;
      };
    };
    const a = (JSON.parse(flat.stdout) as Costs).costs;
    const b = (JSON.parse(sqrt.stdout) as Costs).costs;
    expect(a.slippageByKind.impact).toBe(0);
    expect(b.slippageByKind.impact).toBeGreaterThan(0);
    expect(b.slippage).toBeCloseTo(
      b.slippageByKind.fixed + b.slippageByKind.spread + b.slippageByKind.impact,
      1,
    );
    expect(b.borrow).toBeGreaterThanOrEqual(0);
  });

  it('prints a readable summary without --json', () => {
    const r = riskgate(
      '--synthetic',
      '3',
      '--synthetic-symbols',
      '4',
      '--synthetic-sessions',
      '300',
      '--strategy',
      STRATEGY,
      '--risk',
      PROFILE,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^breakout on 4 symbol\(s\)/);
    expect(r.stdout).toContain('max drawdown');
    expect(r.stdout).toContain('breakers');
    expect(r.stdout).toMatch(
      /costs {8}commission \$[\d,]+ {2}slippage \$[\d,]+ \(fixed .*, impact \$0\) {2}borrow \$0/,
    );
  });
});
