/**
 * The package as a user gets it: `npm pack`, then the tarball installed offline into new
 * projects outside the repository — plain JavaScript in Node, and a strict TypeScript project.
 * Skipped with the reason when packing is impossible here; under CI that fails instead.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { consumerProject, type Packed, packOnce, ROOT, runNode } from './packed.ts';

let packed: Packed | { readonly unavailable: string };

beforeAll(async () => {
  packed = await packOnce();
}, 600_000);

function needPacked(ctx: TestContext): Packed {
  if ('unavailable' in packed) {
    if (process.env.CI === 'true') throw new Error(packed.unavailable);
    console.warn(`skipped: ${packed.unavailable}`);
    ctx.skip();
    throw new Error('unreachable');
  }
  return packed;
}

describe('the packed tarball', () => {
  it('holds the compiled package and its runtime files, and no tests, benches, CI or sources', (ctx) => {
    const { files } = needPacked(ctx);
    for (const wanted of [
      'package.json',
      'README.md',
      'bin/riskgate.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/backtest/index.js',
      'dist/cli/main.js',
      'dist/gateway/console/index.html',
      'dist/gateway/console/app.js',
      'dist/store/migrations/001_initial.sql',
      'dist/store/pglite-cluster.tar.gz',
      'dist/store/pglite-thread.js',
      'examples/profiles/example.yaml',
    ]) {
      expect(files, wanted).toContain(wanted);
    }
    const unwanted = files.filter(
      (f) =>
        /\.test\.(ts|js|d\.ts)$/.test(f) ||
        /^(src|test|bench|scripts|\.ci|\.github|coverage|node_modules)\//.test(f) ||
        f.endsWith('.ts') !== f.endsWith('.d.ts') ||
        f === 'dist/.build-stamp' ||
        f.startsWith('tsconfig'),
    );
    expect(unwanted).toEqual([]);
  });
});

describe('a plain JavaScript project that installs the tarball', () => {
  let dir = '';
  const project = (ctx: TestContext) => {
    const { tarball } = needPacked(ctx);
    dir ||= consumerProject('js-consumer', tarball);
    return dir;
  };

  it('imports riskgate in Node and checks an order through the engine', (ctx) => {
    const cwd = project(ctx);
    writeFileSync(
      join(cwd, 'check.js'),
      `import { ManualClock, parseProfile, RiskEngine, stock } from 'riskgate';
import { bsmGreeks } from 'riskgate/options';
import { defineStrategy } from 'riskgate/backtest';
import { AlpacaBroker } from 'riskgate/alpaca';
const profile = parseProfile({ startingEquity: 50000, orders: { maxQuantity: 100, maxNotional: { percent: 100 } } });
if (!profile.ok) throw new Error(JSON.stringify(profile.issues));
const clock = new ManualClock(Date.UTC(2024, 2, 15, 14, 30));
const engine = new RiskEngine({ profile: profile.value, clock, instruments: [stock('AAPL', 'Information Technology')] });
engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: clock.now(), price: 170 });
const order = { clientOrderId: 'c-1', symbol: 'AAPL', side: 'buy', qty: 500, type: 'market', timeInForce: 'day' };
const decision = engine.validateOrder(order);
const call = bsmGreeks({ right: 'call', spot: 100, strike: 100, timeToExpiry: 1, rate: 0, dividendYield: 0, volatility: 0.2 });
console.log(JSON.stringify({
  kind: decision.kind,
  codes: decision.kind === 'deny' ? decision.violations.map((v) => v.code) : [],
  delta: Math.round(call.delta * 100) / 100,
  entryPoints: [typeof defineStrategy, typeof AlpacaBroker],
}));
`,
    );
    const run = runNode(cwd, ['check.js']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      kind: string;
      codes: string[];
      delta: number;
      entryPoints: string[];
    };
    expect(result.kind).toBe('deny');
    expect(result.codes).toContain('ORDER_QUANTITY_EXCEEDED');
    expect(result.delta).toBe(0.54);
    expect(result.entryPoints).toEqual(['function', 'function']);
  });

  it('runs the installed riskgate command', (ctx) => {
    const cwd = project(ctx);
    const help = runNode(cwd, ['node_modules/riskgate/bin/riskgate.js', 'help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: riskgate <command>/);
    expect(help.stdout).toContain('backtest');
  });

  it('opens the embedded store (its engine in a worker thread) from the installed package', {
    timeout: 180_000,
  }, (ctx) => {
    const cwd = project(ctx);
    const keys = (...args: string[]) =>
      runNode(cwd, ['node_modules/riskgate/bin/riskgate.js', 'keys', ...args, '--data-dir', 'store']);
    const created = keys('create', '--role', 'read-only', '--label', 'consumer');
    expect(created.code, created.stderr).toBe(0);
    const listed = keys('list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('consumer');
  });

  it('says how to load a TypeScript strategy when tsx is not installed', (ctx) => {
    const cwd = project(ctx);
    writeFileSync(
      join(cwd, 'strategy.ts'),
      "import { defineStrategy } from 'riskgate/backtest';\nexport default defineStrategy({ name: 'x', onBar() {} });\n",
    );
    const run = runNode(cwd, [
      'node_modules/riskgate/bin/riskgate.js',
      'backtest',
      '--strategy',
      'strategy.ts',
      '--synthetic',
      '3',
      '--synthetic-sessions',
      '60',
      '--risk',
      'node_modules/riskgate/examples/profiles/backtest-daily.yaml',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('needs the tsx package');
    expect(run.stderr).toContain('npm install --save-dev tsx');
  });
});

/** The README's library example, as printed under "Using the engine in a strategy". */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the engine in a strategy'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match?.[1] === undefined)
    throw new Error('README has no ts block under "Using the engine in a strategy"');
  return match[1];
}

