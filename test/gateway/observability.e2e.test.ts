/**
 * What an operator watches, through a real gateway in front of the simulated exchange: the
 * account gauges after a fill and a price move agree with `/v1/state` and with the figures
 * worked out from the fill, the build and process metrics are there, and every order decision
 * and trading-state change is one info log line naming the key by its label, with no secret.
 * The shipped alert rules and dashboard use only metrics this gateway exports.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { eventually, type Rig, startRig } from './harness.ts';
import { parseScrape, type Scrape } from './prometheus-text.ts';
import { metricNames } from './promql-names.ts';

const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 }
    exposure:
      symbol: { usd: 30000 }
      sector: { usd: 40000 }
      gross: { usd: 60000 }
      net: { usd: 50000 }
    sectors: { AAPL: Tech, MSFT: Tech }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
    breakers:
      dailyLoss: { usd: 1000, action: reducing }
      equityFloor: { usd: 50000 }
      maxDrawdown: { percent: 10 }
`;

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ profile: PROFILE });
}, 60_000);
afterAll(async () => {
  await rig.close();
});

async function scrape(): Promise<Scrape> {
  const response = await fetch(`${rig.gateway.url}/metrics`);
  expect(response.status).toBe(200);
  return parseScrape(await response.text());
}

/** Sends an order as the bot would, with a strategy tag. */
async function order(
  body: Record<string, unknown>,
  strategy?: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${rig.gateway.url}/v2/orders`, {
    method: 'POST',
    headers: {
      'APCA-API-KEY-ID': rig.trader.key.keyId,
      'APCA-API-SECRET-KEY': rig.trader.secret,
      'content-type': 'application/json',
      ...(strategy !== undefined ? { 'x-riskgate-strategy': strategy } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

// biome-ignore lint/suspicious/noExplicitAny: log lines are arbitrary JSON read by assertions
function logLines(): any[] {
  return rig.logs.flatMap((chunk) =>
    chunk
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line)),
  );
}

describe('account gauges', () => {
  it('carry equity, P&L, drawdown, exposure, headroom, breaker values and quote ages after a fill and a price move', async () => {
    const placed = await order(
      {
        symbol: 'AAPL',
        qty: '100',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
        client_order_id: 'obs-fill',
      },
      'obs-strategy',
    );
    expect(placed.status).toBe(200);
    // The exchange matches orders when a quote arrives.
    rig.sim.setQuote('AAPL', 100, 100.02);
    await eventually(
      async () =>
        (await rig.http('GET', '/v1/state')).body.positions.some((p: { qty: number }) => p.qty === 100),
      'the fill to reach the engine',
    );
    // Down 3%, above the 5% protective stop.
    rig.sim.setQuote('AAPL', 97, 97.02);
    // The state read on both sides of the scrape is the same (no tick changed it in between).
    const { state, metrics } = await eventually(async () => {
      const before = (await rig.http('GET', '/v1/state')).body;
      const metrics = await scrape();
      const after = (await rig.http('GET', '/v1/state')).body;
      const moved = before.positions[0]?.lastPrice < 98 && before.equity < 99_800;
      return moved && before.equity === after.equity && before.exposure.gross === after.exposure.gross
        ? { state: after, metrics }
        : undefined;
    }, 'the price move to reach the engine');
    const position = state.positions[0];
    const equity = metrics.value('riskgate_equity_dollars')!;
    expect(equity).toBe(state.equity);
    // Worked out from the fill: the account lost what the position lost since it was bought.
    expect(equity).toBeCloseTo(100_000 + (position.lastPrice - position.avgPrice) * 100, 0);
    expect(metrics.value('riskgate_cash_dollars')).toBe(state.cash);
    expect(metrics.value('riskgate_peak_equity_dollars')).toBe(state.peakEquity);
    expect(state.peakEquity).toBeGreaterThanOrEqual(99_990);
    const dayStart = metrics.value('riskgate_day_start_equity_dollars')!;
    expect(dayStart).toBe(state.dayStart.equity);
    const pnl = metrics.value('riskgate_daily_pnl_dollars')!;
    expect(pnl).toBe(state.pnl.daily);
    expect(pnl).toBeCloseTo(equity - dayStart, 6);
    expect(pnl).toBeLessThan(-200);
    const loss = dayStart - equity;
    expect(metrics.value('riskgate_daily_loss_limit_used_percent')).toBeCloseTo((loss / 1000) * 100, 6);
    const drawdown = metrics.value('riskgate_drawdown_percent')!;
    expect(drawdown).toBe(state.pnl.drawdownPercent);
    expect(drawdown).toBeCloseTo(((state.peakEquity - equity) / state.peakEquity) * 100, 6);

    // Exposure: the position at its mark (its stop is an exit and adds nothing).
    const gross = metrics.value('riskgate_exposure_dollars', { scope: 'gross' })!;
    expect(gross).toBe(state.exposure.gross);
    expect(gross).toBeCloseTo(100 * position.lastPrice, 0);
    expect(metrics.value('riskgate_exposure_dollars', { scope: 'net' })).toBe(state.exposure.net);
    expect(metrics.value('riskgate_exposure_limit_dollars', { scope: 'gross' })).toBe(60_000);
    expect(metrics.value('riskgate_exposure_headroom_dollars', { scope: 'gross' })).toBeCloseTo(
      60_000 - gross,
      6,
    );
    expect(metrics.value('riskgate_exposure_limit_dollars', { scope: 'net' })).toBe(50_000);
    expect(metrics.value('riskgate_exposure_headroom_dollars', { scope: 'net' })).toBeCloseTo(
      50_000 - state.exposure.net,
      6,
    );
    expect(metrics.value('riskgate_sector_exposure_dollars', { sector: 'Tech' })).toBe(gross);
    expect(metrics.value('riskgate_sector_exposure_limit_dollars', { sector: 'Tech' })).toBe(40_000);
    expect(metrics.value('riskgate_sector_exposure_headroom_dollars', { sector: 'Tech' })).toBeCloseTo(
      40_000 - gross,
      6,
    );
    // The same headroom as /v1/state reports.
    const limit = (name: string) => state.limits.find((l: { name: string }) => l.name === name);
    expect(metrics.value('riskgate_exposure_headroom_dollars', { scope: 'gross' })).toBe(
      limit('exposure.gross').headroom,
    );
    expect(metrics.value('riskgate_sector_exposure_headroom_dollars', { sector: 'Tech' })).toBe(
      limit('exposure.sector.Tech').headroom,
    );

    // Each breaker's value against its threshold.
    const breaker = (code: string) => ({
      value: metrics.value('riskgate_breaker_value', { code }),
      threshold: metrics.value('riskgate_breaker_threshold', { code }),
      headroom: metrics.value('riskgate_breaker_headroom', { code }),
    });
    expect(breaker('DAILY_LOSS_LIMIT').value).toBeCloseTo(loss, 6);
    expect(breaker('DAILY_LOSS_LIMIT').threshold).toBe(1000);
    expect(breaker('DAILY_LOSS_LIMIT').headroom).toBeCloseTo(1000 - loss, 6);
    expect(breaker('EQUITY_FLOOR')).toEqual({ value: equity, threshold: 50_000, headroom: equity - 50_000 });
    expect(breaker('MAX_DRAWDOWN').value).toBe(drawdown);
    expect(breaker('MAX_DRAWDOWN').threshold).toBe(10);
    expect(metrics.value('riskgate_breaker_tripped', { code: 'DAILY_LOSS_LIMIT' })).toBe(0);

    // A quote age for each watched symbol and no other.
    const aged = metrics.series('riskgate_quote_age_seconds').map((s) => s.labels.symbol);
    expect(new Set(aged)).toEqual(new Set(rig.gateway.services.ctx.watchList.symbols()));
    expect(aged).toContain('AAPL');
    expect(aged).not.toContain('MSFT');
    const age = metrics.value('riskgate_quote_age_seconds', { symbol: 'AAPL' })!;
    expect(Number.isFinite(age)).toBe(true);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    expect(metrics.value('riskgate_quote_max_age_seconds')).toBe(600);
  }, 60_000);

  it('are each listed in the gateway guide', async () => {
    const guide = readFileSync(new URL('../../docs/GATEWAY.md', import.meta.url), 'utf8');
    const section = guide.slice(guide.indexOf('## Metrics and health'), guide.indexOf('`/healthz` is 200'));
    const missing = [...(await scrape()).types.keys()].filter(
      (name) => name.startsWith('riskgate_') && !section.includes(`\`${name}\``),
    );
    expect(missing).toEqual([]);
  });

  it('come with build info, process metrics and the instance gauges', async () => {
    const metrics = await scrape();
    const version = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
    const build = metrics.series('riskgate_build_info');
    expect(build).toHaveLength(1);
    expect(build[0]!.value).toBe(1);
    expect(build[0]!.labels).toMatchObject({ version, node: process.version });
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics.series(name).length, name).toBeGreaterThan(0);
    }
    expect(metrics.value('riskgate_instance_role', { role: 'leader' })).toBe(1);
    expect(metrics.value('riskgate_instance_acting')).toBe(1);
    expect(metrics.value('riskgate_store_available')).toBe(1);
    expect(metrics.value('riskgate_lease_ttl_seconds')).toBeGreaterThan(0);
  });

  it("count the store's statements and transactions as the store does", async () => {
    const first = await scrape();
    const statements = first.value('riskgate_store_statements_total') ?? 0;
    const transactions = first.value('riskgate_store_transactions_total') ?? 0;
    // Opening the store already ran statements (migrations, recovery).
    expect(statements).toBeGreaterThan(0);
    expect(transactions).toBeGreaterThan(0);
    await rig.gateway.store.database.query('SELECT 1');
    const counters = rig.gateway.store.counters;
    const second = await scrape();
    expect(second.value('riskgate_store_statements_total')).toBeGreaterThanOrEqual(statements + 1);
    expect(second.value('riskgate_store_statements_total')).toBeGreaterThanOrEqual(counters.statements);
    expect(second.value('riskgate_store_transactions_total')).toBeGreaterThanOrEqual(counters.transactions);
    expect(rig.gateway.store.counters.statements).toBeGreaterThanOrEqual(
      second.value('riskgate_store_statements_total') ?? Number.POSITIVE_INFINITY,
    );
  });
});

