import type { ProfileConfig } from '../config/profile-schema.ts';
import { resolutionProblem, TIMEFRAMES, type Timeframe } from './timeframe.ts';

type Exits = ProfileConfig['exits'];

/** Every timeframe a profile counts bars in (indicators and time exits), finest first. */
export function profileTimeframes(
  profile: Pick<ProfileConfig, 'indicators' | 'exits' | 'regime'>,
): Timeframe[] {
  const used = new Set<Timeframe>();
  const fromExits = (exits: Exits) => {
    if (exits.timeExit?.timeframe !== undefined) used.add(exits.timeExit.timeframe);
  };
  fromExits(profile.exits);
  for (const band of profile.regime?.bands ?? []) fromExits(band.exits);
  if (profile.indicators.atr !== undefined) used.add(profile.indicators.atr.timeframe);
  if (profile.indicators.realizedVolatility !== undefined)
    used.add(profile.indicators.realizedVolatility.timeframe);
  return TIMEFRAMES.filter((tf) => used.has(tf));
}

/**
 * Why bars of `barMs` milliseconds cannot feed this profile, or null when they can: every
 * timeframe the profile counts in must be buildable from them (daily data cannot feed a `1m`
 * rule). Hosts check this before the first bar, so a run never starts on bars it cannot count.
 */
export function barResolutionProblem(
  profile: Pick<ProfileConfig, 'indicators' | 'exits' | 'regime'>,
  barMs: number,
): string | null {
  for (const tf of profileTimeframes(profile)) {
    const problem = resolutionProblem(barMs, tf);
    if (problem !== null)
      return `the profile counts ${tf} bars (${usersOf(profile, tf).join(', ')}), but ${problem}`;
  }
  return null;
}

/** The profile fields that count bars of `tf`, for messages. */
function usersOf(profile: Pick<ProfileConfig, 'indicators' | 'exits' | 'regime'>, tf: Timeframe): string[] {
  const users: string[] = [];
  if (profile.indicators.atr?.timeframe === tf) users.push('indicators.atr');
  if (profile.indicators.realizedVolatility?.timeframe === tf) users.push('indicators.realizedVolatility');
  if (profile.exits.timeExit?.timeframe === tf) users.push('exits.timeExit');
  profile.regime?.bands.forEach((b, i) => {
    if (b.exits.timeExit?.timeframe === tf) users.push(`regime.bands.${i}.exits.timeExit`);
  });
  return users;
}
