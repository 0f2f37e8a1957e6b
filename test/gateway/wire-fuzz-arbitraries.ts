import fc from 'fast-check';

/**
 * Malformed values for each kind of wire field, and malformed bodies. Every value produced here
 * must be refused by the gateway: none is a form the broker accepts.
 */

const SYMBOL = /^[A-Za-z0-9]+([./-][A-Za-z0-9]+)*$/;
const DECIMAL = /^\d+(\.\d{1,9})?$/;

const validDecimal = fc
  .tuple(
    fc.integer({ min: 1, max: 99_999 }),
    fc.option(fc.integer({ min: 0, max: 9_999 }), { nil: undefined }),
  )
  .map(([i, f]) => (f === undefined ? String(i) : `${i}.${f}`));

const space = fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u200b', '\ufeff');
/** Control characters (C0, DEL, C1) that may never appear in stored text. */
const control = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((c) => String.fromCharCode(c));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Inserts `bad` into `text` at a position chosen by `at` (0..1). */
function insert(text: string, bad: string, at: number): string {
  const i = Math.floor(at * (text.length + 1));
  return text.slice(0, i) + bad + text.slice(i);
}
const position = fc.double({ min: 0, max: 1, noNaN: true });

const nonScalar = fc.oneof(
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.integer(), { minKeys: 1, maxKeys: 2 }),
);

/** Strings that a decimal field must refuse: hex, binary, exponents, padding, signs, words, … */
export const badDecimalText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 0, max: 1_000_000 }).map((n) => `0X${n.toString(16).toUpperCase()}`),
  fc.integer({ min: 0, max: 1_000_000 }).map((n) => `0b${n.toString(2)}`),
  fc.integer({ min: 0, max: 1_000_000 }).map((n) => `0o${n.toString(8)}`),
  fc
    .tuple(validDecimal, fc.constantFrom('e', 'E', 'e+', 'e-'), fc.integer({ min: 0, max: 400 }))
    .map(([d, e, x]) => `${d}${e}${x}`),
  fc.tuple(validDecimal, space, fc.boolean()).map(([d, s, before]) => (before ? `${s}${d}` : `${d}${s}`)),
  fc.tuple(validDecimal, fc.constantFrom('+', '-', '--', '−')).map(([d, s]) => `${s}${d}`),
  validDecimal.map((d) => `${d}.`),
  validDecimal.map((d) => `.${d.replace('.', '')}`),
  validDecimal.map((d) => `${d}.1.2`),
  validDecimal.map((d) => d.replace(/^(\d)/, '$1_')),
  validDecimal.map((d) => d.replace(/^(\d)/, '$1,')),
  validDecimal.map((d) => `${d.split('.')[0]}.0000000001`),
  fc.integer({ min: 16, max: 400 }).map((n) => '9'.repeat(n)),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '0.0',
    '000',
    '0.000000000',
    'NaN',
    'Infinity',
    '-Infinity',
    'null',
    'true',
    'ten',
  ),
  fc.constantFrom('١٠', '１０', '۱۰', '10\u0000', '1\u00a00'),
  fc.tuple(validDecimal, control, position).map(([d, c, at]) => insert(d, c, at)),
  fc.tuple(validDecimal, loneSurrogate, position).map(([d, c, at]) => insert(d, c, at)),
  fc.string({ maxLength: 12 }).filter((s) => !DECIMAL.test(s) || Number(s) === 0),
);

/** Any JSON value a decimal field must refuse (strings above, wrong types, numbers out of range). */
export const badDecimal: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: badDecimalText },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: nonScalar },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, -0.5, 1e15, 1e300, -1e300, 1e-12, 4e-10) },
  { weight: 1, arbitrary: fc.double({ max: 0, noNaN: true, noDefaultInfinity: true }) },
);

