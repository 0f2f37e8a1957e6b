import { z } from 'zod';
import type { OrderType, TimeInForce } from '../../core/order.ts';
import { TIMES_IN_FORCE } from '../../core/order.ts';
import { type FieldIssue, optionalField, readWireObject, type WireRead } from './wire-object.ts';
import { clientOrderId, oneOf, positiveDecimal } from './wire-values.ts';

/** The fields the broker lets a `PATCH /v2/orders/{id}` change, exactly. */
export const REPLACE_FIELDS = [
  'qty',
  'time_in_force',
  'limit_price',
  'stop_price',
  'trail',
  'client_order_id',
] as const;

/** A `PATCH /v2/orders/{id}` body in domain units; absent fields keep the order's value. */
export interface ReplaceChanges {
  /** New quantity in shares. */
  readonly qty?: number;
  readonly timeInForce?: TimeInForce;
  /** New limit price in dollars. */
  readonly limitPrice?: number;
  /** New stop price in dollars. */
  readonly stopPrice?: number;
  /** New trail of a trailing stop: dollars or percent, as the order was placed. */
  readonly trail?: number;
  readonly clientOrderId?: string;
}

/** The `PATCH /v2/orders/{id}` body: this schema reads it and, through `z.toJSONSchema`, documents it. */
export const replaceBody = z
  .strictObject({
    qty: optionalField(positiveDecimal, { description: 'shares' }),
    time_in_force: optionalField(oneOf(TIMES_IN_FORCE)),
    limit_price: optionalField(positiveDecimal, { description: 'dollars; limit and stop_limit orders only' }),
    stop_price: optionalField(positiveDecimal, { description: 'dollars; stop and stop_limit orders only' }),
    trail: optionalField(positiveDecimal, {
      description: 'trailing_stop orders only: dollars or percent, as the order was placed',
    }),
    client_order_id: optionalField(clientOrderId),
  })
  .meta({
    description:
      'Only the fields the broker lets a replacement change; at least one of qty, time_in_force, limit_price, stop_price, trail.',
    example: { limit_price: '101.5' },
  });

/**
 * Reads a `PATCH /v2/orders/{id}` body strictly: only the broker's replaceable fields, each in
 * the forms of `wire-values.ts`; unknown fields and a body that changes nothing are refused.
 */
export function parseReplaceRequest(body: unknown): WireRead<ReplaceChanges> {
  const read = readWireObject(replaceBody, body, REPLACE_FIELDS);
  if (!read.ok) return read;
  const b = read.value;
  const changes: ReplaceChanges = {
    ...(b.qty !== undefined ? { qty: b.qty } : {}),
    ...(b.time_in_force !== undefined ? { timeInForce: b.time_in_force } : {}),
    ...(b.limit_price !== undefined ? { limitPrice: b.limit_price } : {}),
    ...(b.stop_price !== undefined ? { stopPrice: b.stop_price } : {}),
    ...(b.trail !== undefined ? { trail: b.trail } : {}),
    ...(b.client_order_id !== undefined ? { clientOrderId: b.client_order_id } : {}),
  };
  const { clientOrderId: _id, ...substantive } = changes;
  if (Object.keys(substantive).length === 0) {
    return {
      ok: false,
      issues: [
        {
          field: '(body)',
          problem: 'nothing to change',
          expected: 'at least one of qty, time_in_force, limit_price, stop_price, trail',
        },
      ],
    };
  }
  return { ok: true, value: changes };
}

/** What a working order offers a replacement to change. */
export interface ReplaceableOrder {
  readonly type: OrderType;
  readonly orderClass?: string;
}

/**
 * Checks the changes against the order they replace: a price the order type does not carry, or
 * a trail on an order that does not trail, is refused rather than dropped.
 */
export function checkReplaceFits(changes: ReplaceChanges, order: ReplaceableOrder): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const has = (types: readonly OrderType[]) => types.includes(order.type);
  if (changes.limitPrice !== undefined && !has(['limit', 'stop_limit'])) {
    issues.push({
      field: 'limit_price',
      problem: `the order is a ${order.type} order`,
      expected: 'limit_price only on limit and stop_limit orders',
    });
  }
  if (changes.stopPrice !== undefined && !has(['stop', 'stop_limit'])) {
    issues.push({
      field: 'stop_price',
      problem: `the order is a ${order.type} order`,
      expected: 'stop_price only on stop and stop_limit orders',
    });
  }
  if (changes.trail !== undefined && order.type !== 'trailing_stop') {
    issues.push({
      field: 'trail',
      problem: `the order is a ${order.type} order`,
      expected: 'trail only on trailing_stop orders',
    });
  }
  if (
    changes.timeInForce !== undefined &&
    order.type === 'trailing_stop' &&
    changes.timeInForce !== 'day' &&
    changes.timeInForce !== 'gtc'
  ) {
    issues.push({
      field: 'time_in_force',
      problem: `got ${changes.timeInForce} for a trailing_stop order`,
      expected: 'day or gtc on a trailing_stop order',
    });
  }
  return issues;
}
