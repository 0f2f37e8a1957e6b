import { describe, expect, it } from 'vitest';
import { latchFix, latchWarnings } from './latch-summary.ts';

const policies = [
  { id: 'daily-loss', code: 'DAILY_LOSS_LIMIT', rearm: 'next-session' as const },
  { id: 'vix', code: 'VIX_LEVEL', rearm: 'when-clear' as const },
  { id: 'max-drawdown', code: 'MAX_DRAWDOWN', rearm: 'manual' as const },
];
const none = { resetAfterDays: null, resets: 0 };
const date = (t: number) => new Date(t).toISOString().slice(0, 10);

describe('latch warnings', () => {
  it('say nothing for a run that ends active and was latched half the time or less', () => {
    const end = { state: 'active' as const, code: 'REARM', since: 0 };
    expect(
      latchWarnings(end, 0.5, { VIX_LEVEL: { fraction: 0.5, days: 100 } }, policies, none, date),
    ).toEqual([]);
  });

  it('name the breaker holding most of the latched time and the fix for its policy', () => {
    const end = { state: 'active' as const, code: 'REARM', since: 0 };
    const [warning] = latchWarnings(
      end,
      0.62,
      { VIX_LEVEL: { fraction: 0.6, days: 900 }, DAILY_LOSS_LIMIT: { fraction: 0.02, days: 30 } },
      policies,
      none,
      date,
    );
    expect(warning).toBe(
      "the account spent 62.0% of the run latched, mostly by VIX_LEVEL (60.0%): VIX_LEVEL's input stayed above its re-arm level: raise breakers.vix.resumeBelow or lower breakers.vix.clearFor",
    );
  });

  it('say when the run ends latched, since when, and what to do per policy and operator', () => {
    const end = { state: 'halted' as const, code: 'MAX_DRAWDOWN', since: Date.UTC(2008, 9, 10) };
    expect(latchWarnings(end, 0.1, {}, policies, none, date)).toEqual([
      'the account ends halted, latched by MAX_DRAWDOWN since 2008-10-10: MAX_DRAWDOWN re-arms only by a reset (breakers.maxDrawdown.rearm: manual): pass --reset-after-days <n> to simulate the operator, or set breakers.maxDrawdown.rearm to next-session',
    ]);
    expect(latchFix('MAX_DRAWDOWN', policies, { resetAfterDays: 5, resets: 3 })).toContain(
      "after the simulated operator's 3 reset(s) it tripped again while its condition still held",
    );
    expect(latchFix('DAILY_LOSS_LIMIT', policies, none)).toBe(
      'DAILY_LOSS_LIMIT trips again session after session: loosen its limit in breakers.dailyLoss',
    );
    expect(latchFix('KILL_SWITCH', policies, none)).toBe('the kill switch lifts only by a reset');
  });
});
