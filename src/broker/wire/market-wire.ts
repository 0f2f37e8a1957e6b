import { z } from 'zod';
import { wireDecimalOrNull } from './decimal.ts';
import { wireOrderSchema } from './order-wire.ts';

/** `GET /v2/assets/{symbol}`. `easy_to_borrow` is deprecated and optional. */
export const wireAssetSchema = z.object({
  id: z.string(),
  class: z.string(),
  exchange: z.string(),
  symbol: z.string(),
  name: z.string().nullish(),
  status: z.enum(['active', 'inactive']),
  tradable: z.boolean(),
  marginable: z.boolean(),
  shortable: z.boolean(),
  easy_to_borrow: z.boolean().optional(),
  borrow_status: z.string().nullish(),
  fractionable: z.boolean(),
  attributes: z.array(z.string()).nullish(),
  margin_requirement_long: wireDecimalOrNull,
  margin_requirement_short: wireDecimalOrNull,
});

/** An asset on the wire. */
export type WireAsset = z.infer<typeof wireAssetSchema>;

/** `GET /v2/clock`. */
export const wireClockSchema = z.object({
  timestamp: z.string(),
  is_open: z.boolean(),
  next_open: z.string(),
  next_close: z.string(),
});

/** The market clock on the wire. */
export type WireClock = z.infer<typeof wireClockSchema>;

/** A market-data quote: numbers here, not strings. */
export const wireQuoteSchema = z.object({
  ap: z.number(),
  as: z.number(),
  ax: z.string().optional(),
  bp: z.number(),
  bs: z.number(),
  bx: z.string().optional(),
  c: z.array(z.string()).optional(),
  t: z.string(),
  z: z.string().optional(),
});

/** A market-data quote on the wire. */
export type WireQuote = z.infer<typeof wireQuoteSchema>;

/** `GET /v2/stocks/quotes/latest?symbols=`. */
export const wireLatestQuotesSchema = z.object({ quotes: z.record(z.string(), wireQuoteSchema) });

/** `GET /v2/stocks/{symbol}/quotes/latest`. */
export const wireLatestQuoteSchema = z.object({ symbol: z.string(), quote: wireQuoteSchema });

/** A `trade_updates` event payload. */
export const wireTradeUpdateSchema = z.object({
  event: z.string(),
  execution_id: z.string().nullish(),
  order: wireOrderSchema,
  timestamp: z.string().nullish(),
  price: wireDecimalOrNull,
  qty: wireDecimalOrNull,
  position_qty: wireDecimalOrNull,
});

/** A `trade_updates` event payload on the wire. */
export type WireTradeUpdate = z.infer<typeof wireTradeUpdateSchema>;
