import type { Logger } from 'pino';
import type { Decision } from '../../core/decision.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { TradingStateRecord } from '../../core/trading-state.ts';
import type { ApiKeyAuth, Principal } from '../auth/api-key-auth.ts';

/** The `event` field of the decision log line, for log queries. */
export const DECISION_LOG_EVENT = 'order-decision';
/** The `event` field of the trading-state log line. */
export const STATE_LOG_EVENT = 'trading-state';

/**
 * Logs one order decision at info level: the order (client order id, symbol, side, quantity,
 * strategy tag), the outcome (`accept` or `deny`, with `modified` when the engine changed the
 * order), the codes, and the API key by id and label. `refused` names the gateway's own
 * refusal of an order the engine accepted (`BROKER_UNAVAILABLE`, `STORE_UNAVAILABLE`). Never a
 * secret: only the principal's id, role and label are read.
 */
export function logDecision(
  log: Logger,
  decision: Decision,
  intent: OrderIntent,
  principal: Principal,
  refused?: string,
): void {
  log.info(
    {
      event: DECISION_LOG_EVENT,
      clientOrderId: intent.clientOrderId,
      symbol: intent.symbol,
      side: intent.side,
      qty: intent.qty,
      ...(intent.strategy !== undefined ? { strategy: intent.strategy } : {}),
      outcome: decision.kind === 'deny' ? 'deny' : 'accept',
      ...(decision.kind === 'accept-modified' ? { modified: true } : {}),
      effect: decision.effect,
      codes: decision.kind === 'deny' ? [...new Set(decision.violations.map((v) => v.code))] : [],
      ...(refused !== undefined ? { refused } : {}),
      keyId: principal.keyId,
      keyLabel: principal.label,
      role: principal.role,
    },
    decision.kind === 'deny' ? 'order denied' : refused !== undefined ? 'order refused' : 'order accepted',
  );
}

/**
 * Logs one trading-state change at info level: from, to, code, reason and who (`by`: `engine`
 * for a breaker, `system` for a latch lifted by its policy, otherwise an API key id, with `byLabel` the key's label when it is known).
 */
export function logStateChange(
  log: Logger,
  previous: TradingStateRecord,
  record: TradingStateRecord,
  byLabel: string | undefined,
): void {
  log.info(
    {
      event: STATE_LOG_EVENT,
      from: previous.state,
      to: record.state,
      code: record.code,
      reason: record.reason,
      by: record.by,
      ...(byLabel !== undefined ? { byLabel } : {}),
      at: record.at,
    },
    `trading state ${previous.state} -> ${record.state}`,
  );
}

/**
 * Logs a trading-state change published by the engine, with the label of the key that made it
 * (looked up in the store when this gateway has not verified that key, e.g. a kill handed over
 * from another instance). Never throws.
 */
export function logStateEvent(
  log: Logger,
  auth: Pick<ApiKeyAuth, 'label'>,
  event: { readonly previous: TradingStateRecord; readonly record: TradingStateRecord },
): void {
  const { previous, record } = event;
  if (record.by === 'engine' || record.by === 'system') {
    logStateChange(log, previous, record, undefined);
    return;
  }
  void auth.label(record.by).then(
    (label) => logStateChange(log, previous, record, label),
    () => logStateChange(log, previous, record, undefined),
  );
}
