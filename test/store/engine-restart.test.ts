import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { RiskEngine } from '../../src/core/engine.ts';
import { openStore } from '../../src/store/open-store.ts';
import { INSTRUMENTS, order, profile, T0 } from '../support/engine-fixtures.ts';
import { tempDir, useGenerousTimeouts } from './harness.ts';

useGenerousTimeouts();

// The real engine on the real embedded store: what it latched before a restart still holds after.
describe('the RiskEngine restarted on a PGlite store', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it('stays halted after the kill switch, with its peak equity, across a restart', async () => {
    const dataDir = `${dir.path}/data`;
    const first = await openStore({ dataDir });
    const engine = await RiskEngine.create({
      profile: profile(),
      clock: new ManualClock(T0),
      instruments: INSTRUMENTS,
      store: first.riskState,
    });
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 });
    engine.onAccount({ time: T0, equity: 123_456, cash: 123_456, buyingPower: 246_912 });
    engine.kill('ops@example.com', 'drill');
    await engine.flush();
    expect(engine.storeAvailable).toBe(true);
    await first.close();

    const second = await openStore({ dataDir });
    const restarted = await RiskEngine.create({
      profile: profile(),
      clock: new ManualClock(T0 + 60_000),
      instruments: INSTRUMENTS,
      store: second.riskState,
    });
    restarted.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0 + 60_000, price: 100 });
    const snapshot = restarted.snapshot();
    expect(snapshot.tradingState).toMatchObject({
      state: 'halted',
      code: 'KILL_SWITCH',
      by: 'ops@example.com',
    });
    expect(snapshot.peakEquity).toBe(123_456);
    const decision = restarted.validateOrder(order('AAPL', 'buy', 1));
    expect(decision.kind).toBe('deny');
    if (decision.kind === 'deny') expect(decision.violations.map((v) => v.code)).toContain('TRADING_HALTED');
    const [event] = await second.audit.query({ kind: 'kill-switch' });
    expect(event?.actor).toBe('ops@example.com');
    await second.close();
  });
});
