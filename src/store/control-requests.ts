import type { Database } from './database.ts';
import { epochMs, json, type Tables } from './sql.ts';

/** What an operator asked for: pull the kill switch, reset the latch, or change the profile. */
export type ControlKind = 'kill' | 'reset' | 'profile';

/** A control request as stored. `payload` and `outcome` are the JSON the leader reads and writes. */
export interface ControlRequest {
  readonly id: number;
  readonly kind: ControlKind;
  readonly payload: unknown;
  /** API key id of whoever asked. */
  readonly requestedBy: string;
  /** Instance that received it. */
  readonly receivedBy: string;
  readonly requestedAt: number;
  /** Set once a leader carried it out (or refused it). */
  readonly handledAt: number | null;
  readonly handledBy: string | null;
  readonly handledEpoch: number | null;
  readonly outcome: unknown;
}

interface ControlRow {
  id: number;
  kind: ControlKind;
  payload: unknown;
  requested_by: string;
  received_by: string;
  requested_at: number;
  handled_at: number | null;
  handled_by: string | null;
  handled_epoch: number | null;
  outcome: unknown;
}

const COLUMNS = `id, kind, payload, requested_by, received_by, ${epochMs('requested_at')} AS requested_at,
  ${epochMs('handled_at')} AS handled_at, handled_by, handled_epoch, outcome`;

function toRequest(row: ControlRow): ControlRequest {
  return {
    id: row.id,
    kind: row.kind,
    payload: row.payload,
    requestedBy: row.requested_by,
    receivedBy: row.received_by,
    requestedAt: row.requested_at,
    handledAt: row.handled_at,
    handledBy: row.handled_by,
    handledEpoch: row.handled_epoch,
    outcome: row.outcome,
  };
}

/**
 * Kills, resets and profile changes received by any instance, persisted for the leader to carry
 * out in order. Each insert is announced with `NOTIFY` on {@link ControlRequests.channel}; the
 * leader also polls, so a lost notification delays a request, never drops it.
 */
export class ControlRequests {
  readonly #db: Database;
  readonly #t: Tables;
  /** The `NOTIFY` channel of this store's schema. */
  readonly channel: string;

  constructor(db: Database, tables: Tables, schema: string) {
    this.#db = db;
    this.#t = tables;
    this.channel = `${schema}_control`;
  }

  /** Persists a request and announces it; resolves with it once committed. */
  async submit(request: {
    readonly kind: ControlKind;
    readonly payload: unknown;
    readonly requestedBy: string;
    readonly receivedBy: string;
  }): Promise<ControlRequest> {
    return this.#db.transaction(async (tx) => {
      const { rows } = await tx.query<ControlRow>(
        `INSERT INTO ${this.#t.control_requests} (kind, payload, requested_by, received_by)
         VALUES ($1, $2::jsonb, $3, $4) RETURNING ${COLUMNS}`,
        [request.kind, json(request.payload, 'payload'), request.requestedBy, request.receivedBy],
      );
      // Delivered at commit, so the leader never reads before the row exists.
      await tx.query('SELECT pg_notify($1, $2)', [this.channel, String(rows[0]!.id)]);
      return toRequest(rows[0]!);
    });
  }

  /** Requests no leader has handled yet, oldest first. */
  async pending(): Promise<ControlRequest[]> {
    const { rows } = await this.#db.query<ControlRow>(
      `SELECT ${COLUMNS} FROM ${this.#t.control_requests} WHERE handled_at IS NULL ORDER BY id`,
    );
    return rows.map(toRequest);
  }

  /** One request, or null. */
  async get(id: number): Promise<ControlRequest | null> {
    const { rows } = await this.#db.query<ControlRow>(
      `SELECT ${COLUMNS} FROM ${this.#t.control_requests} WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? null : toRequest(rows[0]);
  }

  /**
   * Records that the leader at `epoch` handled request `id`, unless another did already.
   * Returns false when it was already handled.
   */
  async markHandled(id: number, by: string, epoch: number, outcome: unknown): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `UPDATE ${this.#t.control_requests}
       SET handled_at = clock_timestamp(), handled_by = $2, handled_epoch = $3, outcome = $4::jsonb
       WHERE id = $1 AND handled_at IS NULL`,
      [id, by, epoch, json(outcome, 'outcome')],
    );
    return rowCount > 0;
  }
}
