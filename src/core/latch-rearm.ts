import type { Breaker, RearmPolicy } from './breaker.ts';
import { nextSessionOpen } from './calendar/nyse-calendar.ts';
import { sessionDate } from './session.ts';
import type { BreakerTrip } from './state-store.ts';
import { isMoreSevere, type TradingState } from './trading-state.ts';

/** The code of a trading-state record written when a latch re-arms by its policy. */
export const REARM_CODE = 'REARM';
/** Who moves the latch when a policy re-arms it. */
export const REARM_BY = 'system';

/** The policy a trip re-arms by: the one recorded with it, else manual (fail closed). */
export function tripPolicy(trip: BreakerTrip): RearmPolicy {
  return trip.rearm ?? 'manual';
}

/**
 * Whether a tripped breaker's latch is due to re-arm at `time`: never for `manual`; from the
 * open of the next trading day after the trip's session for `next-session` (`rearmAt` caches
 * that instant per breaker); once the breaker reports its input clear for `when-clear`.
 */
export function rearmDue(
  trip: BreakerTrip,
  breaker: Breaker,
  time: number,
  rearmAt: Map<string, number>,
): boolean {
  switch (tripPolicy(trip)) {
    case 'manual':
      return false;
    case 'next-session': {
      let due = rearmAt.get(trip.breakerId);
      if (due === undefined) {
        due = nextSessionOpen(trip.at);
        rearmAt.set(trip.breakerId, due);
      }
      return time >= due;
    }
    case 'when-clear':
      return breaker.isClear?.() === true;
  }
}

/** The latch the remaining trips hold: the most severe of them, or `active` with none. */
export function heldState(tripped: Iterable<BreakerTrip>): { state: TradingState; by?: BreakerTrip } {
  let state: TradingState = 'active';
  let by: BreakerTrip | undefined;
  for (const trip of tripped)
    if (isMoreSevere(trip.action, state)) {
      state = trip.action;
      by = trip;
    }
  return by === undefined ? { state } : { state, by };
}

/** The audited reason of an automatic re-arm. */
export function rearmReason(trip: BreakerTrip, time: number, stillHeldBy: BreakerTrip | undefined): string {
  const policy = tripPolicy(trip);
  const why =
    policy === 'next-session'
      ? `the session of ${sessionDate(time)} opened after the trip on ${sessionDate(trip.at)}`
      : `its input is back below the re-arm level`;
  const held = stillHeldBy === undefined ? '' : `; still ${stillHeldBy.action} by ${stillHeldBy.code}`;
  return `${trip.code} re-armed (${policy}): ${why}${held}`;
}
