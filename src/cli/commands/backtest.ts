import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MarketData, Resolution } from '../../backtest/data/bar-series.ts';
import { DataError } from '../../backtest/data/data-error.ts';
import { loadMarketData } from '../../backtest/data/load-market-data.ts';
import { parseBound } from '../../backtest/data/parse-time.ts';
import { loadStrategy, StrategyLoadError } from '../../backtest/load-strategy.ts';
import { toHtmlReport } from '../../backtest/report/html-report.ts';
import { toJsonReport } from '../../backtest/report/json-report.ts';
import { reportFigures } from '../../backtest/report/report-model.ts';
import { toTextSummary } from '../../backtest/report/text-summary.ts';
import { BarResolutionError, runBacktest, StrategyError } from '../../backtest/run-backtest.ts';
import { generateSyntheticMarket } from '../../backtest/synthetic-market.ts';
import { ValidationError } from '../../core/result.ts';
import { loadRiskProfile } from '../../platform/profile-file.ts';
import type { Command } from '../command.ts';
import { executionOptions, number, oneOf, UsageError } from './backtest-flags.ts';

const USAGE = `Usage: riskgate backtest --strategy <file> --risk <profile> (--data <path>... | --synthetic <seed>) [options]

Runs a strategy over bars with the risk engine on (one shared account) and reports trades,
equity, drawdown, metrics and what the risk engine did.

Input
  --data <path>...            CSV or Parquet files, or folders of them (LEAN daily/hourly/minute
                              bars and quotes, Date,Open,High,Low,Close,Volume files, the VIX,
                              splits, sector maps; Parquet bars in freqtrade's date,open,...,volume
                              layout). Times: YYYY-MM-DD, New York HH:MM, ISO-8601 with an offset,
                              or epoch seconds (1e8-1e10) / milliseconds (1e11-1e13)
  --synthetic <seed>          use the seeded synthetic market instead of files
  --synthetic-symbols <n>     symbols in the synthetic market (default 12)
  --synthetic-sessions <n>    sessions (weekdays) in the synthetic market (default 1500)
  --strategy <file>           module whose default export is defineStrategy({ name, onBar })
  --risk <file>               risk profile (YAML or JSON)
  --from <date>, --to <date>  trade from / up to these New York dates (YYYY-MM-DD); earlier bars warm up
  --symbols <A,B,...>         only these symbols
  --resolution <r>            only bar files of this resolution: daily | hour | minute
  --extended-hours            keep pre- and post-market minute bars

Execution
  --fill <when>               market orders fill at: next-open (default) | this-close
  --intrabar <path>           when a bar touches stop and target: stop-first (default) | target-first | bar-shape
  --slippage-bps <n>          fixed slippage on market and stop fills, basis points
  --spread-bps <n>            assumed bid-ask spread when no quote covers a fill, basis points
  --commission-per-share <$>  --commission-per-order <$>  --commission-bps <n>
  --commission-min <$>        --commission-max-percent <n>
  --impact-k <k>              square-root impact: slip k × σ_daily × sqrt(fill shares / bar volume)
                              of the price (off unless given; 0.1-1 is typical)
  --impact-window <n>         sessions of daily returns σ_daily is measured over (default 20)
  --max-participation <f>     largest fraction (0-1] of a bar's volume an order may fill; the
                              rest stays working on the next bars (exits too, until done)
  --borrow-rate <pct>         annual borrow fee on shorts held overnight, percent of their value
  --no-tick-rounding          rest stop and target levels unrounded (sub-penny)
  --reset-after-days <n>      a simulated operator resets a latched breaker after n days
  --close-at-end              close open positions at the last close

Output
  --out <dir>                 write report.html and report.json there
  --benchmark <symbol>        buy-and-hold benchmark in the reports (default: the first symbol)
  --json                      print the JSON report on stdout instead of the summary
  --help                      this text

Exit codes: 0 done, 1 the run failed (e.g. a bad data row), 2 bad arguments.`;

