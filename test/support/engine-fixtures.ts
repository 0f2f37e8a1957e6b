import { ManualClock } from '../../src/core/clock.ts';
import { parseProfile, type RiskProfile } from '../../src/core/config/load-profile.ts';
import type { ProfileInput } from '../../src/core/config/profile-schema.ts';
import { RiskEngine } from '../../src/core/engine.ts';
import type { RiskEngineOptions } from '../../src/core/engine-types.ts';
import { type Instrument, stock } from '../../src/core/instrument.ts';
import type { OrderIntent } from '../../src/core/order.ts';

/** 2024-03-15 10:00 New York, a Friday in regular hours. */
export const T0 = Date.UTC(2024, 2, 15, 14, 0);

/** A permissive base profile: every limit far away unless a test tightens it. */
export function profile(overrides: Partial<ProfileInput> = {}): RiskProfile {
  const input: ProfileInput = {
    startingEquity: 100_000,
    orders: { maxQuantity: 1_000_000, maxNotional: { usd: 1e12 } },
    ...overrides,
  };
  const parsed = parseProfile(input);
  if (!parsed.ok) throw new Error(`test profile invalid: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

export const INSTRUMENTS: Instrument[] = [
  stock('AAPL', 'Information Technology'),
  stock('MSFT', 'Information Technology'),
  stock('JPM', 'Financials'),
  stock('BAC', 'Financials'),
  stock('XOM', 'Energy'),
  stock('PENNY', 'Energy'),
  stock('MYST'),
  stock('HTB', 'Financials', { shortable: false }),
  stock('HALT', 'Energy', { tradable: false }),
];

/** An engine at T0 with prices marked for the test instruments. */
export function engineWith(
  overrides: Partial<ProfileInput> = {},
  options: Partial<RiskEngineOptions> = {},
  prices: Record<string, number> = {
    AAPL: 100,
    MSFT: 200,
    JPM: 50,
    BAC: 25,
    XOM: 80,
    PENNY: 0.5,
    MYST: 10,
    HTB: 20,
    HALT: 5,
  },
): { engine: RiskEngine; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const engine = new RiskEngine({ profile: profile(overrides), clock, instruments: INSTRUMENTS, ...options });
  for (const [symbol, price] of Object.entries(prices))
    engine.onMarket({ kind: 'mark', symbol, time: T0, price });
  return { engine, clock };
}

let seq = 0;
/** A market buy/sell with a unique client order id. */
export function order(
  symbol: string,
  side: 'buy' | 'sell',
  qty: number,
  extra: Partial<OrderIntent> = {},
): OrderIntent {
  seq++;
  return { clientOrderId: `t-${seq}`, symbol, side, qty, type: 'market', timeInForce: 'day', ...extra };
}

let exec = 0;
/** Fills an order at a price through the engine's onFill. */
export function fill(engine: RiskEngine, o: OrderIntent, price: number, time = engine.now()) {
  exec++;
  return engine.onFill({
    executionId: `x-${exec}`,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty,
    price,
    time,
    ...(o.strategy ? { strategy: o.strategy } : {}),
  });
}
