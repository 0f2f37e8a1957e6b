import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromWireOrder, fromWireTradeUpdate } from '../../src/broker/alpaca/from-wire.ts';
import { wireTradeUpdateSchema } from '../../src/broker/wire/market-wire.ts';
import { wireOrderSchema } from '../../src/broker/wire/order-wire.ts';
import {
  checkWireOrder,
  checkWireTradeUpdate,
  WireShapeError,
  wireOrderListParser,
} from '../../src/broker/wire/order-wire-check.ts';

/** Values a field may take on the wire: good ones for some field, and bad ones for every field. */
const anyValue = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    '',
    'x',
    '12',
    '-3.25',
    '1e5',
    '1.',
    ' 1',
    'NaN',
    0,
    -2.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    false,
    [],
    {},
    'buy',
    'sell',
    'limit',
    'stop',
    'market',
    'day',
    'gtc',
    'new',
    'held',
    'filled',
    'bracket',
    'simple',
    '2026-03-02T14:30:00.123456789Z',
  ),
  fc.string({ maxLength: 4 }),
  fc.double(),
);

/** A valid order as the broker sends it, legs nested one level. */
const leg = (parentId: string, i: number) =>
  fc.record({
    id: fc.constant(`${parentId}-leg${i}`),
    client_order_id: fc.constant(`${parentId}-c${i}`),
    created_at: fc.constant('2026-03-02T14:30:00Z'),
    symbol: fc.constant('AAPL'),
    qty: fc.constantFrom('1', '2.5', null),
    filled_qty: fc.constantFrom('0', '1'),
    filled_avg_price: fc.constantFrom(null, '101.5'),
    order_class: fc.constantFrom('bracket', '', 'oco', null),
    type: fc.constantFrom('limit', 'stop', 'stop_limit'),
    side: fc.constantFrom('buy', 'sell'),
    time_in_force: fc.constantFrom('day', 'gtc'),
    limit_price: fc.constantFrom(null, '110', '110.25'),
    stop_price: fc.constantFrom(null, '95'),
    status: fc.constantFrom('held', 'new', 'canceled', 'filled', 'replaced'),
    extended_hours: fc.constantFrom(false, true, null),
    legs: fc.constant(null),
  });

const validOrder = fc
  .record({
    id: fc.constantFrom('o1', 'o2'),
    client_order_id: fc.constantFrom('rg-1', 'bot-7'),
    created_at: fc.constantFrom('2026-03-02T14:30:00.123456789Z', '2026-03-02T14:30:00Z'),
    updated_at: fc.constantFrom(null, '2026-03-02T14:30:01Z'),
    submitted_at: fc.constantFrom(null, '2026-03-02T14:30:00Z'),
    filled_at: fc.constantFrom(null, '2026-03-02T14:31:00Z'),
    canceled_at: fc.constant(null),
    asset_id: fc.constantFrom('b0b6dd9d', null),
    symbol: fc.constantFrom('AAPL', 'MSFT'),
    asset_class: fc.constantFrom('us_equity', null),
    notional: fc.constantFrom(null, '1000'),
    qty: fc.constantFrom('10', '0.5', null),
    filled_qty: fc.constantFrom('0', '3', 4),
    filled_avg_price: fc.constantFrom(null, '100.01', 99.5),
    order_class: fc.constantFrom('bracket', 'simple', '', 'oco', 'oto'),
    order_type: fc.constantFrom('limit', 'market', null),
    type: fc.constantFrom('limit', 'market', 'stop', 'stop_limit', 'trailing_stop'),
    side: fc.constantFrom('buy', 'sell'),
    position_intent: fc.constantFrom('buy_to_open', null),
    time_in_force: fc.constantFrom('day', 'gtc', 'ioc', 'fok', 'opg', 'cls'),
    limit_price: fc.constantFrom(null, '100', '-1.5'),
    stop_price: fc.constantFrom(null, '95.5'),
    status: fc.constantFrom('new', 'accepted', 'pending_new', 'held', 'partially_filled', 'filled'),
    extended_hours: fc.constantFrom(false, true),
    trail_percent: fc.constant(null),
    trail_price: fc.constant(null),
    hwm: fc.constant(null),
    source: fc.constantFrom(null, 'access_key'),
    subtag: fc.constant(null),
    unknown_field: fc.constantFrom(undefined, 'kept or dropped, never read'),
  })
  .chain((o) =>
    fc
      .constantFrom(0, 1, 2)
      .chain(
        (n): fc.Arbitrary<unknown[] | null | undefined> =>
          n === 0
            ? fc.constantFrom<unknown[] | null | undefined>(null, undefined, [])
            : fc.tuple(...[0, 1].slice(0, n).map((i) => leg(o.id, i))),
      )
      .map((legs) => ({ ...o, legs })),
  );

