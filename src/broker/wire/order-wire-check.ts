import type { WireTradeUpdate } from './market-wire.ts';
import {
  type WireOrder,
  wireOrderClass,
  wireOrderStatus,
  wireOrderType,
  wireSide,
  wireTimeInForce,
} from './order-wire.ts';

/**
 * The broker's orders checked field by field, in place: the same verdict as `wireOrderSchema`
 * (and `wireTradeUpdateSchema`), without building a copy of every order and leg. Orders are the
 * broker answers read on every submission (the POST reply, the nested read of its legs, each
 * trade update), so the copy was most of what the gateway allocated per order. The zod schemas
 * stay the reference (the OpenAPI document is built from them); a property test holds the two
 * to the same verdict and the same reading. Unknown fields are left where they are: nothing
 * reads them.
 */

/** A broker answer that does not have the expected shape: where, what was expected, what came. */
export class WireShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`${path}: expected ${expected}; got ${describeValue(got)}`);
    this.name = 'WireShapeError';
  }
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Values an enumerated field may take, and how a refusal words them. */
interface Choice {
  readonly values: ReadonlySet<unknown>;
  readonly expected: string;
}

function choice(values: readonly string[], optional: boolean): Choice {
  const listed = values.map((v) => (v === '' ? '""' : v)).join(', ');
  return { values: new Set(values), expected: `one of ${listed}${optional ? ', or null' : ''}` };
}

// The values are the zod enums' own, so the two checks cannot drift apart.
const SIDES = choice(wireSide.options, false);
const TYPES = choice(wireOrderType.options, false);
const OPTIONAL_TYPES = choice(wireOrderType.options, true);
const TIMES_IN_FORCE = choice(wireTimeInForce.options, false);
const CLASSES = choice(wireOrderClass.options, true);
const STATUSES = choice(wireOrderStatus.options, false);

const A_STRING = 'a string';
const A_STRING_OR_NULL = 'a string, or null';
const A_DECIMAL = 'a decimal string or a finite number';
const A_DECIMAL_OR_NULL = 'a decimal string or a finite number, or null';
const A_BOOLEAN_OR_NULL = 'true or false, or null';

/**
 * The Order object's fields as `wireOrderSchema` declares them, each read by name: the objects
 * JSON.parse builds from one broker share a shape, so every read here stays a fast
 * monomorphic load (a loop over field names would make each one a keyed lookup).
 */
function checkOrderFields(o: Record<string, unknown>, prefix: string): void {
  let v: unknown;
  v = o.id;
  if (typeof v !== 'string') throw new WireShapeError(`${prefix}id`, A_STRING, v);
  v = o.client_order_id;
  if (typeof v !== 'string') throw new WireShapeError(`${prefix}client_order_id`, A_STRING, v);
  v = o.created_at;
  if (typeof v !== 'string') throw new WireShapeError(`${prefix}created_at`, A_STRING, v);
  v = o.updated_at;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}updated_at`, A_STRING_OR_NULL, v);
  v = o.submitted_at;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}submitted_at`, A_STRING_OR_NULL, v);
  v = o.filled_at;
  if (v != null && typeof v !== 'string') throw new WireShapeError(`${prefix}filled_at`, A_STRING_OR_NULL, v);
  v = o.expired_at;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}expired_at`, A_STRING_OR_NULL, v);
  v = o.canceled_at;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}canceled_at`, A_STRING_OR_NULL, v);
  v = o.failed_at;
  if (v != null && typeof v !== 'string') throw new WireShapeError(`${prefix}failed_at`, A_STRING_OR_NULL, v);
  v = o.replaced_at;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}replaced_at`, A_STRING_OR_NULL, v);
  v = o.replaced_by;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}replaced_by`, A_STRING_OR_NULL, v);
  v = o.replaces;
  if (v != null && typeof v !== 'string') throw new WireShapeError(`${prefix}replaces`, A_STRING_OR_NULL, v);
  v = o.asset_id;
  if (v != null && typeof v !== 'string') throw new WireShapeError(`${prefix}asset_id`, A_STRING_OR_NULL, v);
  v = o.symbol;
  if (typeof v !== 'string') throw new WireShapeError(`${prefix}symbol`, A_STRING, v);
  v = o.asset_class;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}asset_class`, A_STRING_OR_NULL, v);
  v = o.notional;
  if (v != null && !isDecimal(v)) throw new WireShapeError(`${prefix}notional`, A_DECIMAL_OR_NULL, v);
  v = o.qty;
  if (v != null && !isDecimal(v)) throw new WireShapeError(`${prefix}qty`, A_DECIMAL_OR_NULL, v);
  v = o.filled_qty;
  if (!isDecimal(v)) throw new WireShapeError(`${prefix}filled_qty`, A_DECIMAL, v);
  v = o.filled_avg_price;
  if (v != null && !isDecimal(v)) throw new WireShapeError(`${prefix}filled_avg_price`, A_DECIMAL_OR_NULL, v);
  v = o.order_class;
  if (v != null && !CLASSES.values.has(v as string))
    throw new WireShapeError(`${prefix}order_class`, CLASSES.expected, v);
  v = o.order_type;
  if (v != null && !OPTIONAL_TYPES.values.has(v as string))
    throw new WireShapeError(`${prefix}order_type`, OPTIONAL_TYPES.expected, v);
  v = o.type;
  if (!TYPES.values.has(v as string)) throw new WireShapeError(`${prefix}type`, TYPES.expected, v);
  v = o.side;
  if (!SIDES.values.has(v as string)) throw new WireShapeError(`${prefix}side`, SIDES.expected, v);
  v = o.position_intent;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}position_intent`, A_STRING_OR_NULL, v);
  v = o.time_in_force;
  if (!TIMES_IN_FORCE.values.has(v as string))
    throw new WireShapeError(`${prefix}time_in_force`, TIMES_IN_FORCE.expected, v);
  v = o.limit_price;
  if (v != null && !isDecimal(v)) throw new WireShapeError(`${prefix}limit_price`, A_DECIMAL_OR_NULL, v);
  v = o.stop_price;
  if (v != null && !isDecimal(v)) throw new WireShapeError(`${prefix}stop_price`, A_DECIMAL_OR_NULL, v);
  v = o.status;
  if (!STATUSES.values.has(v as string)) throw new WireShapeError(`${prefix}status`, STATUSES.expected, v);
  v = o.extended_hours;
  if (v != null && typeof v !== 'boolean')
    throw new WireShapeError(`${prefix}extended_hours`, A_BOOLEAN_OR_NULL, v);
  v = o.trail_percent;
  if (v != null && !isDecimal(v)) throw new WireShapeError(`${prefix}trail_percent`, A_DECIMAL_OR_NULL, v);
  v = o.trail_price;
  if (v != null && !isDecimal(v)) throw new WireShapeError(`${prefix}trail_price`, A_DECIMAL_OR_NULL, v);
  v = o.hwm;
  if (v != null && !isDecimal(v)) throw new WireShapeError(`${prefix}hwm`, A_DECIMAL_OR_NULL, v);
  v = o.expires_at;
  if (v != null && typeof v !== 'string')
    throw new WireShapeError(`${prefix}expires_at`, A_STRING_OR_NULL, v);
  v = o.source;
  if (v != null && typeof v !== 'string') throw new WireShapeError(`${prefix}source`, A_STRING_OR_NULL, v);
  v = o.subtag;
  if (v != null && typeof v !== 'string') throw new WireShapeError(`${prefix}subtag`, A_STRING_OR_NULL, v);
}

