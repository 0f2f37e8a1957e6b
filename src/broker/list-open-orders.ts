import { BrokerError } from './errors.ts';
import type { BrokerOrder, OrderQuery } from './order-types.ts';
import type { Broker } from './port.ts';
import type { ReadOptions } from './read-options.ts';

/** The most orders one `GET /v2/orders` returns. */
export const ORDER_PAGE_LIMIT = 500;

/** Options of {@link listAllOpenOrders}. */
export interface ListAllOpenOrdersOptions extends ReadOptions {
  /** Orders per page, at most {@link ORDER_PAGE_LIMIT} (smaller only for tests). */
  readonly pageSize?: number;
  /** Stop with `LIST_INCOMPLETE` after this many pages. Default 10,000 (5 million orders). */
  readonly maxPages?: number;
}

/** The time the broker pages by, epoch ms (whole milliseconds). */
function pageTime(o: BrokerOrder): number {
  return Math.floor(o.submittedAt ?? o.createdAt);
}

/**
 * Reads every open order (`status=open`, `nested=true`: parents with their legs), however many,
 * page after page, oldest first.
 *
 * The broker returns at most 500 orders per call and bounds pages by submission time with an
 * exclusive `after`. Each next page starts one millisecond before the newest order seen, so the
 * orders that share that millisecond and did not fit are read too; repeats are dropped by id (a
 * later read of an order replaces the earlier one). When one millisecond holds a whole page (an
 * exchange with a coarse clock, a replayed book), that millisecond is read once more newest
 * first (`until` the next millisecond, also exclusive): if the two reads overlap they hold all of
 * it, and paging goes on after it. A millisecond with more than two pages of orders cannot be
 * read completely by time and throws `LIST_INCOMPLETE` rather than return a partial book, as
 * does a broker that does not advance. Reads are the gateway's own (`monitor`) unless `purpose`
 * says otherwise.
 */
export async function listAllOpenOrders(
  broker: Pick<Broker, 'listOrders'>,
  options: ListAllOpenOrdersOptions = {},
): Promise<readonly BrokerOrder[]> {
  const limit = Math.min(options.pageSize ?? ORDER_PAGE_LIMIT, ORDER_PAGE_LIMIT);
  const maxPages = options.maxPages ?? 10_000;
  const read: ReadOptions = options.purpose === undefined ? {} : { purpose: options.purpose };
  const base: OrderQuery = { status: 'open', nested: true, limit };
  const byId = new Map<string, BrokerOrder>();
  let after: number | undefined;
  for (let pages = 1; ; pages++) {
    if (pages > maxPages) throw incomplete(`more than ${maxPages} pages of open orders`);
    const page = await broker.listOrders(
      { ...base, direction: 'asc', ...(after !== undefined ? { after } : {}) },
      read,
    );
    for (const o of page) byId.set(o.id, o);
    if (page.length < limit) break;
    const newest = Math.max(...page.map(pageTime));
    if (after === undefined || newest - 1 > after) {
      after = newest - 1;
      continue;
    }
    // The whole page lies in the millisecond `newest`, already the first one of this window:
    // read the window again from its end.
    const tail = await broker.listOrders({ ...base, direction: 'desc', after, until: newest + 1 }, read);
    const ids = new Set(page.map((o) => o.id));
    if (tail.length >= limit && !tail.some((o) => ids.has(o.id))) {
      throw incomplete(
        `more than ${2 * limit} open orders were submitted at ${new Date(newest).toISOString()}`,
      );
    }
    for (const o of tail) byId.set(o.id, o);
    if (newest <= after)
      throw incomplete(`the broker listed no orders after ${new Date(after).toISOString()}`);
    after = newest;
  }
  return [...byId.values()];
}

function incomplete(why: string): BrokerError<'LIST_INCOMPLETE'> {
  return new BrokerError('LIST_INCOMPLETE', `the open orders could not all be read: ${why}`, {
    local: true,
  });
}
