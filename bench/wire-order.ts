/**
 * Reading a broker order answer: the zod wire schema against the in-place check the broker client
 * uses, on a bracket order with its two legs as the exchange sends it (JSON.parse shown for
 * scale). Prints one JSON line with `--json`; the best of 5 batches of 200,000 reads each.
 */

import { wireOrderSchema } from '../src/broker/wire/order-wire.ts';
import { checkWireOrder } from '../src/broker/wire/order-wire-check.ts';

const json = process.argv.includes('--json');
const leg = (id: string, type: 'limit' | 'stop') => ({
  id,
  client_order_id: `${id}-c`,
  created_at: '2026-03-02T14:30:00.123456789Z',
  updated_at: '2026-03-02T14:30:00.123456789Z',
  submitted_at: '2026-03-02T14:30:00.123456789Z',
  filled_at: null,
  expired_at: null,
  canceled_at: null,
  failed_at: null,
  replaced_at: null,
  replaced_by: null,
  replaces: null,
  asset_id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
  symbol: 'AAPL',
  asset_class: 'us_equity',
  notional: null,
  qty: '1',
  filled_qty: '0',
  filled_avg_price: null,
  order_class: 'bracket',
  order_type: type,
  type,
  side: 'sell',
  position_intent: 'sell_to_close',
  time_in_force: 'day',
  limit_price: type === 'limit' ? '70' : null,
  stop_price: type === 'stop' ? '55' : null,
  status: 'held',
  extended_hours: false,
  legs: null,
  trail_percent: null,
  trail_price: null,
  hwm: null,
  source: null,
  subtag: null,
  expires_at: null,
});
const text = JSON.stringify({
  ...leg('p', 'limit'),
  side: 'buy',
  status: 'new',
  limit_price: '60',
  legs: [leg('a', 'limit'), leg('b', 'stop')],
});
const BATCH = 200_000;

function bestNs(read: (value: unknown) => unknown): number {
  const answers = Array.from({ length: 1_000 }, () => JSON.parse(text));
  for (let i = 0; i < BATCH; i++) read(answers[i % 1_000]);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) read(answers[i % 1_000]);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / BATCH);
  }
  return Math.round(best);
}

const result = {
  answerBytes: text.length,
  zodNsPerOrder: bestNs((v) => wireOrderSchema.parse(v)),
  checkNsPerOrder: bestNs(checkWireOrder),
  jsonParseNsPerOrder: bestNs(() => JSON.parse(text)),
  node: process.version,
};
if (json) console.log(JSON.stringify(result));
else
  console.log(
    `bracket order answer (${result.answerBytes} bytes): zod ${result.zodNsPerOrder} ns, in-place check ${result.checkNsPerOrder} ns, JSON.parse ${result.jsonParseNsPerOrder} ns`,
  );
