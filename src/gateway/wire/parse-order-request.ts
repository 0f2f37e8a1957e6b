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
import {
  type FieldIssue,
  optionalField,
  readWireObject,
  requiredField,
  type WireRead,
} from './wire-object.ts';
import {
  boolean,
  clientOrderId,
  type JsonSchema,
  oneOf,
  POSITIVE_DECIMAL_EXPECTED,
  positiveDecimal,
  symbol,
  unsupported,
  type WireReader,
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

const readOrderType = oneOf(ORDER_TYPES);
const readTimeInForce = oneOf(TIMES_IN_FORCE);
const readPositionIntent = oneOf(positionIntents);

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
    type: optionalField(readOrderType, { description: 'default market' }),
    time_in_force: optionalField(readTimeInForce, { description: 'default day' }),
    limit_price: dollars,
    stop_price: dollars,
    trail_price: dollars,
    trail_percent: optionalField(positiveDecimal, { description: 'percent' }),
    extended_hours: optionalField(boolean),
    client_order_id: optionalField(clientOrderId),
    order_class: optionalField(readOrderClass),
    take_profit: z.strictObject({ limit_price: dollars }).nullish(),
    stop_loss: z.strictObject({ stop_price: dollars, limit_price: dollars }).nullish(),
    position_intent: optionalField(readPositionIntent, { description: "must match the order's side" }),
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

/** What {@link orderBody} reads a body into. */
export type OrderBody = z.output<typeof orderBody>;

/** The field's value, or {@link REFUSED} when the reader refused it. */
const REFUSED = Symbol('refused');

function readOptional<T>(read: WireReader<T>, value: unknown): T | undefined | typeof REFUSED {
  if (value === undefined || value === null) return undefined;
  const r = read(value);
  return r.ok ? r.value : REFUSED;
}

function readRequired<T>(read: WireReader<T>, value: unknown): T | typeof REFUSED {
  if (value === undefined || value === null) return REFUSED;
  const r = read(value);
  return r.ok ? r.value : REFUSED;
}

/** A plain JSON object (what `z.strictObject` takes), or undefined. */
function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * {@link orderBody} read without zod, for the request path: the same field readers, each run
 * once. It only ever answers what the schema would; any body it is not sure of (an unknown
 * field, a refused value, a shape it does not expect) is undefined, and then the schema reads
 * it and names every problem. A test holds the two to the same answers.
 */
export function readOrderBodyFast(body: unknown): OrderBody | undefined {
  const b = objectOf(body);
  if (b === undefined) return undefined;
  let symbolValue: string | typeof REFUSED = REFUSED;
  let qty: number | typeof REFUSED = REFUSED;
  let side: (typeof readSide extends WireReader<infer T> ? T : never) | typeof REFUSED = REFUSED;
  let type: OrderBody['type'];
  let timeInForce: OrderBody['time_in_force'];
  let limitPrice: number | undefined;
  let stopPrice: number | undefined;
  let trailPrice: number | undefined;
  let trailPercent: number | undefined;
  let extendedHours: boolean | undefined;
  let clientOrderIdValue: string | undefined;
  let orderClass: OrderClass | undefined;
  let takeProfit: OrderBody['take_profit'];
  let stopLoss: OrderBody['stop_loss'];
  let positionIntent: OrderBody['position_intent'];
  for (const key in b) {
    const value = b[key];
    switch (key) {
      case 'symbol':
        symbolValue = readRequired(symbol, value);
        if (symbolValue === REFUSED) return undefined;
        break;
      case 'qty':
        qty = readRequired(positiveDecimal, value);
        if (qty === REFUSED) return undefined;
        break;
      case 'side':
        side = readRequired(readSide, value);
        if (side === REFUSED) return undefined;
        break;
      case 'type': {
        const v = readOptional(readOrderType, value);
        if (v === REFUSED) return undefined;
        type = v;
        break;
      }
      case 'time_in_force': {
        const v = readOptional(readTimeInForce, value);
        if (v === REFUSED) return undefined;
        timeInForce = v;
        break;
      }
      case 'limit_price':
      case 'stop_price':
      case 'trail_price':
      case 'trail_percent': {
        const v = readOptional(positiveDecimal, value);
        if (v === REFUSED) return undefined;
        if (key === 'limit_price') limitPrice = v;
        else if (key === 'stop_price') stopPrice = v;
        else if (key === 'trail_price') trailPrice = v;
        else trailPercent = v;
        break;
      }
      case 'extended_hours': {
        const v = readOptional(boolean, value);
        if (v === REFUSED) return undefined;
        extendedHours = v;
        break;
      }
      case 'client_order_id': {
        const v = readOptional(clientOrderId, value);
        if (v === REFUSED) return undefined;
        clientOrderIdValue = v;
        break;
      }
      case 'order_class': {
        if (value === undefined || value === null) break;
        const r = readOrderClass(value);
        if (!r.ok) return undefined;
        orderClass = r.value;
        break;
      }
      case 'take_profit': {
        if (value === undefined || value === null) {
          takeProfit = value;
          break;
        }
        const leg = objectOf(value);
        if (leg === undefined) return undefined;
        let limit: number | undefined;
        for (const legKey in leg) {
          if (legKey !== 'limit_price') return undefined;
          const v = readOptional(positiveDecimal, leg[legKey]);
          if (v === REFUSED) return undefined;
          limit = v;
        }
        takeProfit = { limit_price: limit };
        break;
      }
      case 'stop_loss': {
        if (value === undefined || value === null) {
          stopLoss = value;
          break;
        }
        const leg = objectOf(value);
        if (leg === undefined) return undefined;
        let stop: number | undefined;
        let limit: number | undefined;
        for (const legKey in leg) {
          if (legKey !== 'stop_price' && legKey !== 'limit_price') return undefined;
          const v = readOptional(positiveDecimal, leg[legKey]);
          if (v === REFUSED) return undefined;
          if (legKey === 'stop_price') stop = v;
          else limit = v;
        }
        stopLoss = { stop_price: stop, limit_price: limit };
        break;
      }
      case 'position_intent': {
        const v = readOptional(readPositionIntent, value);
        if (v === REFUSED) return undefined;
        positionIntent = v;
        break;
      }
      // Fields riskgate recognises but cannot honour: absent or null only.
      case 'notional':
      case 'legs':
      case 'advanced_instructions':
      case 'subtag':
        if (value !== undefined && value !== null) return undefined;
        break;
      default:
        return undefined;
    }
  }
  if (symbolValue === REFUSED || qty === REFUSED || side === REFUSED) return undefined;
  return {
    symbol: symbolValue,
    qty,
    notional: undefined,
    side,
    type,
    time_in_force: timeInForce,
    limit_price: limitPrice,
    stop_price: stopPrice,
    trail_price: trailPrice,
    trail_percent: trailPercent,
    extended_hours: extendedHours,
    client_order_id: clientOrderIdValue,
    order_class: orderClass,
    take_profit: takeProfit,
    stop_loss: stopLoss,
    position_intent: positionIntent,
    legs: undefined,
    advanced_instructions: undefined,
    subtag: undefined,
  };
}

/** The body read by {@link readOrderBodyFast} when it can, else by the schema (which names every problem). */
export function readOrderBody(body: unknown): WireRead<OrderBody> {
  const fast = readOrderBodyFast(body);
  return fast !== undefined ? { ok: true, value: fast } : readWireObject(orderBody, body, ORDER_FIELDS);
}

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
  const read = readOrderBody(body);
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