/** A valid order with up to two fields (of the order or of a leg) replaced or removed. */
const mutatedOrder = fc
  .tuple(
    validOrder,
    fc.array(fc.tuple(fc.boolean(), fc.nat(40), fc.option(anyValue, { nil: '(removed)' as const })), {
      maxLength: 2,
    }),
  )
  .map(([order, changes]) => {
    const copy = structuredClone(order) as Record<string, unknown>;
    for (const [inLeg, index, value] of changes) {
      const legs = copy.legs;
      const target =
        inLeg && Array.isArray(legs) && legs.length > 0 ? (legs[0] as Record<string, unknown>) : copy;
      const keys = Object.keys(target);
      const key = keys[index % keys.length]!;
      if (value === '(removed)') delete target[key];
      else target[key] = value;
    }
    return copy;
  });

function fastVerdict(value: unknown): { ok: true; order: unknown } | { ok: false } {
  try {
    return { ok: true, order: checkWireOrder(value) };
  } catch (error) {
    if (error instanceof WireShapeError) return { ok: false };
    throw error;
  }
}

describe('checkWireOrder', () => {
  it('accepts exactly the orders the wire schema accepts, and reads them the same', () => {
    fc.assert(
      fc.property(fc.oneof(validOrder, mutatedOrder), (value) => {
        const reference = wireOrderSchema.safeParse(structuredClone(value));
        const fast = fastVerdict(value);
        expect(fast.ok).toBe(reference.success);
        if (fast.ok && reference.success) {
          expect(fromWireOrder(fast.order as never)).toEqual(fromWireOrder(reference.data));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('validates in place: an accepted order is the object it was given', () => {
    fc.assert(
      fc.property(validOrder, (value) => {
        expect(checkWireOrder(value)).toBe(value);
      }),
      { numRuns: 100 },
    );
  });

  it('names the field, what was expected and what came', () => {
    const order = {
      id: 'o1',
      client_order_id: 'c1',
      created_at: '2026-03-02T14:30:00Z',
      symbol: 'AAPL',
      filled_qty: '0',
      type: 'limit',
      side: 'buy',
      time_in_force: 'day',
      status: 'new',
      legs: [
        {
          id: 'l1',
          client_order_id: 'c2',
          created_at: 'x',
          symbol: 'AAPL',
          filled_qty: '0',
          type: 'stop',
          side: 'sell',
          time_in_force: 'day',
          status: 'sleeping',
        },
      ],
    };
    expect(() => checkWireOrder(order)).toThrow(
      'legs[0].status: expected one of new, partially_filled, filled, done_for_day, canceled, expired, replaced, pending_cancel, pending_replace, accepted, pending_new, accepted_for_bidding, stopped, rejected, suspended, calculated, held, pending_review; got "sleeping"',
    );
    expect(() => checkWireOrder({ ...order, legs: null, qty: '1,5' })).toThrow(
      'qty: expected a decimal string or a finite number, or null; got "1,5"',
    );
    expect(() => checkWireOrder({ ...order, legs: null, symbol: undefined })).toThrow(
      'symbol: expected a string; got nothing',
    );
    expect(() => checkWireOrder([order])).toThrow('order: expected an object; got an array');
  });

  it('reads a list of orders, and refuses a list with one bad order by its index', () => {
    const good = fastVerdict({
      id: 'o1',
      client_order_id: 'c1',
      created_at: '2026-03-02T14:30:00Z',
      symbol: 'AAPL',
      filled_qty: '0',
      type: 'market',
      side: 'buy',
      time_in_force: 'day',
      status: 'new',
    });
    expect(good.ok).toBe(true);
    const order = (good as { order: Record<string, unknown> }).order;
    expect(wireOrderListParser.parse([order, order])).toHaveLength(2);
    expect(() => wireOrderListParser.parse([order, { ...order, side: 'hold' }])).toThrow(
      '[1].side: expected one of buy, sell; got "hold"',
    );
    expect(() => wireOrderListParser.parse({ orders: [] })).toThrow(
      'orders: expected an array; got an object',
    );
  });
});

describe('checkWireTradeUpdate', () => {
  it('accepts exactly the updates the wire schema accepts, and reads them the same', () => {
    const update = fc.record({
      event: fc.oneof(fc.constantFrom('new', 'fill', 'partial_fill', 'canceled'), anyValue),
      execution_id: fc.constantFrom(null, undefined, 'e1', 7),
      order: fc.oneof(validOrder, mutatedOrder),
      timestamp: fc.constantFrom('2026-03-02T14:30:00Z', null, undefined, 3),
      price: fc.constantFrom('100.5', null, undefined, 'abc'),
      qty: fc.constantFrom('2', null, undefined, Number.NaN),
      position_qty: fc.constantFrom('-2', null, undefined),
    });
    fc.assert(
      fc.property(update, (value) => {
        const reference = wireTradeUpdateSchema.safeParse(structuredClone(value));
        let fast: unknown;
        try {
          fast = checkWireTradeUpdate(value);
        } catch (error) {
          if (!(error instanceof WireShapeError)) throw error;
        }
        expect(fast !== undefined).toBe(reference.success);
        if (fast !== undefined && reference.success) {
          expect(fromWireTradeUpdate(fast as never)).toEqual(fromWireTradeUpdate(reference.data));
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