describe('decision and state logs', () => {
  it('logs each order decision once at info, with the key label and the strategy, and no secret', async () => {
    const accepted = await order(
      {
        symbol: 'AAPL',
        qty: '5',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
        client_order_id: 'obs-log-ok',
      },
      'mean-revert',
    );
    expect(accepted.status).toBe(200);
    const denied = await order({
      symbol: 'MSFT',
      qty: '5000',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
      client_order_id: 'obs-log-deny',
    });
    expect(denied.status).toBe(403);

    const decisions = (id: string) =>
      logLines().filter((l) => l.event === 'order-decision' && l.clientOrderId === id);
    const ok = await eventually(() => {
      const found = decisions('obs-log-ok');
      return found.length > 0 ? found : undefined;
    }, 'the log line');
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({
      level: 30,
      symbol: 'AAPL',
      side: 'buy',
      qty: 5,
      outcome: 'accept',
      codes: [],
      strategy: 'mean-revert',
      keyId: rig.trader.key.keyId,
      keyLabel: 'test trader',
      role: 'trader',
    });
    const deny = decisions('obs-log-deny');
    expect(deny).toHaveLength(1);
    expect(deny[0]).toMatchObject({
      level: 30,
      symbol: 'MSFT',
      qty: 5000,
      outcome: 'deny',
      keyLabel: 'test trader',
    });
    expect(deny[0].codes).toContain('ORDER_QUANTITY_EXCEEDED');
    expect(deny[0]).not.toHaveProperty('strategy');

    const all = rig.logs.join('');
    for (const secret of [rig.trader.secret, rig.officer.secret, rig.sim.secretKey, rig.trader.token])
      expect(all).not.toContain(secret);
  });

  it('logs each trading-state change with who made it by key label', async () => {
    const kill = await rig.http('POST', '/v1/kill', { reason: 'observability test' }, rig.trader);
    expect(kill.status).toBe(200);
    const reset = await rig.http('POST', '/v1/reset', { reason: 'back to work' }, rig.officer);
    expect(reset.status).toBe(200);
    const changes = await eventually(() => {
      const found = logLines().filter((l) => l.event === 'trading-state');
      return found.length >= 2 ? found : undefined;
    }, 'the state log lines');
    expect(changes).toHaveLength(2);
    expect(changes[0]).toMatchObject({
      level: 30,
      from: 'active',
      to: 'halted',
      code: 'KILL_SWITCH',
      reason: 'observability test',
      by: rig.trader.key.keyId,
      byLabel: 'test trader',
    });
    expect(changes[1]).toMatchObject({
      from: 'halted',
      to: 'active',
      code: 'RESET',
      reason: 'back to work',
      by: rig.officer.key.keyId,
      byLabel: 'test officer',
    });
    const all = rig.logs.join('');
    for (const secret of [rig.trader.secret, rig.officer.secret, rig.sim.secretKey])
      expect(all).not.toContain(secret);
  });
});

