import type { Database, QueryResult, Transaction } from '../../src/store/database.ts';

/** Transactions and statements seen at a {@link Database}, in total and for the order tables. */
export interface StatementCounts {
  /** Transactions: one per statement run on its own (autocommit), one per `transaction()`. */
  transactions: number;
  /** Statements sent, counting BEGIN and COMMIT (or ROLLBACK) of each explicit transaction. */
  statements: number;
  /** The same, for transactions that touched the order path's tables (orders, history, fills, audit). */
  orderTransactions: number;
  orderStatements: number;
}

/** Tables an order's life writes to. */
const ORDER_TABLES = /"\.("orders"|"order_status_history"|"fills"|"audit_log")/;

/**
 * Counts what goes through a real database: patches `query` and `transaction` of this very
 * object (the statements still run), so a store or a gateway built on it is measured as it is.
 * Returns the live counts and a function that puts the original methods back.
 */
export function countStatements(db: Database): { readonly counts: StatementCounts; restore(): void } {
  const counts: StatementCounts = {
    transactions: 0,
    statements: 0,
    orderTransactions: 0,
    orderStatements: 0,
  };
  const query = db.query;
  const transaction = db.transaction;
  const target = db as { -readonly [K in keyof Database]: Database[K] };
  target.query = (<Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
    counts.transactions += 1;
    counts.statements += 1;
    if (ORDER_TABLES.test(text)) {
      counts.orderTransactions += 1;
      counts.orderStatements += 1;
    }
    return query.call(db, text, params) as Promise<QueryResult<Row>>;
  }) as Database['query'];
  target.transaction = (<T>(
    fn: (tx: Transaction) => Promise<T>,
    options?: Parameters<Database['transaction']>[1],
  ) => {
    counts.transactions += 1;
    counts.statements += 2; // BEGIN and COMMIT / ROLLBACK
    let inner = 0;
    let touchesOrders = false;
    return transaction
      .call(
        db,
        (tx: Transaction) =>
          fn({
            query: <Row>(text: string, params?: readonly unknown[]) => {
              counts.statements += 1;
              inner += 1;
              if (ORDER_TABLES.test(text)) touchesOrders = true;
              return tx.query<Row>(text, params);
            },
            exec: (script: string) => {
              counts.statements += 1;
              inner += 1;
              return tx.exec(script);
            },
          }),
        options,
      )
      .finally(() => {
        if (touchesOrders) {
          counts.orderTransactions += 1;
          counts.orderStatements += inner + 2;
        }
      }) as Promise<T>;
  }) as Database['transaction'];
  return {
    counts,
    restore() {
      target.query = query;
      target.transaction = transaction;
    },
  };
}

/** A copy of the counts, for differences. */
export function snapshotCounts(counts: StatementCounts): StatementCounts {
  return { ...counts };
}

/** `after − before`, field by field. */
export function countsSince(before: StatementCounts, after: StatementCounts): StatementCounts {
  return {
    transactions: after.transactions - before.transactions,
    statements: after.statements - before.statements,
    orderTransactions: after.orderTransactions - before.orderTransactions,
    orderStatements: after.orderStatements - before.orderStatements,
  };
}
