// A TypeScript strategy using riskgate's engine as a library: every order is checked before
// it reaches the broker, fills and prices flow back, and exits come from the engine's rules.
// Run it with: npx tsx examples/library-usage.ts
import { ManualClock, type OrderIntent, parseProfile, RiskEngine, stock } from '../src/index.ts';

const profile = parseProfile({
  startingEquity: 55_000,
  orders: { maxQuantity: 1_000, maxNotional: { percent: 20, usd: 10_000 } },
  exposure: { symbol: { percent: 10, usd: 5_500 }, sector: { percent: 30 } },
  protectiveStop: { required: true, policy: 'attach', method: 'percent', percent: 3 },
  breakers: { dailyLoss: { percent: 2, usd: 1_000, action: 'halted' } },
  exits: { timeExit: { maxBars: 20, timeframe: '1d' } }, // 20 New York trading days
});
if (!profile.ok) throw new Error(profile.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));

const clock = new ManualClock(Date.UTC(2024, 2, 15, 14, 30)); // live code passes a wall clock
const engine = new RiskEngine({
  profile: profile.value,
  clock,
  instruments: [stock('AAPL', 'Information Technology')],
});
engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: clock.now(), price: 172.5 });

const order: OrderIntent = {
  clientOrderId: 'sma-1',
  symbol: 'AAPL',
  side: 'buy',
  qty: 30,
  type: 'market',
  timeInForce: 'day',
};
const decision = engine.validateOrder(order);
if (decision.kind === 'deny') {
  for (const v of decision.violations) console.log(`denied ${v.code}: ${v.message}`);
} else {
  const toSend = decision.kind === 'accept-modified' ? decision.order : order; // e.g. with a stop attached
  console.log(`send ${toSend.side} ${toSend.qty} ${toSend.symbol}, stop ${toSend.protection?.stopLoss}`);
  // ... broker.submit(toSend); then, when the broker reports the execution:
  const result = engine.onFill({
    executionId: 'e-1',
    clientOrderId: toSend.clientOrderId,
    symbol: 'AAPL',
    side: 'buy',
    qty: 30,
    price: 172.55,
    time: clock.now(),
  });
  console.log(`position ${result.position?.qty} @ ${result.position?.avgPrice}`);
}

// Prices keep flowing in; the engine answers with exits and breaker trips to act on.
clock.advance(60_000);
const actions = engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: clock.now(), price: 166.9 });
for (const exit of actions.exits) console.log(`exit ${exit.side} ${exit.qty} ${exit.symbol}: ${exit.reason}`);
console.log(`trading state: ${engine.snapshot().tradingState.state}`);
