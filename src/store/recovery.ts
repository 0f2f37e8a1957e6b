import type { PersistedRiskState } from '../core/state-store.ts';
import type { Database } from './database.ts';
import { type EquityMark, loadLastEquityMark } from './equity-history.ts';
import { loadWorkingOrders } from './order-rows.ts';
import type { OrderRecord } from './order-types.ts';
import { type RebuiltPositions, rebuildPositions } from './position-repository.ts';
import { loadRiskState } from './risk-state-repository.ts';
import type { Tables } from './sql.ts';

/** Everything the engine needs to resume exactly where it stopped, read in one consistent snapshot. */
export interface RecoveredState {
  /** Trading-state latch, peak equity, latest day-start equity and counters (the core port's view). */
  readonly risk: PersistedRiskState;
  /** Open positions: the latest snapshot plus fills recorded after it. */
  readonly positions: RebuiltPositions;
  /** Orders that can still fill, oldest first, including intents the broker never acknowledged. */
  readonly workingOrders: readonly OrderRecord[];
  /**
   * Intents recorded but never acknowledged (`pending_submit`): the crash may have come before
   * or after the broker got them, so reconcile each by client order id before trading.
   */
  readonly unacknowledgedOrders: readonly OrderRecord[];
  /** The newest account mark, or null. */
  readonly lastEquityMark: EquityMark | null;
}

/**
 * Reads the state to rebuild the engine from, in one repeatable-read transaction so that
 * positions, orders and the latch all describe the same moment.
 */
export async function recoverState(db: Database, tables: Tables): Promise<RecoveredState> {
  return db.transaction(
    async (tx) => {
      const risk = await loadRiskState(tx, tables);
      const positions = await rebuildPositions(tx, tables);
      const workingOrders = await loadWorkingOrders(tx, tables);
      const lastEquityMark = await loadLastEquityMark(tx, tables);
      return {
        risk,
        positions,
        workingOrders,
        unacknowledgedOrders: workingOrders.filter((o) => o.status === 'pending_submit'),
        lastEquityMark,
      };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}
