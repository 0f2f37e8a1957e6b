// After a stream `reset` (the page was away longer than the gateway's event buffer reaches),
// the audited events of the gap are read back from GET /v1/audit, so the feed does not silently
// miss them. Only what the audit log records comes back: decisions, trading-state changes,
// kills, resets, profile and limit changes, orders. Fills, alerts, trips' own events,
// protection moves and trade updates of the gap are not audited and stay missing (the state
// itself is read again, so the view is current).
import { api } from './api.js';

/** The most entries one backfill reads (the feed keeps 300). */
export const BACKFILL_MAX = 300;
const PAGE = 100;

/** The feed type an audit entry is shown as. */
export function feedTypeOf(kind) {
  switch (kind) {
    case 'decision':
      return 'decision';
    case 'trading-state':
    case 'kill-switch':
    case 'reset':
      return 'state';
    case 'order':
      return 'order';
    default:
      return 'audit';
  }
}

/** A one-line summary of an audit entry. */
export function summarizeAudit(e) {
  return [
    e.kind,
    e.symbol,
    e.outcome,
    (e.codes ?? []).join(', '),
    e.clientOrderId,
    e.message,
    `by ${e.actor}`,
  ]
    .filter((x) => x !== null && x !== undefined && x !== '')
    .join(' ');
}

/**
 * The audit entries from `from` to `to` (epoch ms, both included), newest first, at most
 * BACKFILL_MAX; `more` says whether older ones in that span were left out.
 */
export async function auditBetween(from, to) {
  const events = [];
  let before = null;
  for (;;) {
    const q = new URLSearchParams({ from: String(from), to: String(to + 1), limit: String(PAGE) });
    if (before !== null) q.set('before_seq', String(before));
    const answer = await api('GET', `/v1/audit?${q}`);
    events.push(...answer.events);
    before = answer.nextBeforeSeq;
    if (before === null) return { events, more: false };
    if (events.length >= BACKFILL_MAX) return { events: events.slice(0, BACKFILL_MAX), more: true };
  }
}
