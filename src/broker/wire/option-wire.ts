import { z } from 'zod';
import { wireDecimal, wireDecimalOrNull } from './decimal.ts';
import { wireQuoteSchema } from './market-wire.ts';

/** One contract of `GET /v2/options/contracts` (decimals as strings, as the broker sends them). */
export const wireOptionContractSchema = z.object({
  id: z.string(),
  symbol: z.string(),
  name: z.string(),
  status: z.enum(['active', 'inactive']),
  tradable: z.boolean(),
  expiration_date: z.string(),
  root_symbol: z.string(),
  underlying_symbol: z.string(),
  underlying_asset_id: z.string().nullish(),
  type: z.enum(['call', 'put']),
  style: z.enum(['american', 'european']),
  strike_price: wireDecimal,
  multiplier: wireDecimal,
  size: wireDecimal,
  open_interest: wireDecimalOrNull,
  open_interest_date: z.string().nullish(),
  close_price: wireDecimalOrNull,
  close_price_date: z.string().nullish(),
});

/** An option contract on the wire. */
export type WireOptionContract = z.infer<typeof wireOptionContractSchema>;

/** `GET /v2/options/contracts`. */
export const wireOptionContractsSchema = z.object({
  option_contracts: z.array(wireOptionContractSchema),
  next_page_token: z.string().nullish(),
});

/** An option quote: as a stock quote, but the condition `c` is one string, not a list. */
export const wireOptionQuoteSchema = wireQuoteSchema.extend({
  c: z.union([z.string(), z.array(z.string())]).optional(),
});

/** `GET /v1beta1/options/quotes/latest?symbols=`, keyed by OCC symbol. */
export const wireOptionQuotesSchema = z.object({ quotes: z.record(z.string(), wireOptionQuoteSchema) });
