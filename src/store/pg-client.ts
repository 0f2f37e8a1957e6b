import type pg from 'pg';
import type { QueryResult, Transaction } from './database.ts';

/** A `pg` client (pooled or not) seen through the store's {@link Transaction} interface. */
export function wrapPgClient(client: pg.ClientBase): Transaction {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await client.query(text, [...params]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(script: string): Promise<void> {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(script);
    },
  };
}