export const OPTIONS = {
  data: { type: 'string', multiple: true },
  synthetic: { type: 'string' },
  'synthetic-symbols': { type: 'string' },
  'synthetic-sessions': { type: 'string' },
  strategy: { type: 'string' },
  risk: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  symbols: { type: 'string' },
  resolution: { type: 'string' },
  'extended-hours': { type: 'boolean' },
  fill: { type: 'string' },
  intrabar: { type: 'string' },
  'slippage-bps': { type: 'string' },
  'spread-bps': { type: 'string' },
  'commission-per-share': { type: 'string' },
  'commission-per-order': { type: 'string' },
  'commission-bps': { type: 'string' },
  'commission-min': { type: 'string' },
  'commission-max-percent': { type: 'string' },
  'impact-k': { type: 'string' },
  'impact-window': { type: 'string' },
  'max-participation': { type: 'string' },
  'borrow-rate': { type: 'string' },
  'no-tick-rounding': { type: 'boolean' },
  'reset-after-days': { type: 'string' },
  'close-at-end': { type: 'boolean' },
  out: { type: 'string' },
  benchmark: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

export type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

export const backtestCommand: Command = {
  name: 'backtest',
  summary:
    'Backtest a strategy over CSV, Parquet or synthetic bars with the risk engine on; JSON and HTML reports.',
  async run(args) {
    let values: Values;
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...args],
        options: OPTIONS,
        allowPositionals: true,
        strict: true,
      }));
    } catch (error) {
      return usage((error as Error).message.replace(/\. To specify a positional.*$/s, ''));
    }
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    let setup: Awaited<ReturnType<typeof prepare>>;
    try {
      setup = await prepare(values, positionals);
    } catch (error) {
      if (error instanceof UsageError) return usage(error.message);
      if (error instanceof DataError) return fail(`data error: ${error.message}`);
      throw error;
    }
    const progress = process.stderr.isTTY === true && !values.json ? progressBar() : undefined;
    let result: ReturnType<typeof runBacktest>;
    try {
      result = runBacktest({ ...setup.options, ...(progress ? { onProgress: progress } : {}) });
    } catch (error) {
      if (progress) process.stderr.write('\n');
      if (error instanceof BarResolutionError) return usage(error.message);
      if (error instanceof StrategyError) {
        const stack = error.cause instanceof Error ? `\n${error.cause.stack ?? ''}` : '';
        return fail(`${error.message}${stack}`);
      }
      throw error;
    }
    const report = { data: setup.options.data, ...(setup.benchmark ? { benchmark: setup.benchmark } : {}) };
    const figures = reportFigures(result, report);
    const json = toJsonReport(result, { data: setup.source }, figures);
    if (values.out !== undefined) {
      const dir = resolve(values.out);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'report.json'), `${JSON.stringify(json, null, 1)}\n`);
      await writeFile(join(dir, 'report.html'), toHtmlReport(result, report, figures));
    }
    if (values.json) process.stdout.write(`${JSON.stringify(json)}\n`);
    else {
      const out = values.out === undefined ? undefined : resolve(values.out);
      console.log(
        `${toTextSummary(result)}${out === undefined ? '' : `\nreport       ${join(out, 'report.html')} and report.json`}`,
      );
    }
    return 0;
  },
};

function usage(message: string): number {
  console.error(`riskgate backtest: ${message}\nRun \`riskgate backtest --help\` for the options.`);
  return 2;
}

function fail(message: string): number {
  console.error(`riskgate backtest: ${message}`);
  return 1;
}

