import type { DedicatedConnection } from './database.ts';
import { epochMs, type Tables } from './sql.ts';

/** The lease in force, as the database sees it. */
export interface LeaseView {
  /** Instance id of the holder. */
  readonly holder: string;
  /** Leadership epoch: incremented by every takeover. */
  readonly epoch: number;
  /** Epoch ms (database clock) of the takeover, the last renewal and the expiry. */
  readonly acquiredAt: number;
  readonly renewedAt: number;
  readonly expiresAt: number;
  /** Epoch ms on the database clock when this was read. */
  readonly now: number;
}

/**
 * Where the lease's statements run: on a server, a connection of its own outside the store's
 * pool, so that renewing never waits for a pooled connection busy with orders; on PGlite, the
 * store's single connection.
 */
export type LeaseConnection = Pick<DedicatedConnection, 'query' | 'transaction'>;

/** What an attempt to take or keep the lead found. */
export type LeaseOutcome =
  | { readonly held: true; readonly lease: LeaseView }
  | { readonly held: false; readonly lease: LeaseView | null };

interface LeaseRow {
  holder: string;
  epoch: number;
  acquired_at: number;
  renewed_at: number;
  expires_at: number;
  now: number;
}

const LEASE_COLUMNS = `holder, epoch, ${epochMs('acquired_at')} AS acquired_at, ${epochMs('renewed_at')} AS renewed_at,
  ${epochMs('expires_at')} AS expires_at, ${epochMs('clock_timestamp()')} AS now`;

/**
 * How long a takeover waits for writes of the old epoch still in flight before it gives up this
 * try, in ms (a shorter statement timeout of the lease's connection ends the wait first).
 */
const TAKEOVER_LOCK_TIMEOUT_MS = 1_000;

function toView(row: LeaseRow): LeaseView {
  return {
    holder: row.holder,
    epoch: row.epoch,
    acquiredAt: row.acquired_at,
    renewedAt: row.renewed_at,
    expiresAt: row.expires_at,
    now: row.now,
  };
}

/**
 * The account's leadership lease: one row with the holder, a fencing epoch and an expiry, all
 * on the database's clock so instances' clocks never disagree about it. An instance takes the
 * lead only when the lease expired (or was released), and each takeover increments the epoch
 * that the fencing trigger checks on every write. Writes lock the row only against a change of
 * epoch (`FOR KEY SHARE`), so a renewal never waits for them; a takeover does.
 */
export class LeaderLease {
  readonly #db: LeaseConnection;
  readonly #t: Tables;

  constructor(db: LeaseConnection, tables: Tables) {
    this.#db = db;
    this.#t = tables;
  }

  /**
   * Takes the lead for `holder` if nobody holds an unexpired lease, or if `holder` itself does
   * (an instance restarted under the same id: its former process is fenced by the new epoch): a
   * new epoch, valid for `ttlMs`. Otherwise reports who holds it.
   */
  async acquire(holder: string, ttlMs: number): Promise<LeaseOutcome> {
    const ttl = positiveMs(ttlMs);
    // A lease another instance holds is only looked at: trying to take it would lock the row
    // and wait behind the leader's writes in flight, every few hundred ms, for nothing.
    const seen = await this.read();
    if (seen !== null && seen.holder !== holder && seen.expiresAt > seen.now)
      return { held: false, lease: seen };
    return this.#db.transaction(async (tx) => {
      // A write of the old epoch still in flight holds the row (FOR KEY SHARE, which a change of
      // epoch conflicts with): wait for it a little.
      await tx.query(`SET LOCAL lock_timeout = ${TAKEOVER_LOCK_TIMEOUT_MS}`);
      const { rows } = await tx.query<LeaseRow>(
        `INSERT INTO ${this.#t.leader_lease} AS l (holder, epoch, acquired_at, renewed_at, expires_at)
         VALUES ($1, 1, clock_timestamp(), clock_timestamp(), clock_timestamp() + $2 * interval '1 millisecond')
         ON CONFLICT (singleton) DO UPDATE
           SET holder = excluded.holder, epoch = l.epoch + 1, acquired_at = clock_timestamp(),
               renewed_at = clock_timestamp(), expires_at = clock_timestamp() + $2 * interval '1 millisecond'
           WHERE l.expires_at <= clock_timestamp() OR l.holder = excluded.holder
         RETURNING ${LEASE_COLUMNS}`,
        [holder, ttl],
      );
      const row = rows[0];
      if (row !== undefined) return { held: true, lease: toView(row) };
      const current = await tx.query<LeaseRow>(`SELECT ${LEASE_COLUMNS} FROM ${this.#t.leader_lease}`);
      const seen = current.rows[0];
      return { held: false, lease: seen === undefined ? null : toView(seen) };
    });
  }

  /**
   * Extends the lease of `holder` at `epoch` by `ttlMs` from now. Not held (another instance
   * took over, or the lease was released) when the row no longer has this holder and epoch.
   */
  async renew(holder: string, epoch: number, ttlMs: number): Promise<LeaseOutcome> {
    const { rows } = await this.#db.query<LeaseRow>(
      `UPDATE ${this.#t.leader_lease}
       SET renewed_at = clock_timestamp(), expires_at = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE holder = $1 AND epoch = $2
       RETURNING ${LEASE_COLUMNS}`,
      [holder, epoch, positiveMs(ttlMs)],
    );
    const row = rows[0];
    if (row !== undefined) return { held: true, lease: toView(row) };
    return { held: false, lease: await this.read() };
  }

  /** Gives the lead up at once (a clean shutdown), so a standby need not wait for the expiry. */
  async release(holder: string, epoch: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `UPDATE ${this.#t.leader_lease} SET expires_at = clock_timestamp()
       WHERE holder = $1 AND epoch = $2`,
      [holder, epoch],
    );
    return rowCount > 0;
  }

  /** The lease as stored, or null when no instance ever led. */
  async read(): Promise<LeaseView | null> {
    const { rows } = await this.#db.query<LeaseRow>(`SELECT ${LEASE_COLUMNS} FROM ${this.#t.leader_lease}`);
    const row = rows[0];
    return row === undefined ? null : toView(row);
  }
}

function positiveMs(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new RangeError(`lease TTL must be a positive number of ms, got ${ms}`);
  return Math.round(ms);
}
