import type { TradingStateRecord } from '../../core/trading-state.ts';
import type { GatewayContext } from '../context.ts';
import type { LatchDurability } from '../durability/journalled-risk-state.ts';
import { withTimeout } from '../with-timeout.ts';
import type { RiskActor } from './risk-actor.ts';

/** What the kill switch did, with the time to the broker's acknowledgement. */
export interface KillReport {
  readonly state: TradingStateRecord;
  /** Orders the broker confirmed cancelled. */
  readonly cancelled: number;
  readonly cancelFailures: number;
  /** Positions a close was sent for (with `flatten`). */
  readonly flattened: number;
  /** Milliseconds from the kill to the broker acknowledging the cancel-all (and the closes). */
  readonly ackMs: number | null;
  /** False when the broker did not acknowledge in time; the halt holds regardless. */
  readonly acknowledged: boolean;
  readonly error: string | null;
  /**
   * Where the halt is recorded when the answer is sent: the local journal (fsync'd) and the
   * store. While the store is down `store` is false; the halt holds in memory and is written as
   * soon as the store is back.
   */
  readonly durable: LatchDurability;
}

const ACK_TIMEOUT_MS = 10_000;
/** How long a kill or reset waits for the store before answering with what is durable so far. */
const STORE_WAIT_MS = 2_000;

/**
 * The kill switch: halt (persisted before anything else), cancel every working order and, with
 * `flatten`, close every position; the time until the broker acknowledged is measured.
 */
export async function killSwitch(
  ctx: GatewayContext,
  actor: RiskActor,
  options: { readonly by: string; readonly reason: string; readonly flatten: boolean },
): Promise<KillReport> {
  const start = performance.now();
  const engine = ctx.risk.engine;
  engine.kill(options.by, options.reason, { flatten: options.flatten });
  // The journal already has it; a store that is down or slow does not hold up the cancels.
  await withTimeout(engine.flush(), STORE_WAIT_MS).catch(() => undefined);
  const durable = ctx.durability.riskState.durability();
  const state = engine.snapshot().tradingState;
  ctx.store.audit
    .append({
      at: Date.now(),
      kind: 'kill-switch',
      actor: options.by,
      codes: ['KILL_SWITCH'],
      message: `kill switch: ${options.reason}${options.flatten ? ' (flatten)' : ''}`,
      data: { flatten: options.flatten },
    })
    .catch(() => undefined);
  let cancelled = 0;
  let cancelFailures = 0;
  let flattened = 0;
  let error: string | null = null;
  let acknowledged = false;
  try {
    await withTimeout(
      (async () => {
        const results = await ctx.metrics.timeBroker('cancelAllOrders', () => ctx.broker.cancelAllOrders());
        cancelled = results.filter((r) => r.status < 300).length;
        cancelFailures = results.length - cancelled;
        for (const r of results) {
          const tracked = ctx.orders.get(r.orderId);
          if (tracked !== undefined && r.status < 300) ctx.orders.markPendingCancel(tracked);
        }
        if (options.flatten) {
          // Each position is closed through the protection manager, so no protective order is
          // placed again between the cancels and the close.
          const positions = await ctx.broker.listPositions();
          const closed = await Promise.all(
            positions.map((p) => actor.closeThroughProtection(p.symbol, 'KILL_SWITCH', options.by)),
          );
          flattened = closed.filter(Boolean).length;
        }
      })(),
      ACK_TIMEOUT_MS,
      'no acknowledgement',
    );
    acknowledged = true;
  } catch (e) {
    error = (e as Error).message ?? String(e);
  }
  const ackMs = acknowledged ? performance.now() - start : null;
  if (ackMs !== null) ctx.metrics.killSwitchAck.observe(ackMs / 1000);
  ctx.alerts.raise({
    code: 'KILL_SWITCH',
    severity: 'critical',
    message: `kill switch by ${options.by}: ${options.reason}; ${cancelled} order(s) cancelled${options.flatten ? `, ${flattened} position(s) closing` : ''}${acknowledged ? '' : ` (broker did not acknowledge: ${error})`}`,
    data: { ackMs, cancelled, flattened },
  });
  return { state, cancelled, cancelFailures, flattened, ackMs, acknowledged, error, durable };
}

/** An authorised reset (risk officers only, checked by the route): back to active, audited. */
export async function resetTrading(
  ctx: GatewayContext,
  options: { readonly by: string; readonly reason: string },
): Promise<{ record: TradingStateRecord; durable: LatchDurability }> {
  const engine = ctx.risk.engine;
  const previous = engine.snapshot().tradingState;
  const record = engine.reset(options.by, options.reason);
  await withTimeout(engine.flush(), STORE_WAIT_MS).catch(() => undefined);
  const durable = ctx.durability.riskState.durability();
  await ctx.store.audit
    .append({
      at: record.at,
      kind: 'reset',
      actor: options.by,
      codes: ['RESET'],
      message: `reset from ${previous.state} (${previous.code}): ${options.reason}`,
      data: { previous, record },
    })
    .catch(() => undefined);
  ctx.alerts.raise({
    code: 'RESET',
    severity: 'info',
    message: `trading reset to active by ${options.by}: ${options.reason} (was ${previous.state}, ${previous.code})`,
  });
  return { record, durable };
}