/** Checks every flag, then loads the strategy, the profile and the data. */
async function prepare(v: Values, positionals: readonly string[]) {
  const dataPaths = [...(v.data ?? []), ...positionals];
  if (v.synthetic !== undefined && dataPaths.length > 0)
    throw new UsageError('--synthetic and --data: give one or the other, not both');
  if (v.synthetic === undefined && dataPaths.length === 0)
    throw new UsageError(
      '--data: missing; expected CSV files or folders (or --synthetic <seed> for generated bars)',
    );
  for (const p of dataPaths) if (!existsSync(p)) throw new UsageError(`--data: ${p} does not exist`);
  if (v.strategy === undefined) throw new UsageError('--strategy: missing; expected a strategy module file');
  if (v.risk === undefined)
    throw new UsageError('--risk: missing; expected a risk profile file (YAML or JSON)');
  if (!existsSync(v.risk)) throw new UsageError(`--risk: ${v.risk} does not exist`);
  const from = bound(v.from, '--from', false);
  const to = bound(v.to, '--to', true);
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError(`--from ${v.from} is after --to ${v.to}; expected from ≤ to`);
  const resolution = oneOf(v.resolution, '--resolution', ['daily', 'hour', 'minute'] as const);
  const symbols =
    v.symbols === undefined
      ? undefined
      : new Set(
          v.symbols
            .split(',')
            .map((s) => s.trim().toUpperCase())
            .filter(Boolean),
        );
  if (symbols !== undefined && symbols.size === 0)
    throw new UsageError('--symbols: expected a comma-separated list such as AAPL,SPY');
  const execution = executionOptions(v);
  const resetAfterDays = number(v['reset-after-days'], '--reset-after-days', { min: 0 });
  let strategy: Awaited<ReturnType<typeof loadStrategy>>;
  try {
    strategy = await loadStrategy(v.strategy);
  } catch (error) {
    if (error instanceof StrategyLoadError) throw new UsageError(`--strategy: ${error.message}`);
    throw error;
  }
  let profile: Awaited<ReturnType<typeof loadRiskProfile>>;
  try {
    profile = await loadRiskProfile(v.risk);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof Error)
      throw new UsageError(`--risk: ${error.message}`);
    throw error;
  }
  let data: MarketData;
  let source: unknown;
  if (v.synthetic !== undefined) {
    const seed = number(v.synthetic, '--synthetic', { integer: true })!;
    const count =
      number(v['synthetic-symbols'], '--synthetic-symbols', { integer: true, min: 1, max: 2000 }) ?? 12;
    const sessions =
      number(v['synthetic-sessions'], '--synthetic-sessions', { integer: true, min: 2, max: 100_000 }) ??
      1500;
    data = generateSyntheticMarket({ seed, symbols: count, sessions });
    if (symbols !== undefined) data = { ...data, bars: data.bars.filter((b) => symbols.has(b.symbol)) };
    source = { synthetic: { seed, symbols: count, sessions } };
  } else {
    const loaded = await loadMarketData(dataPaths, {
      ...(to !== undefined ? { to } : {}),
      ...(symbols !== undefined ? { symbols } : {}),
      ...(resolution !== undefined ? { resolution: resolution as Resolution } : {}),
      extendedHours: v['extended-hours'] === true,
    });
    data = loaded.data;
    source = { files: loaded.files.map((f) => f.file), skipped: loaded.skipped };
  }
  if (data.bars.length === 0)
    throw new UsageError('--data: no bars were loaded; check the paths, --symbols and --resolution');
  const benchmark = v.benchmark?.trim().toUpperCase();
  if (benchmark !== undefined && !data.bars.some((b) => b.symbol === benchmark))
    throw new UsageError(
      `--benchmark: ${v.benchmark} has no bars in the data; expected one of ${summarise(data.bars.map((b) => b.symbol))}`,
    );
  return {
    source,
    benchmark,
    options: {
      data,
      strategy,
      profile,
      execution,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(resetAfterDays !== undefined ? { resetAfterDays } : {}),
      closeAtEnd: v['close-at-end'] === true,
    },
  };
}

function summarise(symbols: readonly string[]): string {
  return symbols.length <= 20
    ? symbols.join(', ')
    : `${symbols.slice(0, 20).join(', ')} and ${symbols.length - 20} more`;
}

function bound(text: string | undefined, flag: string, endOfDay: boolean): number | undefined {
  if (text === undefined) return undefined;
  const t = parseBound(text, endOfDay);
  if (typeof t === 'string') throw new UsageError(`${flag}: ${t}`);
  return t;
}

/** A progress bar on stderr, redrawn at most ten times a second. */
function progressBar(): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (done < total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor((done / Math.max(1, total)) * 100)}%`,
    );
    if (done >= total) process.stderr.write('\r\x1b[2K');
  };
}
