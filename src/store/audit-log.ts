import { randomUUID } from 'node:crypto';
import {
  AUDIT_KINDS,
  type AuditAppendResult,
  type AuditEvent,
  type AuditEventInput,
  type AuditKind,
  type AuditQuery,
  type DecisionOutcome,
  type DenialCount,
} from './audit-types.ts';
import type { Database, Queryable } from './database.ts';
import { type GroupCommitOptions, type GroupCommitStats, GroupCommitWriter } from './group-commit.ts';
import { epochMs, epochTime, fromEpochMs, json, type Tables } from './sql.ts';
import { Where } from './where.ts';

/** An audit event checked and serialised, ready to insert. */
interface PreparedEvent {
  readonly event_id: string;
  readonly at: number;
  readonly kind: AuditKind;
  readonly actor: string;
  readonly outcome: DecisionOutcome | null;
  readonly codes: readonly string[];
  readonly client_order_id: string | null;
  readonly symbol: string | null;
  readonly strategy: string | null;
  readonly message: string | null;
  readonly data: unknown;
}

const OUTCOMES: readonly DecisionOutcome[] = ['accept', 'accept-modified', 'deny'];

/**
 * Checks and serialises an event at the caller, so one malformed event throws there and
 * never fails the batch it would have shared with others.
 */
export function prepareAuditEvent(event: AuditEventInput): PreparedEvent {
  epochTime(event.at, 'audit event time');
  if (!AUDIT_KINDS.includes(event.kind))
    throw new RangeError(`unknown audit kind ${JSON.stringify(event.kind)}`);
  if (typeof event.actor !== 'string' || event.actor === '') {
    throw new RangeError('audit event actor must be a non-empty string');
  }
  for (const field of ['eventId', 'clientOrderId', 'symbol', 'strategy', 'message'] as const) {
    const value = event[field];
    if (value !== undefined && typeof value !== 'string')
      throw new TypeError(`audit event ${field} must be a string`);
  }
  if (event.codes !== undefined && !event.codes.every((code) => typeof code === 'string' && code !== '')) {
    throw new TypeError('audit event codes must be non-empty strings');
  }
  if (event.outcome !== undefined && !OUTCOMES.includes(event.outcome)) {
    throw new RangeError(`unknown decision outcome ${JSON.stringify(event.outcome)}`);
  }
  return {
    event_id: event.eventId ?? randomUUID(),
    at: event.at,
    kind: event.kind,
    actor: event.actor,
    outcome: event.outcome ?? null,
    codes: [...(event.codes ?? [])],
    client_order_id: event.clientOrderId ?? null,
    symbol: event.symbol ?? null,
    strategy: event.strategy ?? null,
    message: event.message ?? null,
    // Round-trip through JSON now: what is stored is exactly what the caller saw serialised.
    data: JSON.parse(json(event.data ?? {}, 'audit event data')),
  };
}

/**
 * Inserts prepared events in one statement, in order, skipping ids already stored.
 * Used by the group-commit writer and inside other transactions (a latch change and its
 * audit event commit together).
 */
export async function insertAuditEvents(
  q: Queryable,
  tables: Tables,
  events: readonly PreparedEvent[],
): Promise<AuditAppendResult[]> {
  if (events.length === 0) return [];
  const { rows } = await q.query<{ seq: number; event_id: string }>(
    `INSERT INTO ${tables.audit_log}
       (event_id, at, kind, actor, outcome, codes, client_order_id, symbol, strategy, message, data)
     SELECT x.event_id, ${fromEpochMs('x.at')}, x.kind, x.actor, x.outcome, coalesce(x.codes, '{}'),
            x.client_order_id, x.symbol, x.strategy, x.message, coalesce(x.data, '{}'::jsonb)
     FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
            event_id text, at float8, kind text, actor text, outcome text, codes text[],
            client_order_id text, symbol text, strategy text, message text, data jsonb))
          WITH ORDINALITY AS x(event_id, at, kind, actor, outcome, codes, client_order_id, symbol,
                               strategy, message, data, ord)
     ORDER BY x.ord
     ON CONFLICT (event_id) DO NOTHING
     RETURNING seq, event_id`,
    [JSON.stringify(events)],
  );
  const inserted = new Map(rows.map((r) => [r.event_id, r.seq]));
  return events.map((e) => {
    const seq = inserted.get(e.event_id);
    // A second event with the same id in one batch is a duplicate of the first.
    inserted.delete(e.event_id);
    return { eventId: e.event_id, inserted: seq !== undefined, seq: seq ?? null };
  });
}

const EVENT_COLUMNS = (alias: string) =>
  `${alias}.seq, ${alias}.event_id, ${epochMs(`${alias}.at`)} AS at, ${alias}.kind, ${alias}.actor,
   ${alias}.outcome, ${alias}.codes, ${alias}.client_order_id, ${alias}.symbol, ${alias}.strategy,
   ${alias}.message, ${alias}.data, ${epochMs(`${alias}.recorded_at`)} AS recorded_at`;

