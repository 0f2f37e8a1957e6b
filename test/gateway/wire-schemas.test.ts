import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_TYPES, TIMES_IN_FORCE } from '../../src/core/order.ts';
import { openApiDocument } from '../../src/gateway/openapi/openapi-document.ts';
import {
  parseKillRequest,
  parseResetRequest,
  parseSizeRequest,
} from '../../src/gateway/wire/parse-control-requests.ts';
import { parseOrderRequest } from '../../src/gateway/wire/parse-order-request.ts';
import { parseReplaceRequest } from '../../src/gateway/wire/parse-replace-request.ts';
import {
  boolean,
  clientOrderId,
  oneOf,
  percentage,
  positiveDecimal,
  reasonText,
  symbol,
  type WireReader,
} from '../../src/gateway/wire/wire-values.ts';
import {
  badBoolean,
  badClientOrderId,
  badDecimal,
  badEnum,
  badReason,
  badSymbol,
} from './wire-fuzz-arbitraries.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test walks an arbitrary JSON document
type Json = Record<string, any>;

const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: true });
const doc = openApiDocument('http://127.0.0.1:8080') as Json;
ajv.addSchema({ $id: 'doc', components: doc.components } as Json);
const compile = (schema: Json) =>
  ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));

/** Values near each reader's edges: what the broker accepts and what it does not. */
const decimalText = fc.oneof(
  fc.stringMatching(/^\d{1,17}(\.\d{1,11})?$/),
  fc.constantFrom('0', '00', '0.0', '0.000000001', '0.0000000001', '999999999999999', '1000000000000000'),
  fc.constantFrom('100', '100.0', '100.000000001', '99.999999999', '0100', '000000000000000000001'),
);
const decimalNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 5e-10, 4.9e-10, 1e15, 1e15 - 1, 100, 100.0000001, -1),
);
const near = fc.oneof(
  fc.jsonValue(),
  decimalText,
  decimalNumber,
  fc.string({ unit: 'binary', maxLength: 140 }),
  fc.stringMatching(/^[A-Za-z0-9./ -]{0,40}$/),
  fc.string({ minLength: 120, maxLength: 520 }),
);

interface Case {
  readonly name: string;
  readonly read: WireReader<unknown>;
  /** Values the reader refuses; the schema must refuse them too. */
  readonly bad: fc.Arbitrary<unknown>;
  /** The schema admits exactly what the reader reads (else: at least, for lengths in UTF-16 units). */
  readonly exact: boolean;
}

const CASES: readonly Case[] = [
  { name: 'positiveDecimal', read: positiveDecimal, bad: badDecimal, exact: true },
  { name: 'percentage', read: percentage, bad: badDecimal, exact: true },
  { name: 'symbol', read: symbol, bad: badSymbol, exact: true },
  { name: 'boolean', read: boolean, bad: badBoolean, exact: true },
  { name: 'oneOf(order types)', read: oneOf(ORDER_TYPES), bad: badEnum(ORDER_TYPES), exact: true },
  { name: 'oneOf(TIF)', read: oneOf(TIMES_IN_FORCE), bad: badEnum(TIMES_IN_FORCE), exact: true },
  // JSON Schema counts code points where the reader counts UTF-16 units, and cannot see a lone
  // surrogate: the schema may admit a little more than the reader, never less.
  { name: 'clientOrderId', read: clientOrderId, bad: badClientOrderId, exact: false },
  { name: 'reasonText', read: reasonText, bad: badReason, exact: false },
];

describe("each wire reader's documented schema", () => {
  for (const c of CASES) {
    it(`${c.name}: admits every value the reader reads${c.exact ? ', and only those' : ''}`, () => {
      const validate = compile(c.read.accepts);
      fc.assert(
        fc.property(near, (value) => {
          const read = c.read(value).ok;
          const valid = validate(value);
          if (read) expect(valid, `${JSON.stringify(value)} is read but not documented`).toBe(true);
          if (c.exact) expect(read, `${JSON.stringify(value)} is documented but refused`).toBe(valid);
        }),
        { numRuns: 2000 },
      );
    });

    it(`${c.name}: refuses what the fuzz tests send as malformed`, () => {
      const validate = compile(c.read.accepts);
      fc.assert(
        fc.property(c.bad, (value) => {
          // null is absent for an optional field: the reader never sees it.
          fc.pre(value !== null && value !== undefined);
          expect(c.read(value).ok).toBe(false);
          if (c.exact) expect(validate(value), JSON.stringify(value)).toBe(false);
        }),
        { numRuns: 500 },
      );
    });
  }
});

