import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import strategy from '../../examples/strategies/sma-cross.ts';
import { loadMarketData, type MarketData, runBacktest } from '../../src/backtest/index.ts';
import { parseRiskProfileFile, type RiskProfile } from '../../src/core/config/load-profile.ts';
import { describeWithShared } from '../support/shared-data.ts';

/**
 * The parity workload of ../shared/bench/PARITY.md: backtrader and backtesting.py agree on 185
 * trades and a total P&L of 40,396.77 for the single-symbol data. The stop and the time exit are
 * the risk engine's own exit rules (examples/profiles/parity.yaml), not strategy code.
 */
describeWithShared('parity workload', ['bench/gen-parity-data.js'], ([generator]) => {
  let dir = '';
  let profile: RiskProfile;
  const execution = { roundToTick: false } as const;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parity-'));
    execFileSync(process.execPath, [generator!, dir]);
    const parsed = parseRiskProfileFile(readFileSync('examples/profiles/parity.yaml', 'utf8'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    profile = parsed.value;
  });

  it('reproduces 185 trades and a total P&L of 40,396.77 on one symbol', async () => {
    const { data } = await loadMarketData([join(dir, 'single_10000.csv')]);
    const r = runBacktest({ data, strategy, profile, execution });
    expect(r.trades).toHaveLength(185);
    expect(r.trades.reduce((s, t) => s + t.pnl, 0).toFixed(2)).toBe('40396.77');
    expect(new Set(r.trades.map((t) => t.exitReason))).toEqual(new Set(['stop_loss', 'time_exit']));
    for (const t of r.trades) if (t.exitReason === 'time_exit') expect(t.barsHeld).toBe(20);
  });

  it('runs 100 symbols in one shared account, matching 100 separate runs when no limit binds', async () => {
    const { data } = await loadMarketData([join(dir, 'multi')]);
    expect(data.bars).toHaveLength(100);
    const shared = runBacktest({ data, strategy, profile, execution });
    let trades = 0;
    let pnl = 0;
    for (const series of data.bars) {
      const one: MarketData = { ...data, bars: [series] };
      const r = runBacktest({ data: one, strategy, profile, execution });
      trades += r.trades.length;
      pnl += r.trades.reduce((s, t) => s + t.pnl, 0);
    }
    expect(shared.trades.length).toBe(trades);
    expect(shared.trades.reduce((s, t) => s + t.pnl, 0)).toBeCloseTo(pnl, 4);
    expect(shared.stats.bars).toBe(250_000);
    expect(shared.metrics.trades).toBe(trades);
  });
});
