import type pg from 'pg';
import type { QueryResult, Transaction } from './database.ts';

/** Distinct statement texts given a name; beyond this many, statements go unnamed. */
const MAX_NAMED_STATEMENTS = 256;
const statementNames = new Map<string, string>();

/**
 * A parameterized statement as `pg` runs it. Named (unless `named` is false), each connection
 * parses and plans the text once and afterwards sends only its parameters. The store's statements
 * are a small fixed set; should texts ever vary without bound, the ones past
 * {@link MAX_NAMED_STATEMENTS} run unnamed.
 */
export function pgStatement(text: string, params: readonly unknown[], named: boolean): pg.QueryConfig {
  // A statement without parameters keeps the simple protocol, as pg sends it unnamed.
  if (!named || params.length === 0) return { text, values: [...params] };
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `rg_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name === undefined ? { text, values: [...params] } : { name, text, values: [...params] };
}

/** Runs one statement on a `pg` pool or client (`named` as in {@link pgStatement}) and gives its rows. */
export async function runPgStatement<Row>(
  runner: pg.Pool | pg.ClientBase,
  text: string,
  params: readonly unknown[],
  named: boolean,
): Promise<QueryResult<Row>> {
  const result = await runner.query(pgStatement(text, params, named));
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
}

/**
 * A `pg` client (pooled or not) seen through the store's {@link Transaction} interface; `named`
 * as in {@link pgStatement}.
 */
export function wrapPgClient(client: pg.ClientBase, named: boolean): Transaction {
  return {
    query: <Row>(text: string, params: readonly unknown[] = []) =>
      runPgStatement<Row>(client, text, params, named),
    async exec(script: string): Promise<void> {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(script);
    },
  };
}