const body = (method: string, path: string) =>
  doc.paths[path][method].requestBody.content['application/json'].schema as Json;

describe('the request bodies of the document', () => {
  it("carry examples the gateway's own readers accept", () => {
    expect(parseOrderRequest(body('post', '/v2/orders').example, undefined).ok).toBe(true);
    expect(parseOrderRequest(body('post', '/v1/orders/check').example, undefined).ok).toBe(true);
    expect(parseReplaceRequest(body('patch', '/v2/orders/{id}').example).ok).toBe(true);
    expect(parseSizeRequest(body('post', '/v1/size').example).ok).toBe(true);
    expect(parseKillRequest(body('post', '/v1/kill').example).ok).toBe(true);
    expect(parseResetRequest(body('post', '/v1/reset').example).ok).toBe(true);
  });

  it('admit every order the reader accepts, and refuse unknown fields and missing required ones', () => {
    const validate = compile(body('post', '/v2/orders'));
    const price = fc.oneof(
      { arbitrary: fc.stringMatching(/^[1-9]\d{0,3}(\.\d{1,4})?$/), weight: 4 },
      { arbitrary: decimalText, weight: 1 },
      { arbitrary: decimalNumber, weight: 1 },
    );
    const order = fc
      .tuple(
        fc.record(
          {
            symbol: fc.constantFrom('AAPL', 'brk.b', 'MSFT', 'SPY261218C00500000', 'BAD SYMBOL'),
            qty: price,
            side: fc.constantFrom('buy', 'sell', 'long', 'short', 'BUY'),
            time_in_force: fc.constantFrom(...TIMES_IN_FORCE),
            client_order_id: fc.string({ maxLength: 10 }),
            extended_hours: fc.boolean(),
            position_intent: fc.constantFrom('buy_to_open', 'sell_to_close'),
          },
          { requiredKeys: ['symbol', 'qty', 'side'] },
        ),
        fc.oneof(
          fc.constant({}),
          fc.constant({ type: 'market' }),
          price.map((p) => ({ type: 'limit', limit_price: p })),
          price.map((p) => ({ type: 'stop', stop_price: p })),
          fc.tuple(price, price).map(([l, s]) => ({ type: 'stop_limit', limit_price: l, stop_price: s })),
          price.map((p) => ({ type: 'trailing_stop', trail_percent: p })),
          fc.constant({
            order_class: 'bracket',
            take_profit: { limit_price: '120' },
            stop_loss: { stop_price: '90' },
          }),
          fc.constantFrom({ order_class: 'oco' }, { order_class: '' }, { notional: null }, { legs: [] }),
        ),
      )
      .map(([fields, kind]) => ({ ...fields, ...kind }));
    let read = 0;
    fc.assert(
      fc.property(order, (o) => {
        if (parseOrderRequest(o, undefined).ok) {
          read++;
          expect(validate(o), `${JSON.stringify(o)}: ${JSON.stringify(validate.errors)}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(read).toBeGreaterThan(100);
    expect(validate({ symbol: 'AAPL', qty: '1', side: 'buy', colour: 'red' })).toBe(false);
    expect(validate({ symbol: 'AAPL', side: 'buy' })).toBe(false);
  });

  it('says which fields are required, as the readers do', () => {
    expect(body('post', '/v2/orders').required).toEqual(['symbol', 'qty', 'side']);
    expect(body('post', '/v1/size').required).toEqual(['symbol', 'side']);
    expect(body('post', '/v1/reset').required).toEqual(['reason']);
    expect(body('put', '/v1/profile').required).toEqual(['profile', 'reason']);
    expect(body('post', '/v1/kill').required).toBeUndefined();
    expect(body('post', '/v1/kill').type).toEqual(['object', 'null']);
    expect(body('patch', '/v2/orders/{id}').required).toBeUndefined();
  });
});
