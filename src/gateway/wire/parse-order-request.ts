import { newClientOrderId } from '../../broker/client-order-id.ts';
import type { OrderClass } from '../../broker/order-types.ts';
import { type OrderInput, type OrderIntent, parseOrderIntent } from '../../core/order.ts';

/** One problem with a request body: the wire field, what was expected, and what came. */
export interface FieldIssue {
  readonly field: string;
  readonly expected: string;
}

/** A parsed `POST /v2/orders` body, or every problem with it. */
export type ParsedOrderRequest =
  | { readonly ok: true; readonly intent: OrderIntent; readonly orderClass: OrderClass | undefined }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

const WIRE_NAMES: Readonly<Record<string, string>> = {
  clientOrderId: 'client_order_id',
  timeInForce: 'time_in_force',
  limitPrice: 'limit_price',
  stopPrice: 'stop_price',
  trailPercent: 'trail_percent',
  trailPrice: 'trail_price',
  takeProfit: 'take_profit.limit_price',
  stopLoss: 'stop_loss.stop_price',
  stopLossLimit: 'stop_loss.limit_price',
  extendedHours: 'extended_hours',
};

const KNOWN_FIELDS = new Set([
  'symbol',
  'qty',
  'notional',
  'side',
  'type',
  'time_in_force',
  'limit_price',
  'stop_price',
  'trail_price',
  'trail_percent',
  'extended_hours',
  'client_order_id',
  'order_class',
  'take_profit',
  'stop_loss',
  'position_intent',
  'legs',
  'advanced_instructions',
  'subtag',
]);

const newId = () => newClientOrderId('rg');

function nested(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Parses an Alpaca order body into an intent, reporting every problem with its wire field name.
 * `take_profit`/`stop_loss` are honoured whatever `order_class` says: the broker would drop legs
 * sent on a simple order silently, riskgate sends them as a bracket or OTO instead. A body
 * without a client order id gets a fresh one, or `placeholderId` when given (dry runs).
 */
export function parseOrderRequest(
  body: unknown,
  strategy: string | undefined,
  placeholderId?: string,
): ParsedOrderRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ field: '(body)', expected: 'a JSON object' }] };
  }
  const b = body as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(b)) {
    if (!KNOWN_FIELDS.has(key)) issues.push({ field: key, expected: 'no such field in an Alpaca order' });
  }
  if (b.notional !== undefined && b.notional !== null) {
    issues.push({ field: 'notional', expected: 'qty instead: riskgate checks limits on share quantities' });
  }
  const orderClass = b.order_class;
  let resolvedClass: OrderClass | undefined;
  if (orderClass === undefined || orderClass === null || orderClass === '' || orderClass === 'simple') {
    resolvedClass = undefined;
  } else if (orderClass === 'bracket' || orderClass === 'oto') {
    resolvedClass = orderClass;
  } else {
    issues.push({
      field: 'order_class',
      expected: 'simple, bracket or oto (oco and mleg are not supported through riskgate)',
    });
  }
  if (b.extended_hours !== undefined && typeof b.extended_hours !== 'boolean') {
    issues.push({ field: 'extended_hours', expected: 'true or false' });
  }
  const input: OrderInput = {
    clientOrderId: b.client_order_id,
    symbol: b.symbol,
    side: b.side,
    qty: b.qty,
    type: b.type ?? 'market',
    timeInForce: b.time_in_force ?? 'day',
    limitPrice: b.limit_price,
    stopPrice: b.stop_price,
    trailPercent: b.trail_percent,
    trailPrice: b.trail_price,
    takeProfit: nested(b.take_profit, 'limit_price'),
    stopLoss: nested(b.stop_loss, 'stop_price'),
    stopLossLimit: nested(b.stop_loss, 'limit_price'),
    strategy,
    extendedHours: b.extended_hours === true ? true : undefined,
  };
  const parsed = parseOrderIntent(input, placeholderId === undefined ? newId : () => placeholderId);
  if (!parsed.ok) {
    for (const issue of parsed.issues)
      issues.push({ field: WIRE_NAMES[issue.path] ?? issue.path, expected: issue.message });
  }
  if (resolvedClass === 'bracket' && (input.takeProfit === undefined || input.stopLoss === undefined)) {
    issues.push({
      field: 'take_profit.limit_price',
      expected: 'both take_profit.limit_price and stop_loss.stop_price on a bracket order',
    });
  }
  if (issues.length > 0 || !parsed.ok) return { ok: false, issues };
  return { ok: true, intent: parsed.value, orderClass: resolvedClass };
}
