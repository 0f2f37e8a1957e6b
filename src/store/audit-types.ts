import type { Decision } from '../core/decision.ts';

/** What an audit event records. */
export type AuditKind =
  | 'decision'
  | 'trading-state'
  | 'reset'
  | 'limit-change'
  | 'profile-change'
  | 'kill-switch'
  | 'api-key'
  | 'order'
  | 'store';

/** Every {@link AuditKind}, in the order the schema lists them. */
export const AUDIT_KINDS: readonly AuditKind[] = [
  'decision',
  'trading-state',
  'reset',
  'limit-change',
  'profile-change',
  'kill-switch',
  'api-key',
  'order',
  'store',
];

/** The outcome of a risk decision, as audited. */
export type DecisionOutcome = Decision['kind'];

/** An event to append to the audit log. */
export interface AuditEventInput {
  /**
   * Idempotency key: appending an event whose id is already stored does nothing, so a retry
   * after a crash never duplicates it. A random id is used when omitted.
   */
  readonly eventId?: string;
  /** Epoch ms when it happened. */
  readonly at: number;
  readonly kind: AuditKind;
  /** Who caused it: `engine`, an operator's identity, an API key id. */
  readonly actor: string;
  readonly outcome?: DecisionOutcome;
  /** Codes involved: the violation codes of a denial, a breaker code, `RESET`… */
  readonly codes?: readonly string[];
  readonly clientOrderId?: string;
  readonly symbol?: string;
  readonly strategy?: string;
  readonly message?: string;
  /** Details as JSON: the decision, a diff of a limit change… */
  readonly data?: unknown;
}

/** An event as stored, with its position in the log. */
export interface AuditEvent {
  /** Position in the log; increases with every append. */
  readonly seq: number;
  readonly eventId: string;
  readonly at: number;
  readonly kind: AuditKind;
  readonly actor: string;
  readonly outcome: DecisionOutcome | null;
  readonly codes: readonly string[];
  readonly clientOrderId: string | null;
  readonly symbol: string | null;
  readonly strategy: string | null;
  readonly message: string | null;
  readonly data: unknown;
  /** Epoch ms when the database stored it. */
  readonly recordedAt: number;
}

/** Result of one append: whether it was new, and its position if so. */
export interface AuditAppendResult {
  readonly eventId: string;
  readonly inserted: boolean;
  /** Position in the log, or null when an event with the same id was already stored. */
  readonly seq: number | null;
}

/** Filters of an audit query; all are optional and combine with AND. */
export interface AuditQuery {
  readonly kind?: AuditKind;
  /** Events whose codes include this code. */
  readonly code?: string;
  readonly outcome?: DecisionOutcome;
  readonly clientOrderId?: string;
  /** From this epoch ms, inclusive. */
  readonly from?: number;
  /** Up to this epoch ms, exclusive. */
  readonly to?: number;
  /** Only events before this position (for paging); newest first. */
  readonly beforeSeq?: number;
  /** Most events returned; default 100, at most 10 000. */
  readonly limit?: number;
}

/** Denials with one code on one trading day. */
export interface DenialCount {
  /** Trading day `YYYY-MM-DD` in the query's time zone (America/New_York by default). */
  readonly day: string;
  readonly code: string;
  readonly count: number;
}