const RULES = fileURLToPath(new URL('../../deploy/prometheus/riskgate-rules.yml', import.meta.url));
const RULES_TESTS = fileURLToPath(
  new URL('../../deploy/prometheus/riskgate-rules.test.yml', import.meta.url),
);
const DASHBOARD = fileURLToPath(new URL('../../deploy/grafana/riskgate-dashboard.json', import.meta.url));
/** Series Prometheus itself makes, which the rules may use besides the gateway's. */
const PROMETHEUS_SERIES = new Set(['up']);

/** promtool when installed (Debian package `prometheus`), else undefined. */
function promtool(): string | undefined {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return 'promtool';
  } catch {
    return undefined;
  }
}

/** The names in `exprs` that the gateway does not export. */
async function unknownNames(exprs: readonly string[]): Promise<string[]> {
  const exported = (await scrape()).names();
  const unknown = new Set<string>();
  for (const expr of exprs) {
    for (const name of metricNames(expr))
      if (!exported.has(name) && !PROMETHEUS_SERIES.has(name)) unknown.add(name);
  }
  return [...unknown];
}

describe('shipped alert rules and dashboard', () => {
  it.skipIf(promtool() === undefined)(
    'pass promtool check rules, and fire as their unit tests expect',
    () => {
      const out = execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
      expect(out).toMatch(/SUCCESS: \d+ rules found/);
      // The scenarios (two leaders, the leader halted, daily loss near the limit on the leader
      // but not on a standby, a stale quote, a late lease) are in the test file beside the rules.
      const tested = execFileSync('promtool', ['test', 'rules', RULES_TESTS], { encoding: 'utf8' });
      expect(tested).toMatch(/SUCCESS/);
    },
  );

  it('are alerting rules in groups, each with an expression, a severity and a summary, on exported metrics only', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the parsed YAML is checked field by field below
    const file = parseYaml(readFileSync(RULES, 'utf8')) as any;
    expect(Array.isArray(file.groups)).toBe(true);
    const exprs: string[] = [];
    const alerts = new Set<string>();
    for (const group of file.groups) {
      expect(typeof group.name).toBe('string');
      expect(group.rules.length).toBeGreaterThan(0);
      for (const rule of group.rules) {
        expect(
          Object.keys(rule).every((k) => ['alert', 'expr', 'for', 'labels', 'annotations'].includes(k)),
        ).toBe(true);
        expect(rule.alert).toMatch(/^Riskgate[A-Za-z]+$/);
        expect(alerts.has(rule.alert), `${rule.alert} is defined twice`).toBe(false);
        alerts.add(rule.alert);
        expect(typeof rule.expr).toBe('string');
        expect(rule.for).toMatch(/^\d+[smh]$/);
        expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
        expect(typeof rule.annotations.summary).toBe('string');
        expect(typeof rule.annotations.description).toBe('string');
        exprs.push(rule.expr);
      }
    }
    for (const expected of [
      'RiskgateTradingHalted',
      'RiskgateUnprotectedPositions',
      'RiskgateBrokerCircuitOpen',
      'RiskgateStoreUnavailable',
      'RiskgateStaleQuotes',
      'RiskgateLeaderCount',
      'RiskgateLeaseAgeNearTtl',
      'RiskgateDailyLossNearLimit',
    ])
      expect(alerts).toContain(expected);
    expect(await unknownNames(exprs)).toEqual([]);
  });

  it('is a Grafana dashboard whose every panel queries exported metrics', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON is checked field by field below
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as any;
    expect(typeof dashboard.title).toBe('string');
    expect(typeof dashboard.uid).toBe('string');
    const panels = dashboard.panels.filter((p: { type: string }) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    const ids = new Set(dashboard.panels.map((p: { id: number }) => p.id));
    expect(ids.size).toBe(dashboard.panels.length);
    const exprs: string[] = [];
    for (const panel of panels) {
      expect(typeof panel.title).toBe('string');
      expect(panel.gridPos).toMatchObject({ w: expect.any(Number), h: expect.any(Number) });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect(typeof target.expr, panel.title).toBe('string');
        exprs.push(target.expr);
      }
    }
    for (const variable of dashboard.templating.list) {
      if (variable.type === 'query') exprs.push(variable.definition.replace(/^label_values\(|, \w+\)$/g, ''));
    }
    expect(exprs.some((e) => metricNames(e).has('riskgate_equity_dollars'))).toBe(true);
    expect(await unknownNames(exprs)).toEqual([]);
  });
});
