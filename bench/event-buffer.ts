/**
 * Memory held by the gateway's event buffer (the events kept for `/v1/events` clients that
 * reconnect), and the time a reconnecting client's replay takes to frame.
 *
 *   npm run bench:event-buffer            # readable lines
 *   npm run bench:event-buffer -- --json  # one JSON line
 *
 * The buffer is filled with a mix like a trading day's: 40% order events (an Alpaca order as
 * rendered, 33 fields), 40% decisions (a denial with two violations), 20% fills with their
 * position. Heap is measured after a full GC, before and after filling it. The replay frames
 * every kept event as the stream does for a client that reconnects from the oldest id.
 */
import { DEFAULT_EVENT_BUFFER_SIZE, EventHub } from '../src/gateway/alerts/event-hub.ts';

const json = process.argv.includes('--json');
const size = Number(process.argv.find((a) => a.startsWith('--size='))?.slice(7) ?? DEFAULT_EVENT_BUFFER_SIZE);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:event-buffer)');

function order(i: number) {
  const at = new Date(1_765_000_000_000 + i * 1000).toISOString();
  return {
    id: `7d1f0c2e-4b0a-4c1e-9f5e-${String(i).padStart(12, '0')}`,
    client_order_id: `bot-${i}`,
    created_at: at,
    updated_at: at,
    submitted_at: at,
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
    qty: String(10 + (i % 90)),
    filled_qty: '0',
    filled_avg_price: null,
    order_class: 'bracket',
    order_type: 'limit',
    type: 'limit',
    side: 'buy',
    time_in_force: 'day',
    limit_price: (100 + (i % 50) / 100).toFixed(2),
    stop_price: null,
    status: 'accepted',
    extended_hours: false,
    legs: null,
    trail_percent: null,
    trail_price: null,
    hwm: null,
    position_intent: 'buy_to_open',
  };
}

function decision(i: number) {
  return {
    clientOrderId: `bot-${i}`,
    symbol: 'MSFT',
    decision: {
      kind: 'deny',
      violations: [
        {
          code: 'SYMBOL_EXPOSURE_EXCEEDED',
          ruleId: 'symbol-exposure',
          message: `SYMBOL_EXPOSURE_EXCEEDED: symbol=MSFT exposure=${6000 + i}.00 limit=5500.00`,
          values: { symbol: 'MSFT', exposure: 6000 + i, limit: 5500 },
        },
        {
          code: 'MAX_NOTIONAL_EXCEEDED',
          ruleId: 'max-notional',
          message: `MAX_NOTIONAL_EXCEEDED: notional=${60000 + i}.00 limit=50000.00`,
          values: { notional: 60000 + i, limit: 50000 },
        },
      ],
    },
  };
}

function fill(i: number) {
  return {
    fill: {
      orderId: `o-${i}`,
      symbol: 'AAPL',
      side: 'buy',
      qty: 10,
      price: 100.01 + i / 1000,
      at: 1_765_000_000_000 + i,
    },
    position: {
      symbol: 'AAPL',
      qty: 10 + i,
      avgEntryPrice: 100.01,
      stop: 95.01,
      openedAt: 1_765_000_000_000,
    },
  };
}

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const base = heap();
const hub = new EventHub(size);
for (let i = 0; i < size; i++) {
  const kind = i % 5;
  if (kind < 2) hub.publish('order', { event: 'accepted', order: order(i) });
  else if (kind < 4) hub.publish('decision', decision(i));
  else hub.publish('fill', fill(i));
}
const filled = heap();
const first = hub.lastId - size + 1;
const replay = hub.since(first - 1);
let bytes = 0;
const started = process.hrtime.bigint();
if (replay.kind === 'events') {
  for (const e of replay.events) {
    const text = `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ at: e.at, data: e.data })}\n\n`;
    bytes += text.length;
  }
}
const replayMs = Number(process.hrtime.bigint() - started) / 1e6;
// The hub stays reachable until here, so the GC above could not collect it.
if (hub.lastId < first) throw new Error('buffer lost events');
const result = {
  events: size,
  heapBytesPerEvent: Math.round((filled - base) / size),
  heapMiB: +((filled - base) / 2 ** 20).toFixed(1),
  frameBytesPerEvent: Math.round(bytes / size),
  replayAllMs: +replayMs.toFixed(1),
};
if (json) console.log(JSON.stringify(result));
else {
  console.log(`event buffer of ${result.events} events (order 40%, decision 40%, fill 20%)`);
  console.log(`  heap held:              ${result.heapMiB} MiB (${result.heapBytesPerEvent} B per event)`);
  console.log(
    `  framing a full replay:  ${result.replayAllMs} ms (${result.frameBytesPerEvent} B of text per event)`,
  );
}