describe('a strict TypeScript NodeNext project that installs the tarball', () => {
  // A type-check and two runs in child processes: minutes on a busy machine, not the default 30 s.
  it('type-checks a strategy and the README example against the declarations, then runs them', {
    timeout: 180_000,
  }, (ctx) => {
    const { tarball } = needPacked(ctx);
    const cwd = consumerProject('ts-consumer', tarball);
    writeFileSync(
      join(cwd, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          outDir: 'out',
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(
      join(cwd, 'backtest.ts'),
      `import { parseProfile, type RiskProfile } from 'riskgate';
import { type BacktestResult, defineStrategy, generateSyntheticMarket, runBacktest } from 'riskgate/backtest';
import type { Broker } from 'riskgate/alpaca';
import { type Greeks, bsmGreeks } from 'riskgate/options';

const crossover = defineStrategy({
  name: 'consumer-crossover',
  onBar(bar, ctx) {
    const symbol: string = bar.symbol;
    if (ctx.position(symbol).qty !== 0 || ctx.openOrders(symbol).length > 0) return;
    if (ctx.sma(symbol, 5, 1) <= ctx.sma(symbol, 20, 1) && ctx.sma(symbol, 5) > ctx.sma(symbol, 20)) ctx.buy(symbol, 10);
  },
});

const parsed = parseProfile({
  startingEquity: 100_000,
  orders: { maxQuantity: 1_000, maxNotional: { percent: 20 } },
  protectiveStop: { required: true, policy: 'attach', method: 'percent', percent: 5 },
  exits: { timeExit: { maxBars: 10, timeframe: '1d' } },
});
if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.path + ': ' + i.message).join('; '));
const profile: RiskProfile = parsed.value;
const result: BacktestResult = runBacktest({
  data: generateSyntheticMarket({ seed: 7, symbols: 4, sessions: 250 }),
  strategy: crossover,
  profile,
});
const greeks: Greeks = bsmGreeks({ right: 'put', spot: 50, strike: 55, timeToExpiry: 0.5, rate: 0.01, dividendYield: 0, volatility: 0.3 });
const broker: Broker | undefined = undefined;
console.log(JSON.stringify({ strategy: result.strategy, trades: result.trades.length, ordersSeen: result.orders, put: greeks.delta < 0, broker: broker === undefined }));
`,
    );
    writeFileSync(join(cwd, 'readme-example.ts'), readmeExample());

    const tsc = runNode(cwd, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);

    const backtest = runNode(cwd, ['out/backtest.js']);
    expect(backtest.stderr).toBe('');
    expect(backtest.code).toBe(0);
    const report = JSON.parse(backtest.stdout) as { strategy: string; trades: number; put: boolean };
    expect(report.strategy).toBe('consumer-crossover');
    expect(report.trades).toBeGreaterThan(0);
    expect(report.put).toBe(true);

    const example = runNode(cwd, ['out/readme-example.js']);
    expect(example.stderr).toBe('');
    expect(example.code).toBe(0);
  });
});

describe("this checkout's compiled riskgate command", () => {
  it('loads a TypeScript strategy through tsx, which is installed here', (ctx) => {
    needPacked(ctx); // packing built dist/
    const out = mkdtempSync(join(tmpdir(), 'riskgate-cli-backtest-'));
    const run = runNode(ROOT, [
      'bin/riskgate.js',
      'backtest',
      '--synthetic',
      '7',
      '--synthetic-sessions',
      '300',
      '--strategy',
      'examples/strategies/sma-cross.ts',
      '--risk',
      'examples/profiles/backtest-daily.yaml',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sma-cross');
    expect(existsSync(join(out, 'report.json'))).toBe(true);
  });
});
