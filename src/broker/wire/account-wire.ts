import { z } from 'zod';
import { wireDecimal, wireDecimalOrNull } from './decimal.ts';
import { wireOrderSchema } from './order-wire.ts';

/** `GET /v2/account`. The PDT fields were removed in 2026-07 and are optional. */
export const wireAccountSchema = z.object({
  id: z.string(),
  account_number: z.string().nullish(),
  status: z.string(),
  currency: z.string().default('USD'),
  cash: wireDecimal,
  portfolio_value: wireDecimalOrNull,
  equity: wireDecimal,
  last_equity: wireDecimalOrNull,
  buying_power: wireDecimal,
  regt_buying_power: wireDecimalOrNull,
  non_marginable_buying_power: wireDecimalOrNull,
  options_buying_power: wireDecimalOrNull,
  long_market_value: wireDecimalOrNull,
  short_market_value: wireDecimalOrNull,
  initial_margin: wireDecimalOrNull,
  maintenance_margin: wireDecimalOrNull,
  last_maintenance_margin: wireDecimalOrNull,
  sma: wireDecimalOrNull,
  multiplier: wireDecimal.default('1'),
  trading_blocked: z.boolean().default(false),
  account_blocked: z.boolean().default(false),
  transfers_blocked: z.boolean().nullish(),
  trade_suspended_by_user: z.boolean().nullish(),
  shorting_enabled: z.boolean().nullish(),
  created_at: z.string().nullish(),
  pattern_day_trader: z.boolean().optional(),
  daytrade_count: z.number().optional(),
  daytrading_buying_power: wireDecimal.optional(),
});

export type WireAccount = z.infer<typeof wireAccountSchema>;

/** `GET /v2/positions` entries. */
export const wirePositionSchema = z.object({
  asset_id: z.string().nullish(),
  symbol: z.string(),
  exchange: z.string().nullish(),
  asset_class: z.string().nullish(),
  asset_marginable: z.boolean().nullish(),
  avg_entry_price: wireDecimal,
  qty: wireDecimal,
  qty_available: wireDecimalOrNull,
  side: z.enum(['long', 'short']),
  market_value: wireDecimalOrNull,
  cost_basis: wireDecimalOrNull,
  unrealized_pl: wireDecimalOrNull,
  unrealized_plpc: wireDecimalOrNull,
  unrealized_intraday_pl: wireDecimalOrNull,
  unrealized_intraday_plpc: wireDecimalOrNull,
  current_price: wireDecimalOrNull,
  lastday_price: wireDecimalOrNull,
  change_today: wireDecimalOrNull,
});

export type WirePosition = z.infer<typeof wirePositionSchema>;

/** The error envelope: `{code, message, …extra}`; 429 bodies may be anything. */
export const wireErrorSchema = z.looseObject({
  code: z.number().optional(),
  message: z.string().optional(),
  available: wireDecimal.optional(),
  existing_qty: wireDecimal.optional(),
  held_for_orders: wireDecimal.optional(),
  related_orders: z.array(z.string()).optional(),
  existing_order_id: z.string().optional(),
  buying_power: wireDecimal.optional(),
  base_price: wireDecimal.optional(),
  symbol: z.string().optional(),
});

export type WireError = z.infer<typeof wireErrorSchema>;

/** One entry of the 207 answer of `DELETE /v2/positions`. */
export const wireClosePositionEntrySchema = z.object({
  symbol: z.string(),
  status: z.number(),
  body: z.union([wireOrderSchema, wireErrorSchema]).nullish(),
});
