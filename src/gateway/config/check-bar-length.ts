import { barResolutionProblem } from '../../core/bars/profile-timeframes.ts';
import type { RiskProfile } from '../../core/config/load-profile.ts';
import { GatewayConfigError } from './gateway-config.ts';

/**
 * Refuses to start when the bars the gateway builds from marks (`--bar-seconds`) cannot build the
 * bars of every timeframe the profile counts in: two-minute bars cannot count a `1m` time exit,
 * and 45-second bars straddle minute boundaries. Checked before anything is opened.
 */
export function checkBarLength(profile: RiskProfile, barIntervalMs: number): void {
  const problem = barResolutionProblem(profile, barIntervalMs);
  if (problem === null) return;
  throw new GatewayConfigError([
    {
      setting: '--bar-seconds (RISKGATE_BAR_SECONDS)',
      problem,
      expected: 'a bar length that divides every timeframe the profile counts in, e.g. 60',
    },
  ]);
}
