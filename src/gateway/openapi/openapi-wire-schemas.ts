import { z } from 'zod';
import { wireAccountSchema, wirePositionSchema } from '../../broker/wire/account-wire.ts';
import { wireAssetSchema, wireClockSchema } from '../../broker/wire/market-wire.ts';
import { wireOptionContractSchema } from '../../broker/wire/option-wire.ts';
import { wireOrderSchema } from '../../broker/wire/order-wire.ts';
import type { Schema } from './openapi-bodies.ts';

/**
 * The Alpaca objects the gateway answers with, from the zod schemas the broker adapter reads
 * the broker's answers with: the gateway speaks the same wire, so one schema describes both.
 * The input side is taken (fields with defaults may be absent; null where the broker sends it),
 * and objects stay open: the broker adds fields over time.
 */
function wireSchema(name: string, schema: z.ZodType, example: unknown): Schema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'throw',
  }) as Schema;
  // A recursive schema refers to itself as "#": here it is a component of the document.
  const text = JSON.stringify(rest).replaceAll('"$ref":"#"', `"$ref":"#/components/schemas/${name}"`);
  return { ...(JSON.parse(text) as Schema), example };
}

const ORDER_EXAMPLE = {
  id: '61e69015-8549-4bfd-b9c3-01e75843f47d',
  client_order_id: 'rg-5f1c2a',
  created_at: '2026-12-07T14:30:00.123456Z',
  updated_at: '2026-12-07T14:30:00.123456Z',
  submitted_at: '2026-12-07T14:30:00.123456Z',
  filled_at: null,
  symbol: 'AAPL',
  asset_class: 'us_equity',
  qty: '10',
  filled_qty: '0',
  filled_avg_price: null,
  order_class: '',
  order_type: 'limit',
  type: 'limit',
  side: 'buy',
  time_in_force: 'day',
  limit_price: '101.5',
  stop_price: null,
  status: 'new',
  extended_hours: false,
  legs: null,
};

/** Schemas under `components.schemas` made from the broker wire's zod schemas. */
export const WIRE_SCHEMAS: Readonly<Record<string, Schema>> = {
  Order: wireSchema('Order', wireOrderSchema, ORDER_EXAMPLE),
  Account: wireSchema('Account', wireAccountSchema, {
    id: '904837e3-3b76-47ec-b432-046db621571b',
    status: 'ACTIVE',
    currency: 'USD',
    cash: '100000',
    portfolio_value: '101250.5',
    equity: '101250.5',
    last_equity: '100000',
    buying_power: '200000',
    multiplier: '2',
    trading_blocked: false,
    account_blocked: false,
  }),
  Position: wireSchema('Position', wirePositionSchema, {
    symbol: 'AAPL',
    asset_class: 'us_equity',
    avg_entry_price: '100.02',
    qty: '10',
    side: 'long',
    market_value: '1012.5',
    current_price: '101.25',
    unrealized_pl: '12.3',
  }),
  Asset: wireSchema('Asset', wireAssetSchema, {
    id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
    class: 'us_equity',
    exchange: 'NASDAQ',
    symbol: 'AAPL',
    name: 'Apple Inc.',
    status: 'active',
    tradable: true,
    marginable: true,
    shortable: true,
    fractionable: true,
  }),
  OptionContract: wireSchema('OptionContract', wireOptionContractSchema, {
    id: '6e58f870-fe73-4583-81e4-b9a37892c36f',
    symbol: 'AAPL261218C00150000',
    name: 'AAPL Dec 18 2026 150 Call',
    status: 'active',
    tradable: true,
    expiration_date: '2026-12-18',
    root_symbol: 'AAPL',
    underlying_symbol: 'AAPL',
    type: 'call',
    style: 'american',
    strike_price: '150',
    multiplier: '100',
    size: '100',
  }),
  Clock: wireSchema('Clock', wireClockSchema, {
    timestamp: '2026-12-07T09:30:00-05:00',
    is_open: true,
    next_open: '2026-12-08T09:30:00-05:00',
    next_close: '2026-12-07T16:00:00-05:00',
  }),
};
