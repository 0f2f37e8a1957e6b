import { z } from 'zod';
import { wireDecimal, wireDecimalOrNull } from './decimal.ts';

export const wireSide = z.enum(['buy', 'sell']);
export const wireOrderType = z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']);
export const wireTimeInForce = z.enum(['day', 'gtc', 'opg', 'cls', 'ioc', 'fok']);
/** `""` is how the broker reports a simple order's class. */
export const wireOrderClass = z.enum(['simple', '', 'bracket', 'oco', 'oto', 'mleg']);
export const wireOrderStatus = z.enum([
  'new',
  'partially_filled',
  'filled',
  'done_for_day',
  'canceled',
  'expired',
  'replaced',
  'pending_cancel',
  'pending_replace',
  'accepted',
  'pending_new',
  'accepted_for_bidding',
  'stopped',
  'rejected',
  'suspended',
  'calculated',
  'held',
  'pending_review',
]);

const nullableString = z.string().nullish();

/** The Order object exactly as `/v2/orders` returns it (legs nest one level). */
export const wireOrderSchema = z.object({
  id: z.string(),
  client_order_id: z.string(),
  created_at: z.string(),
  updated_at: nullableString,
  submitted_at: nullableString,
  filled_at: nullableString,
  expired_at: nullableString,
  canceled_at: nullableString,
  failed_at: nullableString,
  replaced_at: nullableString,
  replaced_by: nullableString,
  replaces: nullableString,
  asset_id: nullableString,
  symbol: z.string(),
  asset_class: nullableString,
  notional: wireDecimalOrNull,
  qty: wireDecimalOrNull,
  filled_qty: wireDecimal,
  filled_avg_price: wireDecimalOrNull,
  order_class: wireOrderClass.nullish(),
  order_type: wireOrderType.nullish(),
  type: wireOrderType,
  side: wireSide,
  position_intent: nullableString,
  time_in_force: wireTimeInForce,
  limit_price: wireDecimalOrNull,
  stop_price: wireDecimalOrNull,
  status: wireOrderStatus,
  extended_hours: z.boolean().nullish(),
  trail_percent: wireDecimalOrNull,
  trail_price: wireDecimalOrNull,
  hwm: wireDecimalOrNull,
  expires_at: nullableString,
  source: nullableString,
  subtag: nullableString,
  get legs() {
    return z.array(wireOrderSchema).nullish();
  },
});

/** An Order on the wire. */
export type WireOrder = z.infer<typeof wireOrderSchema>;

/** The `POST /v2/orders` body. Decimals are strings when the adapter sends them. */
export const wireOrderRequestSchema = z.object({
  symbol: z.string().optional(),
  qty: wireDecimal.optional(),
  notional: wireDecimal.optional(),
  side: wireSide,
  type: wireOrderType,
  time_in_force: wireTimeInForce,
  limit_price: wireDecimal.optional(),
  stop_price: wireDecimal.optional(),
  trail_price: wireDecimal.optional(),
  trail_percent: wireDecimal.optional(),
  extended_hours: z.boolean().optional(),
  client_order_id: z.string().optional(),
  order_class: wireOrderClass.optional(),
  take_profit: z.object({ limit_price: wireDecimal.optional() }).optional(),
  stop_loss: z.object({ stop_price: wireDecimal.optional(), limit_price: wireDecimal.optional() }).optional(),
  position_intent: z.enum(['buy_to_open', 'buy_to_close', 'sell_to_open', 'sell_to_close']).optional(),
});

/** A `POST /v2/orders` body on the wire. */
export type WireOrderRequest = z.infer<typeof wireOrderRequestSchema>;

/** The `PATCH /v2/orders/{id}` body. */
export const wireReplaceRequestSchema = z.object({
  qty: wireDecimal.optional(),
  time_in_force: wireTimeInForce.optional(),
  limit_price: wireDecimal.optional(),
  stop_price: wireDecimal.optional(),
  trail: wireDecimal.optional(),
  client_order_id: z.string().optional(),
});

export type WireReplaceRequest = z.infer<typeof wireReplaceRequestSchema>;

/** One entry of the 207 answer of `DELETE /v2/orders`. */
export const wireCancelAllEntrySchema = z.object({ id: z.string(), status: z.number(), body: z.unknown() });
