import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_TYPES, TIMES_IN_FORCE } from '../../core/order.ts';
import { ORDER_FIELDS, orderBody, parseOrderRequest, readOrderBodyFast } from './parse-order-request.ts';
import { readWireObject } from './wire-object.ts';

/** Mostly what a field accepts, sometimes what it does not. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
const price = mostly(
  fc.oneof(fc.stringMatching(/^[1-9]\d{0,3}(\.\d{1,4})?$/), fc.constantFrom(5e-10, 12.5, 100)),
  fc.oneof(
    fc.constantFrom('0', '0.0', '1e3', ' 5', '0x10', '1.0000000001', '1000000000000000', ''),
    fc.constantFrom(0, -1, 4e-10, 1e15, Number.MAX_VALUE),
    fc.jsonValue(),
  ),
);
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 3 });
const leg = (good: readonly string[], bad: string) =>
  mostly(
    fc.dictionary(fc.constantFrom(...good), optional(price), { maxKeys: good.length }),
    fc.oneof(
      fc.constantFrom(null, [], 'x', 5),
      fc.dictionary(fc.constantFrom(...good, bad), optional(price), { minKeys: 1 }),
    ),
  );

const orderish = fc
  .record(
    {
      symbol: mostly(
        fc.constantFrom('AAPL', 'brk.b', 'BTC/USD', 'SPY261218C00500000'),
        fc.oneof(fc.constantFrom('BAD SYMBOL', '', 'A'.repeat(33), null), fc.jsonValue()),
      ),
      qty: price,
      notional: fc.constantFrom(null, null, null, '10', 5),
      side: mostly(fc.constantFrom('buy', 'sell', 'long', 'short'), fc.constantFrom('BUY', '', null, 1)),
      type: optional(mostly(fc.constantFrom(...ORDER_TYPES), fc.constantFrom('LIMIT', 'oco', 3))),
      time_in_force: optional(mostly(fc.constantFrom(...TIMES_IN_FORCE), fc.constantFrom('Day', ''))),
      limit_price: optional(price),
      stop_price: optional(price),
      trail_price: optional(price),
      trail_percent: optional(price),
      extended_hours: optional(mostly(fc.boolean(), fc.constantFrom('true', 0))),
      client_order_id: optional(
        mostly(
          fc.string({ maxLength: 12 }),
          fc.oneof(fc.string({ minLength: 129, maxLength: 130 }), fc.constantFrom(7, 'a\u0000b', '\ud800')),
        ),
      ),
      order_class: optional(
        mostly(fc.constantFrom('', 'simple', 'bracket', 'oto'), fc.constantFrom('oco', 'mleg', 'BRACKET', 1)),
      ),
      take_profit: leg(['limit_price'], 'stop_price'),
      stop_loss: leg(['stop_price', 'limit_price'], 'trail_price'),
      position_intent: optional(
        mostly(fc.constantFrom('buy_to_open', 'sell_to_close', 'sell_to_open'), fc.constantFrom('open', 2)),
      ),
      legs: fc.constantFrom(null, null, null, [], [{}]),
      advanced_instructions: fc.constantFrom(null, null, null, {}, 'x'),
      subtag: fc.constantFrom(null, null, null, 'x'),
      unknown_field: fc.constantFrom(null, 1),
    },
    { requiredKeys: ['symbol', 'qty', 'side'] },
  )
  .map((body) => {
    // An unknown field is rare: most bodies should get past the field names.
    const { unknown_field, ...rest } = body;
    return unknown_field === 1 && Math.abs(JSON.stringify(rest).length % 7) === 0 ? body : rest;
  });

const VALID = {
  symbol: 'AAPL',
  qty: '10',
  side: 'buy',
  type: 'limit',
  limit_price: '100',
  time_in_force: 'day',
  order_class: 'bracket',
  take_profit: { limit_price: '110' },
  stop_loss: { stop_price: '95' },
};

describe('the order body read without the schema', () => {
  it('answers what the schema answers, or leaves the body to it', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.oneof({ arbitrary: orderish, weight: 9 }, { arbitrary: fc.jsonValue(), weight: 1 }),
        (body) => {
          const read = readOrderBodyFast(body);
          const schema = readWireObject(orderBody, body, ORDER_FIELDS);
          if (read === undefined) return;
          fast++;
          expect(schema.ok, JSON.stringify(body)).toBe(true);
          // toEqual: an absent field and one read as undefined are the same to the order path.
          if (schema.ok) expect(read).toEqual(schema.value);
        },
      ),
      { numRuns: 5000 },
    );
    // The property says something only if the fast path answers often enough.
    expect(fast).toBeGreaterThan(50);
  });

  it('reads the usual orders itself, and a refused body gets the same problems as before', () => {
    expect(readOrderBodyFast(VALID)).toMatchObject({
      symbol: 'AAPL',
      qty: 10,
      take_profit: { limit_price: 110 },
    });
    expect(
      readOrderBodyFast({ symbol: 'msft', qty: 1, side: 'sell', client_order_id: '', notional: null }),
    ).toMatchObject({
      symbol: 'MSFT',
      qty: 1,
      client_order_id: undefined,
    });
    expect(readOrderBodyFast({ ...VALID, qty: '0x10' })).toBeUndefined();
    const refused = parseOrderRequest({ ...VALID, qty: '0x10', colour: 'red' }, undefined);
    expect(refused).toEqual({
      ok: false,
      issues: [
        expect.objectContaining({ field: 'qty', problem: 'got "0x10"' }),
        expect.objectContaining({ field: 'colour', problem: 'unknown field' }),
      ],
    });
  });
});
