import { parseArgs } from 'node:util';
import { randomWalkFeed } from '../../broker/sim/price-feed.ts';
import { DEFAULT_ASSETS, SimExchange } from '../../broker/sim/sim-exchange.ts';
import type { Command } from '../command.ts';

const HELP = `Usage: riskgate sim-exchange [options]

Runs a simulated broker that speaks the Alpaca trading API (REST on /v2, latest quotes,
the trade_updates WebSocket on /stream) with a seeded random-walk market, until Ctrl-C.

Options:
  --port <n>         Port to listen on (default 0: pick a free one)
  --host <addr>      Interface to listen on (default 127.0.0.1)
  --seed <n>         Seed of the random-walk quotes (default 1)
  --speed <x>        Simulated seconds per real second (default 1)
  --symbols <list>   Symbols and start prices, e.g. AAPL=190,MSFT=410 (default: a few large caps)
  --interval <ms>    Simulated milliseconds between quotes of a symbol (default 1000)
  --cash <dollars>   Starting cash (default 100000)
  --multiplier <n>   Margin multiplier for buying power: 1, 2 or 4 (default 1)
  --rate-limit <n>   Requests per minute before 429 (default 200)
  --key <id>         API key id to accept (default SIMKEY)
  --secret <s>       API secret to accept (default SIMSECRET)
  --strict           Reject take_profit/stop_loss on simple orders (the real broker drops them silently)
  --state <file>     Keep the account, positions and orders in this file across restarts (written
                     durably after every change; a damaged file is refused)
  --data <path>      Market replay from files: CSV replay arrives through the backtest loaders and is
                     not available in this command yet; it is refused with an explanation
  -h, --help         Show this help

Test control: POST /admin/quotes, /admin/clock, /admin/faults (see docs/BROKER.md).`;

/** Parsed options of the command. */
export interface SimExchangeArgs {
  readonly port: number;
  readonly host: string;
  readonly seed: number;
  readonly speed: number;
  readonly symbols: Readonly<Record<string, number>>;
  readonly intervalMs: number;
  readonly cash: number;
  readonly multiplier: number;
  readonly rateLimit: number;
  readonly keyId: string;
  readonly secretKey: string;
  readonly strict: boolean;
  /** File that keeps the account, positions and orders across restarts. */
  readonly stateFile?: string;
}

const DEFAULT_SYMBOLS = { AAPL: 190, MSFT: 410, SPY: 560, TSLA: 250 };

