import { z } from 'zod';
import { newClientOrderId } from '../../broker/client-order-id.ts';
import type { OrderClass } from '../../broker/order-types.ts';
import {
  ORDER_TYPES,
  type OrderInput,
  type OrderIntent,
  parseOrderIntent,
  TIMES_IN_FORCE,
} from '../../core/order.ts';
import { type FieldIssue, optionalField, readWireObject, requiredField } from './wire-object.ts';
import {
  boolean,
  clientOrderId,
  type JsonSchema,
  oneOf,
  POSITIVE_DECIMAL_EXPECTED,
  positiveDecimal,
  symbol,
  unsupported,
  type WireValue,
} from './wire-values.ts';

export type { FieldIssue } from './wire-object.ts';

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

/** Sides: the broker's two words plus the aliases riskgate has always accepted. */
const readSide = oneOf(['buy', 'sell', 'long', 'short'] as const);

/** `oco` and `mleg` exist at the broker but cannot pass riskgate (see the expected text). */
function readOrderClass(value: unknown): WireValue<OrderClass | undefined> {
  if (value === '' || value === 'simple') return { ok: true, value: undefined };
  if (value === 'bracket' || value === 'oto') return { ok: true, value };
  if (value === 'mleg') {
    return {
      ok: false,
      problem: 'multi-leg (mleg) option orders are not supported through riskgate: single-leg orders only',
      expected: 'one order per leg, each with its own OCC symbol, checked against the Greeks limits',
    };
  }
  return {
    ok: false,
    problem: `got ${JSON.stringify(value)}`,
    expected: 'simple, "", bracket or oto (oco and mleg are not supported through riskgate)',
  };
}
readOrderClass.accepts = {
  type: 'string',
  enum: ['simple', '', 'bracket', 'oto'],
  description:
    'bracket needs take_profit and stop_loss; take_profit or stop_loss make an order a bracket or OTO whatever this says (oco and mleg are not supported)',
} as JsonSchema;

const positionIntents = ['buy_to_open', 'buy_to_close', 'sell_to_open', 'sell_to_close'] as const;

/** The fields of an order body; the OpenAPI document lists the same. */
export const ORDER_FIELDS = [
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
] as const;

const dollars = optionalField(positiveDecimal, { description: 'dollars' });

/**
 * The `POST /v2/orders` (and `POST /v1/orders/check`) body: this schema reads it and, through
 * `z.toJSONSchema`, documents it.
 */
export const orderBody = z
  .strictObject({
    symbol: requiredField(symbol, 'a ticker such as AAPL', {
      description: 'a ticker such as AAPL, or an OCC option symbol',
    }),
    qty: requiredField(positiveDecimal, POSITIVE_DECIMAL_EXPECTED, {
      description: 'shares (contracts for options)',
    }),
    notional: optionalField(unsupported('send qty instead: riskgate checks limits on share quantities')),
    side: requiredField(readSide, 'one of buy, sell, long, short', {
      description: 'long reads as buy, short as sell',
    }),
    type: optionalField(oneOf(ORDER_TYPES), { description: 'default market' }),
    time_in_force: optionalField(oneOf(TIMES_IN_FORCE), { description: 'default day' }),
    limit_price: dollars,
    stop_price: dollars,
    trail_price: dollars,
    trail_percent: optionalField(positiveDecimal, { description: 'percent' }),
    extended_hours: optionalField(boolean),
    client_order_id: optionalField(clientOrderId),
    order_class: optionalField(readOrderClass),
    take_profit: z.strictObject({ limit_price: dollars }).nullish(),
    stop_loss: z.strictObject({ stop_price: dollars, limit_price: dollars }).nullish(),
    position_intent: optionalField(oneOf(positionIntents), { description: "must match the order's side" }),
    legs: optionalField(
      unsupported(
        'legs belong to mleg orders; riskgate takes single-leg orders only: send one order per leg',
      ),
    ),
    advanced_instructions: optionalField(unsupported('advanced routing is not supported through riskgate')),
    subtag: optionalField(unsupported('subtags are not supported through riskgate')),
  })
  .meta({
    description:
      'An Alpaca order, read strictly: unknown fields are refused, and null counts as absent for an optional field.',
    example: { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market', time_in_force: 'day' },
  });

const newId = () => newClientOrderId('rg');

/**
 * Parses an Alpaca order body into an intent, reporting every problem with its wire field name,
 * what was wrong and what was expected. Values are read strictly (see `wire-values.ts`): decimal
 * strings or JSON numbers, enums and symbols exactly as the broker accepts them, unknown fields
 * refused. `take_profit`/`stop_loss` are honoured whatever `order_class` says: the broker would
 * drop legs sent on a simple order silently, riskgate sends them as a bracket or OTO instead. A
 * body without a client order id gets a fresh one, or `placeholderId` when given (dry runs).
 */
export function parseOrderRequest(
  body: unknown,
  strategy: string | undefined,
  placeholderId?: string,
): ParsedOrderRequest {
  const read = readWireObject(orderBody, body, ORDER_FIELDS);
  if (!read.ok) return read;
  const b = read.value;
  const issues: FieldIssue[] = [];
  if (b.position_intent !== undefined && b.side !== undefined) {
    const buying = b.side === 'buy' || b.side === 'long';
    if (b.position_intent.startsWith('buy') !== buying) {
      issues.push({
        field: 'position_intent',
        problem: `${b.position_intent} on a ${b.side} order`,
        expected: `a position intent of the order's side (${buying ? 'buy_to_open or buy_to_close' : 'sell_to_open or sell_to_close'})`,
      });
    }
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
    takeProfit: b.take_profit?.limit_price,
    stopLoss: b.stop_loss?.stop_price,
    stopLossLimit: b.stop_loss?.limit_price,
    strategy,
    extendedHours: b.extended_hours === true ? true : undefined,
  };
  const parsed = parseOrderIntent(input, placeholderId === undefined ? newId : () => placeholderId);
  if (!parsed.ok) {
    for (const issue of parsed.issues)
      issues.push({ field: WIRE_NAMES[issue.path] ?? issue.path, expected: issue.message });
  }
  if (b.order_class === 'bracket' && (input.takeProfit === undefined || input.stopLoss === undefined)) {
    issues.push({
      field: 'take_profit.limit_price',
      expected: 'both take_profit.limit_price and stop_loss.stop_price on a bracket order',
    });
  }
  if (issues.length > 0 || !parsed.ok) return { ok: false, issues };
  return { ok: true, intent: parsed.value, orderClass: b.order_class };
}
