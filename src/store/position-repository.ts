import type { Database, Queryable } from './database.ts';
import { loadFillsAfter } from './fill-repository.ts';
import { replayFills, type StoredPosition } from './position-math.ts';
import { epochMs, epochTime, finite, fromEpochMs, type Tables, toNumber } from './sql.ts';

/** A saved set of positions and the last fill it already includes. */
export interface PositionSnapshot {
  readonly id: number;
  /** Epoch ms the positions were valid at. */
  readonly at: number;
  /** Where they came from, e.g. `broker` (reconciliation) or `engine`. */
  readonly source: string;
  /** Every fill with `seq` up to this one is already reflected in `positions`. */
  readonly throughFillSeq: number;
  readonly positions: readonly StoredPosition[];
}

/** Positions rebuilt for recovery, with how they were obtained. */
export interface RebuiltPositions {
  readonly positions: readonly StoredPosition[];
  /** The snapshot they started from, or null when rebuilt from all fills. */
  readonly snapshot: Omit<PositionSnapshot, 'positions'> | null;
  /** How many fills recorded after the snapshot were replayed on top of it. */
  readonly fillsReplayed: number;
  /** The highest fill sequence number included (0 when there are no fills). */
  readonly throughFillSeq: number;
}

/** Rebuilds open positions: the latest snapshot plus every fill recorded after it (or all fills). */
export async function rebuildPositions(q: Queryable, t: Tables): Promise<RebuiltPositions> {
  const snapshots = await q.query<{ id: number; at: number; source: string; through_fill_seq: number }>(
    `SELECT id, ${epochMs('at')} AS at, source, through_fill_seq FROM ${t.position_snapshots}
     ORDER BY id DESC LIMIT 1`,
  );
  const head = snapshots.rows[0];
  let start: StoredPosition[] = [];
  if (head !== undefined) {
    const entries = await q.query<{ symbol: string; qty: string; avg_entry_price: string }>(
      `SELECT symbol, qty, avg_entry_price FROM ${t.position_snapshot_entries} WHERE snapshot_id = $1 ORDER BY symbol`,
      [head.id],
    );
    start = entries.rows.map((e) => ({
      symbol: e.symbol,
      qty: toNumber(e.qty),
      avgPrice: toNumber(e.avg_entry_price),
    }));
  }
  const after = head?.through_fill_seq ?? 0;
  const fills = await loadFillsAfter(q, t, after);
  return {
    positions: replayFills(start, fills),
    snapshot:
      head === undefined
        ? null
        : { id: head.id, at: head.at, source: head.source, throughFillSeq: head.through_fill_seq },
    fillsReplayed: fills.length,
    throughFillSeq: fills.at(-1)?.seq ?? after,
  };
}

/** Position snapshots, so recovery replays only the fills recorded since the last one. */
export class PositionRepository {
  readonly #db: Database;
  readonly #t: Tables;

  constructor(db: Database, tables: Tables) {
    this.#db = db;
    this.#t = tables;
  }

  /**
   * Saves a snapshot. Without `throughFillSeq` it covers every fill committed so far: the
   * fills table is locked against inserts for the moment of the save, so the recorded
   * watermark is exact. Pass the positions that reflect all of those fills (record a fill,
   * apply it, then snapshot), or pass `throughFillSeq` explicitly.
   */
  async saveSnapshot(
    positions: readonly StoredPosition[],
    options: { readonly at: number; readonly source: string; readonly throughFillSeq?: number },
  ): Promise<PositionSnapshot> {
    epochTime(options.at, 'snapshot time');
    const symbols = new Set<string>();
    for (const p of positions) {
      finite(p.qty, `qty of ${p.symbol}`);
      finite(p.avgPrice, `avgPrice of ${p.symbol}`);
      if (symbols.has(p.symbol)) throw new RangeError(`snapshot lists ${p.symbol} twice`);
      symbols.add(p.symbol);
    }
    const t = this.#t;
    return this.#db.transaction(async (tx) => {
      let through = options.throughFillSeq;
      if (through === undefined) {
        // SHARE mode waits for in-flight fill inserts to commit and holds new ones until we commit.
        await tx.query(`LOCK TABLE ${t.fills} IN SHARE MODE`);
        const { rows } = await tx.query<{ seq: number }>(
          `SELECT coalesce(max(seq), 0)::bigint AS seq FROM ${t.fills}`,
        );
        through = rows[0]?.seq ?? 0;
      }
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO ${t.position_snapshots} (at, source, through_fill_seq) VALUES (${fromEpochMs('$1')}, $2, $3)
         RETURNING id`,
        [options.at, options.source, through],
      );
      const id = rows[0]!.id;
      const open = positions.filter((p) => p.qty !== 0);
      if (open.length > 0) {
        await tx.query(
          `INSERT INTO ${t.position_snapshot_entries} (snapshot_id, symbol, qty, avg_entry_price)
           SELECT $1, x.symbol, x.qty, x.avg_entry_price
           FROM jsonb_to_recordset($2::jsonb) AS x(symbol text, qty numeric, avg_entry_price numeric)`,
          [
            id,
            JSON.stringify(open.map((p) => ({ symbol: p.symbol, qty: p.qty, avg_entry_price: p.avgPrice }))),
          ],
        );
      }
      return { id, at: options.at, source: options.source, throughFillSeq: through, positions: open };
    });
  }

  /** Current open positions: the latest snapshot plus the fills recorded after it. */
  current(): Promise<RebuiltPositions> {
    return this.#db.transaction((tx) => rebuildPositions(tx, this.#t), {
      isolation: 'repeatable read',
      readOnly: true,
    });
  }
}