/** Values an enum field must refuse, given what it accepts. */
export function badEnum(accepted: readonly string[]): fc.Arbitrary<unknown> {
  const real = accepted.filter((a) => a !== '');
  return fc.oneof(
    fc.constantFrom(...real).map((v) => v.toUpperCase()),
    fc.constantFrom(...real).map((v) => v[0]!.toUpperCase() + v.slice(1)),
    fc.tuple(fc.constantFrom(...real), space, fc.boolean()).map(([v, s, before]) => (before ? s + v : v + s)),
    fc.tuple(fc.constantFrom(...real), control, position).map(([v, c, at]) => insert(v, c, at)),
    fc.string({ maxLength: 16 }).filter((s) => !accepted.includes(s)),
    fc.integer(),
    fc.boolean(),
    nonScalar,
  );
}

/** Values a symbol must refuse: spaces, control characters, punctuation, too long, wrong types. */
export const badSymbolText: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom('AAPL', 'spy', 'BRK.B'), space, fc.boolean())
    .map(([v, s, b]) => (b ? s + v : v + s)),
  fc.tuple(fc.constantFrom('AAPL', 'MSFT'), control, position).map(([v, c, at]) => insert(v, c, at)),
  fc.tuple(fc.constantFrom('AAPL', 'MSFT'), loneSurrogate, position).map(([v, c, at]) => insert(v, c, at)),
  fc.constantFrom('', '$$$', 'AA PL', 'A..B', '.AAPL', 'AAPL.', 'A//B', '-', 'AAPL;DROP', 'ÄPPL'),
  fc.integer({ min: 33, max: 200 }).map((n) => 'A'.repeat(n)),
  fc.string({ maxLength: 12 }).filter((s) => !(SYMBOL.test(s) && s.length <= 32)),
);

export const badSymbol: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: badSymbolText },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), nonScalar) },
);

/** Values a client order id must refuse. */
export const badClientOrderId: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 129, max: 2_000 }).map((n) => 'c'.repeat(n)),
  fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,20}$/), control, position).map(([v, c, at]) => insert(v, c, at)),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9-]{1,20}$/), loneSurrogate, position)
    .map(([v, c, at]) => insert(v, c, at)),
  fc.integer(),
  fc.boolean(),
  nonScalar,
);

/** Values a JSON boolean field must refuse. */
export const badBoolean: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('true', 'false', 'yes', '1', 'TRUE', ''),
  fc.integer({ min: -2, max: 2 }),
  nonScalar,
);

/** Values a reason must refuse: wrong types, blank, too long, control characters. */
export const badReason: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('', ' ', '\n\t '),
  fc.integer({ min: 501, max: 3_000 }).map((n) => 'r'.repeat(n)),
  fc
    .tuple(
      fc.stringMatching(/^[a-z ]{1,20}$/),
      control.filter((c) => !'\t\n\r'.includes(c)),
      position,
    )
    .map(([v, c, at]) => insert(`x${v}`, c, at)),
  fc
    .tuple(fc.stringMatching(/^[a-z ]{1,20}$/), loneSurrogate, position)
    .map(([v, c, at]) => insert(`x${v}`, c, at)),
  fc.integer(),
  fc.boolean(),
  nonScalar,
);

/** Nested arrays deeper than the gateway accepts. */
export const deepValue: fc.Arbitrary<string> = fc
  .integer({ min: 33, max: 8_000 })
  .map((d) => `${'['.repeat(d)}${']'.repeat(d)}`);

/** Content types clients send; the body is read as JSON whatever they say. */
export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  '',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'garbage',
  ';;',
);

/** Text that is not JSON at all (a form, XML, YAML, a truncated object, bare words). */
export const notJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'symbol=AAPL&qty=1',
    '<order><qty>1</qty></order>',
    'qty: 1',
    'undefined',
    'NaN',
    "{'qty':'1'}",
  ),
  fc.constantFrom('{', '{"qty":', '{"qty":"1",}', '[1,]', '{"a":1}}', '{"a" 1}', '"unterminated', '01', '+1'),
  fc.string({ minLength: 1, maxLength: 30 }).filter((s) => {
    if (s.trim() === '') return false;
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

/** JSON values that are not an object (for routes that need one). */
export const nonObjectBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
);

/** Field names no route accepts (lower case, so the name is echoed as is). */
export function unknownKey(known: readonly string[]): fc.Arbitrary<string> {
  return fc.stringMatching(/^[a-z_]{1,14}$/).filter((k) => !known.includes(k));
}
