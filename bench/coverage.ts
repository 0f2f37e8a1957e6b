/**
 * The protection count of one symbol (`computeCoverage`, which the protection manager runs after
 * every order event of the symbol and the protection monitor on every pass) as the bot's resting
 * bracket entries pile up on it: 0, 100, 1,000 and 10,000 unfilled entries with their two held
 * legs each, beside a filled position protected by its own bracket legs. Each size is counted
 * from the order index's candidates (what the gateway does) and, as the anchor, from every live
 * order of the symbol. Prints one JSON line with `--json`; the best of 5 batches for each.
 */

import type { BrokerOrder } from '../src/broker/order-types.ts';
import { OrderIndex } from '../src/gateway/orders/order-index.ts';
import { computeCoverage } from '../src/gateway/protection/coverage.ts';
import { brokerOrder } from '../test/support/broker-order.ts';

const json = process.argv.includes('--json');
const SIZES = [0, 100, 1_000, 10_000];
/** Counts timed per batch: fewer for the anchor as it grows, so that a batch stays well under a second. */
const CANDIDATE_COUNTS = 200_000;
const anchorCountFor = (resting: number) => Math.max(200, Math.round(2_000_000 / (resting * 3 + 10)));

const order = (id: string, side: 'buy' | 'sell', type: BrokerOrder['type'], status: BrokerOrder['status']) =>
  brokerOrder({
    id,
    side,
    type,
    status,
    orderClass: 'bracket',
    limitPrice: type === 'stop' ? undefined : 100,
    stopPrice: type === 'stop' ? 90 : undefined,
  });

const bracket = (id: string, status: BrokerOrder['status']): BrokerOrder => ({
  ...order(id, 'buy', 'limit', status),
  legs: [
    order(`${id}-tp`, 'sell', 'limit', status === 'filled' ? 'new' : 'held'),
    order(`${id}-sl`, 'sell', 'stop', 'held'),
  ],
});

function bestNs(count: number, run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let batch = 0; batch < 6; batch++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) sink += (run() as { groups: unknown[] }).groups.length;
    const ns = Number(process.hrtime.bigint() - start) / count;
    // The first batch warms the code up and is not counted.
    if (batch > 0) best = Math.min(best, ns);
  }
  if (sink < 0) console.log(sink);
  return Math.round(best);
}

const rows = SIZES.map((resting) => {
  const index = new OrderIndex();
  index.upsert(bracket('held-position', 'filled'));
  for (let i = 0; i < resting; i++) index.upsert(bracket(`resting-${i}`, 'new'));
  const get = (id: string) => index.get(id);
  const candidatesNs = bestNs(CANDIDATE_COUNTS, () =>
    computeCoverage({ positionQty: 10, live: index.coverageCandidates('AAPL', 10), get }),
  );
  const everyLiveNs = bestNs(anchorCountFor(resting), () =>
    computeCoverage({ positionQty: 10, live: index.liveFor('AAPL'), get }),
  );
  return { restingEntries: resting, liveOrders: index.liveFor('AAPL').length, candidatesNs, everyLiveNs };
});

const result = {
  rows,
  candidatesGrowth: Number((rows.at(-1)!.candidatesNs / rows[0]!.candidatesNs).toFixed(2)),
  everyLiveGrowth: Number((rows.at(-1)!.everyLiveNs / rows[0]!.everyLiveNs).toFixed(2)),
};
if (json) console.log(JSON.stringify(result));
else {
  for (const r of rows)
    console.log(
      `${String(r.restingEntries).padStart(6)} resting entries (${r.liveOrders} live orders): ` +
        `${r.candidatesNs} ns from the candidates, ${r.everyLiveNs} ns from every live order`,
    );
  console.log(
    `growth from none to ${SIZES.at(-1)}: ${result.candidatesGrowth}× (candidates), ${result.everyLiveGrowth}× (every live order)`,
  );
}