/** Parses the arguments; returns every problem found, or the options, or `help`. */
export function parseSimExchangeArgs(
  args: readonly string[],
): SimExchangeArgs | 'help' | { errors: string[] } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        speed: { type: 'string' },
        symbols: { type: 'string' },
        interval: { type: 'string' },
        cash: { type: 'string' },
        multiplier: { type: 'string' },
        'rate-limit': { type: 'string' },
        key: { type: 'string' },
        secret: { type: 'string' },
        strict: { type: 'boolean' },
        state: { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { errors: [error instanceof Error ? error.message : String(error)] };
  }
  if (values.help === true) return 'help';
  const errors: string[] = [];
  const number = (name: string, fallback: number, ok: (n: number) => boolean, expected: string): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || !ok(n)) {
      errors.push(`--${name}: expected ${expected}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return n;
  };
  const port = number('port', 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535, 'an integer 0-65535');
  const seed = number('seed', 1, Number.isInteger, 'an integer');
  const speed = number('speed', 1, (n) => n > 0, 'a positive number');
  const intervalMs = number('interval', 1000, (n) => n >= 1, 'milliseconds >= 1');
  const cash = number('cash', 100_000, (n) => n >= 0, 'dollars >= 0');
  const multiplier = number('multiplier', 1, (n) => n === 1 || n === 2 || n === 4, '1, 2 or 4');
  const rateLimit = number('rate-limit', 200, (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
  let symbols: Record<string, number> = DEFAULT_SYMBOLS;
  if (typeof values.symbols === 'string') {
    symbols = {};
    for (const part of values.symbols.split(',')) {
      const match = /^\s*([A-Za-z.]{1,10})\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
      if (match === null || !(Number(match[2]) > 0)) {
        errors.push(`--symbols: expected SYMBOL=PRICE pairs such as AAPL=190, got ${JSON.stringify(part)}`);
        continue;
      }
      symbols[match[1]!.toUpperCase()] = Number(match[2]);
    }
  }
  if (values.data !== undefined) {
    errors.push(
      '--data: CSV replay comes through the backtest loaders and is not available in sim-exchange yet; ' +
        'use --seed for a random walk, or POST /admin/quotes to drive prices',
    );
  }
  for (const name of ['key', 'secret', 'host', 'state'] as const) {
    if (values[name] === '') errors.push(`--${name}: must not be empty`);
  }
  if (errors.length > 0) return { errors };
  return {
    port,
    host: typeof values.host === 'string' ? values.host : '127.0.0.1',
    seed,
    speed,
    symbols,
    intervalMs,
    cash,
    multiplier,
    rateLimit,
    keyId: typeof values.key === 'string' ? values.key : 'SIMKEY',
    secretKey: typeof values.secret === 'string' ? values.secret : 'SIMSECRET',
    strict: values.strict === true,
    ...(typeof values.state === 'string' ? { stateFile: values.state } : {}),
  };
}

/** Starts the exchange for parsed options (seeded random walk, accelerated real-time clock). */
export function startFromArgs(options: SimExchangeArgs): Promise<SimExchange> {
  const startMs = Date.now();
  const known = new Set(DEFAULT_ASSETS.map((a) => a.symbol));
  return SimExchange.start({
    port: options.port,
    host: options.host,
    keyId: options.keyId,
    secretKey: options.secretKey,
    strict: options.strict,
    clock: { mode: 'real', startMs, speed: options.speed },
    feed: randomWalkFeed({
      symbols: options.symbols,
      seed: options.seed,
      startMs,
      intervalMs: options.intervalMs,
    }),
    assets: [
      ...DEFAULT_ASSETS,
      ...Object.keys(options.symbols)
        .filter((s) => !known.has(s))
        .map((symbol) => ({ symbol })),
    ],
    account: { cash: options.cash, multiplier: options.multiplier },
    rateLimit: { limit: options.rateLimit },
    ...(options.stateFile !== undefined
      ? {
          stateFile: options.stateFile,
          onStateError: (error: Error) => console.error(`riskgate sim-exchange: ${error.message}`),
        }
      : {}),
  });
}

/** Runs the command until `signal` aborts; output goes to `print`. Returns the exit code. */
export async function runSimExchange(
  args: readonly string[],
  signal: AbortSignal,
  print: (line: string) => void = console.log,
  printError: (line: string) => void = console.error,
): Promise<number> {
  const parsed = parseSimExchangeArgs(args);
  if (parsed === 'help') {
    print(HELP);
    return 0;
  }
  if ('errors' in parsed) {
    for (const error of parsed.errors) printError(`riskgate sim-exchange: ${error}`);
    printError('Run `riskgate sim-exchange --help` for the options.');
    return 2;
  }
  const exchange = await startFromArgs(parsed);
  print(`Simulated Alpaca exchange listening on ${exchange.url}`);
  print(`  trade stream: ${exchange.streamUrl}`);
  print(`  APCA-API-KEY-ID: ${exchange.keyId}`);
  print(`  APCA-API-SECRET-KEY: ${exchange.secretKey}`);
  print(
    `  symbols: ${Object.entries(parsed.symbols)
      .map(([s, p]) => `${s}@${p}`)
      .join(' ')}  seed ${parsed.seed}  speed ${parsed.speed}x${parsed.strict ? '  strict' : ''}`,
  );
  print('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await exchange.close();
  print('Simulated exchange stopped.');
  return 0;
}

/** `riskgate sim-exchange`: runs the simulated exchange until SIGINT or SIGTERM. */
export const simExchangeCommand: Command = {
  name: 'sim-exchange',
  summary: 'Run a simulated Alpaca-compatible broker (REST + trade_updates) with fault injection.',
  run(args) {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return runSimExchange(args, stop.signal).finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  },
};
