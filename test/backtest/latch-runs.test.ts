import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import breakout from '../../examples/strategies/breakout.ts';
import { loadMarketData } from '../../src/backtest/data/load-market-data.ts';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import { parseRiskProfileFile } from '../../src/core/config/load-profile.ts';
import { newYorkToEpoch } from '../../src/core/session.ts';
import { describeWithShared } from '../support/shared-data.ts';

const BIN = new URL('../../bin/riskgate.js', import.meta.url).pathname;
const PROFILE = 'examples/profiles/backtest-daily.yaml';

/**
 * Bounds on the share of the run spent latched with the default profile. Measured: 9.0% on the
 * README's synthetic run and 10.3% on the real daily data 2006–2021 (the VIX breaker in 2008–09,
 * 2011, 2015 and 2020). Before latch policies both stayed latched from the first VIX trip to the
 * end (94.8% and 82.0%).
 */
const README_LATCHED_MAX = 0.2;
const REAL_DAILY_LATCHED_MAX = 0.2;

interface JsonTrade {
  readonly entryTime: string;
}

describe("the README's backtest command with the default profile", () => {
  it('trades through the whole period, latched only a small share of it, and prints the latch policies', () => {
    const out = mkdtempSync(join(tmpdir(), 'bt-readme-'));
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'backtest',
        '--synthetic',
        '7',
        '--strategy',
        'examples/strategies/breakout.ts',
        '--risk',
        PROFILE,
        '--out',
        out,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'latch policy DAILY_LOSS_LIMIT next-session, MAX_DRAWDOWN manual, VIX_LEVEL when-clear',
    );
    expect(r.stdout).toContain('operator none');
    expect(r.stdout).toMatch(/latched\s+\d+\.\d% of the run \(VIX_LEVEL/);
    expect(r.stdout).not.toContain('warning');
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const latch = json.risk.latch;
    expect(latch.latchedFraction).toBeLessThan(README_LATCHED_MAX);
    expect(latch.latchedFraction).toBeCloseTo(
      json.risk.timeInState.reducing.fraction + json.risk.timeInState.halted.fraction,
      6,
    );
    expect(latch.end.state).toBe('active');
    expect(latch.warnings).toEqual([]);
    expect(latch.rearms.some((x: { code: string }) => x.code === 'VIX_LEVEL')).toBe(true);
    // Entries keep coming in the last fifth of the run.
    const start = Date.parse(json.start);
    const end = Date.parse(json.end);
    const late = json.trades.filter((t: JsonTrade) => Date.parse(t.entryTime) > end - (end - start) / 5);
    expect(late.length).toBeGreaterThan(5);
  });
});

describeWithShared('the real daily data 2006–2021 with the default profile', ['data'], ([dir]) => {
  it('trades through the whole period; the VIX latch of 2008 lifts in 2009 and the share latched stays small', async () => {
    const files = [
      'lean_daily_AAPL.csv',
      'lean_daily_AIG.csv',
      'lean_daily_BAC.csv',
      'lean_daily_EEM.csv',
      'lean_daily_FB.csv',
      'lean_daily_IBM.csv',
      'lean_daily_IWM.csv',
      'lean_daily_QQQ.csv',
      'lean_daily_SPY.csv',
      'lean_daily_USO.csv',
      'lean_daily_WM.csv',
      'cboe_vix_daily.csv',
    ].map((f) => join(dir!, f));
    const { data } = await loadMarketData(files);
    const parsed = parseRiskProfileFile(readFileSync(PROFILE, 'utf8'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const r = runBacktest({
      data,
      strategy: breakout,
      profile: parsed.value,
      from: newYorkToEpoch('2006-01-01'),
      to: newYorkToEpoch('2021-04-01') - 1,
      execution: { slippage: { bps: 2 }, commission: { perShare: 0.005, minimum: 1 } },
    });
    const latch = r.risk.latch;
    expect(latch.latchedFraction).toBeLessThan(REAL_DAILY_LATCHED_MAX);
    expect(latch.warnings).toEqual([]);
    expect(latch.end.state).toBe('active');
    const vixTrip2008 = r.risk.trips.find((t) => t.code === 'VIX_LEVEL' && t.time < Date.UTC(2009, 0, 1));
    expect(vixTrip2008).toBeDefined();
    const vixRearms = latch.rearms.filter((x) => x.code === 'VIX_LEVEL');
    const after2008 = vixRearms.find((x) => x.time > vixTrip2008!.time);
    expect(after2008).toBeDefined();
    expect(new Date(after2008!.time).getUTCFullYear()).toBe(2009);
    expect(after2008!.policy).toBe('when-clear');
    // Entries in every year after the 2008 crash.
    const years = new Set(r.trades.map((t) => new Date(t.entryTime).getUTCFullYear()));
    for (let y = 2010; y <= 2020; y++) expect(years.has(y), `a trade entered in ${y}`).toBe(true);
  }, 120_000);
});