interface EventRow {
  seq: number;
  event_id: string;
  at: number;
  kind: AuditKind;
  actor: string;
  outcome: DecisionOutcome | null;
  codes: string[];
  client_order_id: string | null;
  symbol: string | null;
  strategy: string | null;
  message: string | null;
  data: unknown;
  recorded_at: number;
}

function toEvent(row: EventRow): AuditEvent {
  return {
    seq: row.seq,
    eventId: row.event_id,
    at: row.at,
    kind: row.kind,
    actor: row.actor,
    outcome: row.outcome,
    codes: row.codes,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    strategy: row.strategy,
    message: row.message,
    data: row.data,
    recordedAt: row.recorded_at,
  };
}

/**
 * The append-only audit log. Appends go through a group-commit writer: concurrent appends
 * share one transaction, and each promise resolves only after that transaction committed.
 * The table itself rejects UPDATE, DELETE and TRUNCATE.
 */
export class AuditLog {
  readonly #db: Database;
  readonly #tables: Tables;
  readonly #writer: GroupCommitWriter<PreparedEvent, AuditAppendResult>;

  constructor(db: Database, tables: Tables, groupCommit: GroupCommitOptions = {}) {
    this.#db = db;
    this.#tables = tables;
    // One INSERT per batch: a single statement is its own transaction, so the batch commits
    // atomically without the extra BEGIN and COMMIT round trips.
    this.#writer = new GroupCommitWriter((events) => insertAuditEvents(db, tables, events), groupCommit);
  }

  /** Appends one event; resolves once it is committed (or was already stored under its id). */
  append(event: AuditEventInput): Promise<AuditAppendResult> {
    let prepared: PreparedEvent;
    try {
      prepared = prepareAuditEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writer.append(prepared);
  }

  /** Events matching `filter`, newest first. */
  async query(filter: AuditQuery = {}): Promise<AuditEvent[]> {
    const where = new Where();
    if (filter.kind !== undefined) where.add('a.kind = ?', filter.kind);
    if (filter.code !== undefined) where.add('a.codes @> ARRAY[?]::text[]', filter.code);
    if (filter.outcome !== undefined) where.add('a.outcome = ?', filter.outcome);
    if (filter.clientOrderId !== undefined) where.add('a.client_order_id = ?', filter.clientOrderId);
    if (filter.from !== undefined) where.add(`a.at >= ${fromEpochMs('?')}`, epochTime(filter.from, 'from'));
    if (filter.to !== undefined) where.add(`a.at < ${fromEpochMs('?')}`, epochTime(filter.to, 'to'));
    if (filter.beforeSeq !== undefined) where.add('a.seq < ?', filter.beforeSeq);
    const limit = clampLimit(filter.limit);
    const { rows } = await this.#db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS('a')} FROM ${this.#tables.audit_log} a ${where.sql()}
       ORDER BY a.at DESC, a.seq DESC LIMIT ${limit}`,
      where.params,
    );
    return rows.map(toEvent);
  }

  /** The last `limit` risk decisions, newest first. */
  lastDecisions(limit = 50): Promise<AuditEvent[]> {
    return this.query({ kind: 'decision', limit });
  }

  /**
   * Denials counted by code and trading day (a denial with two codes counts once for each),
   * newest day first. Days are dates in `timeZone`, America/New_York by default.
   */
  async denialsByCodePerDay(
    range: { readonly from?: number; readonly to?: number; readonly timeZone?: string } = {},
  ): Promise<DenialCount[]> {
    const where = new Where();
    where.add("a.outcome = 'deny'");
    if (range.from !== undefined) where.add(`a.at >= ${fromEpochMs('?')}`, epochTime(range.from, 'from'));
    if (range.to !== undefined) where.add(`a.at < ${fromEpochMs('?')}`, epochTime(range.to, 'to'));
    const zone = where.param(range.timeZone ?? 'America/New_York');
    const { rows } = await this.#db.query<DenialCount>(
      `SELECT to_char((a.at AT TIME ZONE ${zone})::date, 'YYYY-MM-DD') AS day, c.code, count(*)::int AS count
       FROM ${this.#tables.audit_log} a CROSS JOIN LATERAL unnest(a.codes) AS c(code)
       ${where.sql()}
       GROUP BY 1, 2 ORDER BY 1 DESC, 3 DESC, 2`,
      where.params,
    );
    return rows;
  }

  /** Commits anything queued now. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Flushes and refuses further appends. */
  close(): Promise<void> {
    return this.#writer.close();
  }

  /** Batching counters of the group-commit writer. */
  get writerStats(): GroupCommitStats {
    return this.#writer.stats;
  }
}

/** Clamps a caller's limit to 1…10 000 (default 100); the result is safe to inline in SQL. */
export function clampLimit(limit: number | undefined, fallback = 100): number {
  if (limit === undefined) return fallback;
  if (!Number.isFinite(limit)) return fallback;
  return Math.min(10_000, Math.max(1, Math.floor(limit)));
}