/** A trade update's fields (`order` apart), as `wireTradeUpdateSchema` declares them. */
function checkTradeUpdateFields(u: Record<string, unknown>): void {
  let v: unknown;
  v = u.event;
  if (typeof v !== 'string') throw new WireShapeError('event', A_STRING, v);
  v = u.execution_id;
  if (v != null && typeof v !== 'string') throw new WireShapeError('execution_id', A_STRING_OR_NULL, v);
  v = u.timestamp;
  if (v != null && typeof v !== 'string') throw new WireShapeError('timestamp', A_STRING_OR_NULL, v);
  v = u.price;
  if (v != null && !isDecimal(v)) throw new WireShapeError('price', A_DECIMAL_OR_NULL, v);
  v = u.qty;
  if (v != null && !isDecimal(v)) throw new WireShapeError('qty', A_DECIMAL_OR_NULL, v);
  v = u.position_qty;
  if (v != null && !isDecimal(v)) throw new WireShapeError('position_qty', A_DECIMAL_OR_NULL, v);
}

/** Checks a broker order (and its legs) in place; throws a {@link WireShapeError} naming the field. */
export function checkWireOrder(value: unknown): WireOrder {
  return checkOrderAt(value, 'order', '');
}

/** Checks a list of broker orders in place (`GET /v2/orders`). */
export function checkWireOrders(value: unknown): WireOrder[] {
  if (!Array.isArray(value)) throw new WireShapeError('orders', 'an array', value);
  for (let i = 0; i < value.length; i++) checkOrderAt(value[i], `[${i}]`, `[${i}].`);
  return value as WireOrder[];
}

/** Checks a `trade_updates` payload in place, its order included. */
export function checkWireTradeUpdate(value: unknown): WireTradeUpdate {
  const update = objectAt(value, 'trade update');
  checkTradeUpdateFields(update);
  checkOrderAt(update.order, 'order', 'order.');
  return value as WireTradeUpdate;
}

/** The request pipeline's parser for an order answer. */
export const wireOrderParser = { parse: checkWireOrder };
/** The request pipeline's parser for a list of orders. */
export const wireOrderListParser = { parse: checkWireOrders };

function checkOrderAt(value: unknown, name: string, prefix: string): WireOrder {
  const order = objectAt(value, name);
  checkOrderFields(order, prefix);
  const legs = order.legs;
  if (legs !== null && legs !== undefined) {
    if (!Array.isArray(legs)) throw new WireShapeError(`${prefix}legs`, 'an array of orders, or null', legs);
    for (let i = 0; i < legs.length; i++) {
      checkOrderAt(legs[i], `${prefix}legs[${i}]`, `${prefix}legs[${i}].`);
    }
  }
  return order as unknown as WireOrder;
}

function objectAt(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WireShapeError(name, 'an object', value);
  }
  return value as Record<string, unknown>;
}

/** A decimal as the broker sends it: a plain decimal string, or a finite number. */
function isDecimal(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && DECIMAL.test(value);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}
