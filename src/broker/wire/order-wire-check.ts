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
  readonly optional: boolean;
  readonly expected: string;
}

function choice(values: readonly string[], optional: boolean): Choice {
  const listed = values.map((v) => (v === '' ? '""' : v)).join(', ');
  return { values: new Set(values), optional, expected: `one of ${listed}${optional ? ', or null' : ''}` };
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
 * monomorphic load (a loop over field names would make each one a keyed lookup). The checkers
 * below stay under V8's small-function size, so V8 inlines every one of them whatever its
 * budget; the refusal, and the field's path, are built out of line, only for a bad field.
 */
function checkOrderFields(o: Record<string, unknown>, prefix: string): void {
  text(o.id, prefix, 'id');
  text(o.client_order_id, prefix, 'client_order_id');
  text(o.created_at, prefix, 'created_at');
  optionalText(o.updated_at, prefix, 'updated_at');
  optionalText(o.submitted_at, prefix, 'submitted_at');
  optionalText(o.filled_at, prefix, 'filled_at');
  optionalText(o.expired_at, prefix, 'expired_at');
  optionalText(o.canceled_at, prefix, 'canceled_at');
  optionalText(o.failed_at, prefix, 'failed_at');
  optionalText(o.replaced_at, prefix, 'replaced_at');
  optionalText(o.replaced_by, prefix, 'replaced_by');
  optionalText(o.replaces, prefix, 'replaces');
  optionalText(o.asset_id, prefix, 'asset_id');
  text(o.symbol, prefix, 'symbol');
  optionalText(o.asset_class, prefix, 'asset_class');
  optionalDecimal(o.notional, prefix, 'notional');
  optionalDecimal(o.qty, prefix, 'qty');
  decimal(o.filled_qty, prefix, 'filled_qty');
  optionalDecimal(o.filled_avg_price, prefix, 'filled_avg_price');
  oneOf(CLASSES, o.order_class, prefix, 'order_class');
  oneOf(OPTIONAL_TYPES, o.order_type, prefix, 'order_type');
  oneOf(TYPES, o.type, prefix, 'type');
  oneOf(SIDES, o.side, prefix, 'side');
  optionalText(o.position_intent, prefix, 'position_intent');
  oneOf(TIMES_IN_FORCE, o.time_in_force, prefix, 'time_in_force');
  optionalDecimal(o.limit_price, prefix, 'limit_price');
  optionalDecimal(o.stop_price, prefix, 'stop_price');
  oneOf(STATUSES, o.status, prefix, 'status');
  optionalBoolean(o.extended_hours, prefix, 'extended_hours');
  optionalDecimal(o.trail_percent, prefix, 'trail_percent');
  optionalDecimal(o.trail_price, prefix, 'trail_price');
  optionalDecimal(o.hwm, prefix, 'hwm');
  optionalText(o.expires_at, prefix, 'expires_at');
  optionalText(o.source, prefix, 'source');
  optionalText(o.subtag, prefix, 'subtag');
}

/** A trade update's fields (`order` apart), as `wireTradeUpdateSchema` declares them. */
function checkTradeUpdateFields(u: Record<string, unknown>): void {
  text(u.event, '', 'event');
  optionalText(u.execution_id, '', 'execution_id');
  optionalText(u.timestamp, '', 'timestamp');
  optionalDecimal(u.price, '', 'price');
  optionalDecimal(u.qty, '', 'qty');
  optionalDecimal(u.position_qty, '', 'position_qty');
}

function text(v: unknown, prefix: string, field: string): void {
  if (typeof v !== 'string') refuse(prefix, field, A_STRING, v);
}

function optionalText(v: unknown, prefix: string, field: string): void {
  if (v != null && typeof v !== 'string') refuse(prefix, field, A_STRING_OR_NULL, v);
}

function decimal(v: unknown, prefix: string, field: string): void {
  if (!isDecimal(v)) refuse(prefix, field, A_DECIMAL, v);
}

function optionalDecimal(v: unknown, prefix: string, field: string): void {
  if (v != null && !isDecimal(v)) refuse(prefix, field, A_DECIMAL_OR_NULL, v);
}

function optionalBoolean(v: unknown, prefix: string, field: string): void {
  if (v != null && typeof v !== 'boolean') refuse(prefix, field, A_BOOLEAN_OR_NULL, v);
}

/** Throws the refusal of a field, its path built only now. */
function refuse(prefix: string, field: string, expected: string, got: unknown): never {
  throw new WireShapeError(prefix + field, expected, got);
}

/** One of the choice's values; null and absent pass when the choice is optional. */
function oneOf(choice: Choice, v: unknown, prefix: string, field: string): void {
  if (!(choice.optional && v == null) && !choice.values.has(v as string))
    refuse(prefix, field, choice.expected, v);
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
