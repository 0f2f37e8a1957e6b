import type { RearmPolicy } from '../core/breaker.ts';
import type { TradingState } from '../core/trading-state.ts';
import type { LatchReport } from './backtest-types.ts';

/** Where each built-in breaker's latch policy is set in the profile, by breaker id. */
const PROFILE_PATH: Readonly<Record<string, string>> = {
  'daily-loss': 'breakers.dailyLoss',
  'equity-floor': 'breakers.equityFloor',
  'max-drawdown': 'breakers.maxDrawdown',
  'loss-streak': 'breakers.lossStreak',
  vix: 'breakers.vix',
  correlation: 'breakers.correlation',
};

/** Above this share of the run spent latched, the run warns. */
export const LATCHED_WARNING_FRACTION = 0.5;

export interface BreakerPolicy {
  readonly id: string;
  readonly code: string;
  readonly rearm: RearmPolicy;
}

/** The simulated operator: reset manual latches after `resetAfterDays` (null: none), and how often it did. */
export interface OperatorPolicy {
  readonly resetAfterDays: number | null;
  readonly resets: number;
}

/** What to change so a breaker's latch does not hold the account: per its policy. */
export function latchFix(code: string, policies: readonly BreakerPolicy[], operator: OperatorPolicy): string {
  const resetAfterDays = operator.resetAfterDays;
  if (code === 'KILL_SWITCH') return 'the kill switch lifts only by a reset';
  const breaker = policies.find((p) => p.code === code);
  if (breaker === undefined) return `${code} lifts only by a reset`;
  const path = PROFILE_PATH[breaker.id] ?? `the ${breaker.id} breaker`;
  switch (breaker.rearm) {
    case 'manual':
      return resetAfterDays === null
        ? `${code} re-arms only by a reset (${path}.rearm: manual): pass --reset-after-days <n> to simulate the operator, or set ${path}.rearm to ${breaker.id === 'vix' || breaker.id === 'correlation' ? 'when-clear or next-session' : 'next-session'}`
        : operator.resets > 0
          ? `${code} re-arms only by a reset (${path}.rearm: manual), and after the simulated operator's ${operator.resets} reset(s) it tripped again while its condition still held (a drawdown from the peak or an equity floor does not clear in a flat account): loosen its limit in ${path}`
          : `${code} re-arms only by a reset (${path}.rearm: manual) and the simulated operator waits ${resetAfterDays} day(s): lower --reset-after-days or change ${path}.rearm`;
    case 'next-session':
      return `${code} trips again session after session: loosen its limit in ${path}`;
    case 'when-clear':
      return `${code}'s input stayed above its re-arm level: raise ${path}.resumeBelow or lower ${path}.clearFor`;
  }
}

/**
 * The warnings of a run: the account ends latched, or spent more than half the run latched —
 * each naming the breaker that held the latch and the fix.
 */
export function latchWarnings(
  end: { readonly state: TradingState; readonly code: string; readonly since: number },
  latchedFraction: number,
  latchedBy: LatchReport['latchedBy'],
  policies: readonly BreakerPolicy[],
  operator: OperatorPolicy,
  date: (t: number) => string,
): string[] {
  const warnings: string[] = [];
  if (end.state !== 'active')
    warnings.push(
      `the account ends ${end.state}, latched by ${end.code} since ${date(end.since)}: ${latchFix(end.code, policies, operator)}`,
    );
  if (latchedFraction > LATCHED_WARNING_FRACTION) {
    const top = Object.entries(latchedBy).sort((a, b) => b[1].fraction - a[1].fraction)[0];
    const by = top === undefined ? '' : `, mostly by ${top[0]} (${(top[1].fraction * 100).toFixed(1)}%)`;
    const fix = top === undefined ? '' : `: ${latchFix(top[0], policies, operator)}`;
    warnings.push(`the account spent ${(latchedFraction * 100).toFixed(1)}% of the run latched${by}${fix}`);
  }
  return warnings;
}
