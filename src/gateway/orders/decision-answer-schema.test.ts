import fc from 'fast-check';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../core/decision.ts';
import type { OrderIntent } from '../../core/order.ts';
import { DECISION_ANSWER_SCHEMA } from './decision-answer-schema.ts';
import { describeDecision } from './order-flow.ts';

const app = Fastify();
let answer: unknown;
app.post('/check', { schema: { response: { 200: DECISION_ANSWER_SCHEMA } } }, (_request, reply) => {
  reply.send(answer);
});
beforeAll(() => app.ready());
afterAll(() => app.close());

/** The answer as the route writes it with its response schema. */
async function written(value: unknown): Promise<string> {
  answer = value;
  const r = await app.inject({ method: 'POST', url: '/check' });
  expect(r.statusCode).toBe(200);
  return r.body;
}

const price = fc.double({ min: 0.0001, max: 1e6, noNaN: true });
const word = fc.string({ maxLength: 12, unit: 'binary' });
/** Intents as `parseOrderIntent` builds them: the fields in their declared order, optional ones absent. */
const intent: fc.Arbitrary<OrderIntent> = fc.record(
  {
    clientOrderId: word,
    symbol: fc.constantFrom('AAPL', 'BRK.B', 'SPY250117C00500000'),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    qty: fc.integer({ min: 1, max: 10_000 }),
    type: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const, 'stop_limit' as const),
    timeInForce: fc.constantFrom('day' as const, 'gtc' as const),
    limitPrice: price,
    stopPrice: price,
    trailPercent: price,
    trailPrice: price,
    protection: fc.record({ takeProfit: price, stopLoss: price, stopLossLimit: price }, { requiredKeys: [] }),
    strategy: word,
    extendedHours: fc.constant(true as const),
  },
  { requiredKeys: ['clientOrderId', 'symbol', 'side', 'qty', 'type', 'timeInForce'] },
);
const effect = fc.constantFrom('open' as const, 'increase' as const, 'reduce' as const, 'close' as const);
const values = fc.dictionary(word, fc.oneof(word, fc.double({ noNaN: true }), fc.integer()), { maxKeys: 4 });
const violation = fc.record(
  { code: word, ruleId: word, message: word, values },
  { requiredKeys: ['code', 'ruleId', 'message'] },
);
const modification = fc.record({
  ruleId: word,
  field: word,
  from: fc.oneof(fc.double({ noNaN: true }), word, fc.constant(null)),
  to: fc.oneof(fc.double({ noNaN: true }), word, fc.constant(null)),
  reason: word,
});

describe('the dry-run answer written through its response schema', () => {
  it('is the text JSON.stringify writes, for an order as parsed', async () => {
    await fc.assert(
      fc.asyncProperty(intent, effect, async (order, e) => {
        const body = describeDecision({ kind: 'accept', effect: e }, order);
        expect(await written(body)).toBe(JSON.stringify(body));
      }),
    );
  });

  it('is the same JSON value as JSON.stringify writes, for denials and orders the engine changed', async () => {
    const decision: fc.Arbitrary<[Decision, OrderIntent]> = fc.oneof(
      fc
        .tuple(intent, effect, fc.array(violation, { maxLength: 3 }))
        .map(([order, e, violations]): [Decision, OrderIntent] => [
          { kind: 'deny', effect: e, order, violations },
          order,
        ]),
      fc
        .tuple(intent, effect, fc.array(modification, { maxLength: 3 }), price, fc.option(price))
        .map(([order, e, modifications, stopLoss, takeProfit]): [Decision, OrderIntent] => {
          // As the protective-stop rule attaches a stop: the fields may come in another order.
          const changed: OrderIntent = {
            ...order,
            protection: { ...order.protection, stopLoss, ...(takeProfit !== null ? { takeProfit } : {}) },
          };
          return [
            { kind: 'accept-modified', effect: e, order: changed, original: order, modifications },
            order,
          ];
        }),
    );
    await fc.assert(
      fc.asyncProperty(decision, async ([d, order]) => {
        const body = describeDecision(d, order);
        expect(JSON.parse(await written(body))).toEqual(JSON.parse(JSON.stringify(body)));
      }),
    );
  });
});
