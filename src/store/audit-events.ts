import type { Decision } from '../core/decision.ts';
import type { OrderIntent } from '../core/order.ts';
import type { AuditEventInput } from './audit-types.ts';
import { jsonDiff } from './json-diff.ts';

/**
 * Builds the audit event of a risk decision: its outcome, the violation codes of a denial,
 * and the decision itself as data. Pass a stable `eventId` (for example the request id) so
 * auditing the same decision twice, as a retry after a crash does, stores it once; without
 * one a random id is used, because a client order id alone can be decided more than once.
 * An `accept` decision carries no copy of the order, so pass the order that was checked as
 * `context.order`; denials and modified acceptances carry their own.
 */
export function decisionAuditEvent(
  decision: Decision,
  context: {
    readonly at: number;
    readonly actor: string;
    readonly eventId?: string;
    readonly order?: OrderIntent;
  },
): AuditEventInput {
  const order = decision.kind === 'accept' ? context.order : decision.order;
  if (order === undefined) throw new Error('decisionAuditEvent: an accept decision needs context.order');
  const codes = decision.kind === 'deny' ? [...new Set(decision.violations.map((v) => v.code))] : [];
  const message =
    decision.kind === 'deny'
      ? decision.violations.map((v) => `${v.code}: ${v.message}`).join('; ')
      : decision.kind === 'accept-modified'
        ? decision.modifications.map((m) => `${m.field}: ${m.from} → ${m.to} (${m.reason})`).join('; ')
        : 'accepted';
  return {
    ...(context.eventId !== undefined ? { eventId: context.eventId } : {}),
    at: context.at,
    kind: 'decision',
    actor: context.actor,
    outcome: decision.kind,
    codes,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    ...(order.strategy !== undefined ? { strategy: order.strategy } : {}),
    message,
    data: { decision },
  };
}

/**
 * Builds the audit event of a limit or profile change: who made it, when, and a JSON diff
 * (`[{ path, op, before, after }]`) between the old and the new value.
 */
export function changeAuditEvent(change: {
  readonly kind: 'limit-change' | 'profile-change';
  readonly at: number;
  readonly actor: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly message?: string;
  readonly eventId?: string;
}): AuditEventInput {
  const diff = jsonDiff(change.before, change.after);
  return {
    ...(change.eventId !== undefined ? { eventId: change.eventId } : {}),
    at: change.at,
    kind: change.kind,
    actor: change.actor,
    message: change.message ?? `${diff.length} change(s): ${diff.map((d) => d.path || '(root)').join(', ')}`,
    data: { diff },
  };
}
