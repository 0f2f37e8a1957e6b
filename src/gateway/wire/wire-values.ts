/**
 * Strict readers of single values on the Alpaca wire. Each takes what JSON (or a query string)
 * brought and returns the value, or what was wrong and what was expected. Nothing is trimmed,
 * case-folded or coerced beyond what the broker itself accepts: `Number()` would read `"0x10"`
 * as 16 shares and `" 9.5e1 "` as a price of 95.
 */

/** A value read from the wire, or why it was refused. */
export type WireValue<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string; readonly expected: string };

/** A JSON Schema (2020-12) fragment, held as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * A strict reader of one wire value together with the JSON Schema of the values it accepts: the
 * request schemas of the OpenAPI document are made from these, so what is documented is what is
 * read (a test checks each reader against its schema).
 */
export type WireReader<T> = ((value: unknown) => WireValue<T>) & { readonly accepts: JsonSchema };

/** Control characters (C0, DEL, C1) as a regular-expression class body. */
const CONTROL_CLASS = '\\u0000-\\u001f\\u007f-\\u009f';

/** Longest text echoed back in a `problem`; the rest is elided. */
const ECHO_LIMIT = 40;

/** The value as JSON, shortened, for a `problem` line (`got "0x10"`). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (Array.isArray(value)) return `an array ${shorten(text)}`;
  if (typeof value === 'object' && value !== null) return `an object ${shorten(text)}`;
  return shorten(text);
}

function shorten(text: string): string {
  return text.length > ECHO_LIMIT ? `${text.slice(0, ECHO_LIMIT)}… (${text.length} characters)` : text;
}

function refuse<T>(value: unknown, expected: string, problem?: string): WireValue<T> {
  return { ok: false, problem: problem ?? `got ${describeValue(value)}`, expected };
}

/** Most decimal places accepted (the broker's finest quantity step is 1e-9). */
export const MAX_DECIMAL_PLACES = 9;
/** Values at or above this are refused: beyond it float64 no longer holds every cent. */
export const MAX_DECIMAL_VALUE = 1e15;
const DECIMAL_TEXT = /^\d+(\.\d+)?$/;

/** What a positive decimal field accepts, for error messages. */
export const POSITIVE_DECIMAL_EXPECTED =
  'a positive decimal string such as "10", "10.5" or "0.0001" (digits with an optional fractional part of at most 9 places; no sign, exponent, hex, binary or spaces), or a JSON number';

/**
 * A positive decimal: a string of digits with an optional fractional part (at most 9 places), or
 * a finite JSON number. Zero, negatives, exponents, hex/binary/octal prefixes, whitespace and
 * values of 1e15 or more are refused.
 */
export function positiveDecimal(value: unknown): WireValue<number> {
  let n: number;
  if (typeof value === 'string') {
    if (!DECIMAL_TEXT.test(value)) return refuse(value, POSITIVE_DECIMAL_EXPECTED);
    // The pattern allows one dot at most: the places are what follows it (no array allocated).
    const dot = value.indexOf('.');
    if (dot >= 0 && value.length - dot - 1 > MAX_DECIMAL_PLACES) {
      return refuse(
        value,
        POSITIVE_DECIMAL_EXPECTED,
        `got ${describeValue(value)}: more than 9 decimal places`,
      );
    }
    n = Number(value);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return refuse(value, POSITIVE_DECIMAL_EXPECTED);
    n = value;
    // Below half the finest step a number would reach the broker as "0".
    if (n > 0 && n < 5e-10) {
      return refuse(
        value,
        POSITIVE_DECIMAL_EXPECTED,
        `got ${describeValue(value)}: more than 9 decimal places`,
      );
    }
  } else {
    return refuse(value, POSITIVE_DECIMAL_EXPECTED);
  }
  if (!(n > 0))
    return refuse(value, POSITIVE_DECIMAL_EXPECTED, `got ${describeValue(value)}: not above zero`);
  if (n >= MAX_DECIMAL_VALUE) {
    return refuse(value, POSITIVE_DECIMAL_EXPECTED, `got ${describeValue(value)}: 1e15 or more`);
  }
  return { ok: true, value: n };
}

positiveDecimal.accepts = {
  oneOf: [
    {
      type: 'string',
      // Digits with at most 9 decimal places, not all zeros, below 1e15 (at most 15 digits
      // before the point once leading zeros are dropped).
      pattern: '^(?!0*(\\.0*)?$)0*\\d{1,15}(\\.\\d{1,9})?$',
    },
    { type: 'number', minimum: 5e-10, exclusiveMaximum: MAX_DECIMAL_VALUE },
  ],
} as JsonSchema;

/** A percentage above 0 and at most 100, in the forms of {@link positiveDecimal}. */
export function percentage(value: unknown): WireValue<number> {
  const expected = 'a decimal above 0 and at most 100, such as "50" or "12.5"';
  const n = positiveDecimal(value);
  if (!n.ok) return { ok: false, problem: n.problem, expected };
  return n.value <= 100 ? n : refuse(value, expected, `got ${describeValue(value)}: above 100`);
}
percentage.accepts = {
  oneOf: [
    // Not all zeros; at most 100 (100 itself with zeros after the point).
    { type: 'string', pattern: '^(?!0*(\\.0*)?$)0*(\\d{1,2}(\\.\\d{1,9})?|100(\\.0{1,9})?)$' },
    { type: 'number', minimum: 5e-10, maximum: 100 },
  ],
} as JsonSchema;

/** Exactly one of `allowed`, as written (no case folding, no surrounding spaces). */
export function oneOf<T extends string>(allowed: readonly T[]): WireReader<T> {
  const expected = `one of ${allowed.map((a) => (a === '' ? '""' : a)).join(', ')} (exactly, in lower case)`;
  const read = (value: unknown): WireValue<T> =>
    typeof value === 'string' && (allowed as readonly string[]).includes(value)
      ? { ok: true, value: value as T }
      : refuse(value, expected);
  return Object.assign(read, { accepts: { type: 'string', enum: [...allowed] } });
}

/** A JSON boolean. */
export function boolean(value: unknown): WireValue<boolean> {
  return typeof value === 'boolean' ? { ok: true, value } : refuse(value, 'true or false (a JSON boolean)');
}
boolean.accepts = { type: 'boolean' } as JsonSchema;

const SYMBOL = /^[A-Za-z0-9]+([./-][A-Za-z0-9]+)*$/;
/** Longest symbol accepted (option symbols are 21 characters). */
export const MAX_SYMBOL_LENGTH = 32;

/**
 * A ticker such as `AAPL`, `BRK.B` or `BTC/USD`: letters and digits, joined by single `.`, `/`
 * or `-`, at most 32 characters, no spaces. Returned in upper case, as the broker reports it.
 */
export function symbol(value: unknown): WireValue<string> {
  const expected =
    'a ticker such as AAPL, BRK.B or BTC/USD (letters and digits joined by . / or -; no spaces)';
  if (typeof value !== 'string' || value.length > MAX_SYMBOL_LENGTH || !SYMBOL.test(value)) {
    return refuse(value, expected);
  }
  return { ok: true, value: value.toUpperCase() };
}
symbol.accepts = {
  type: 'string',
  maxLength: MAX_SYMBOL_LENGTH,
  pattern: SYMBOL.source,
  description: 'a ticker such as AAPL, BRK.B or BTC/USD; read in upper case',
} as JsonSchema;

/** The broker's limit on client order ids. */
export const MAX_CLIENT_ORDER_ID_CHARACTERS = 128;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a text may not be stored or echoed: a control character or an unpaired UTF-16 surrogate
 * (neither survives a round trip through Postgres or a JSON consumer), or undefined when clean.
 * `allowLineBreaks` lets tab, line feed and carriage return through (free text such as reasons).
 */
export function textProblem(text: string, allowLineBreaks: boolean): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
    if (control && !(allowLineBreaks && (c === 0x09 || c === 0x0a || c === 0x0d))) {
      return `contains the control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at position ${i}`;
    }
  }
  return undefined;
}

/**
 * A client order id: 1 to 128 characters, no control characters, no unpaired surrogates. The
 * empty string means "none" (one is generated), as at the broker.
 */
export function clientOrderId(value: unknown): WireValue<string | undefined> {
  const expected = `a string of 1 to ${MAX_CLIENT_ORDER_ID_CHARACTERS} characters without control characters`;
  if (typeof value !== 'string') return refuse(value, expected);
  if (value === '') return { ok: true, value: undefined };
  if (value.length > MAX_CLIENT_ORDER_ID_CHARACTERS) {
    return refuse(value, expected, `got ${value.length} characters`);
  }
  const problem = textProblem(value, false);
  return problem === undefined ? { ok: true, value } : refuse(value, expected, problem);
}
clientOrderId.accepts = {
  type: 'string',
  maxLength: MAX_CLIENT_ORDER_ID_CHARACTERS,
  pattern: `^[^${CONTROL_CLASS}]*$`,
  description:
    'at most 128 characters (UTF-16 units), no control characters; "" means none (one is generated)',
} as JsonSchema;

/** Longest free text accepted (reasons for a kill, a reset or a profile change). */
export const MAX_REASON_CHARACTERS = 500;

/** Free text such as a reason: non-blank, at most 500 characters, line breaks allowed. */
export function reasonText(value: unknown): WireValue<string> {
  const expected = `a non-blank string of at most ${MAX_REASON_CHARACTERS} characters without control characters`;
  if (typeof value !== 'string') return refuse(value, expected);
  if (value.trim() === '') return refuse(value, expected, 'got a blank string');
  if (value.length > MAX_REASON_CHARACTERS) return refuse(value, expected, `got ${value.length} characters`);
  const problem = textProblem(value, true);
  return problem === undefined ? { ok: true, value } : refuse(value, expected, problem);
}
reasonText.accepts = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_REASON_CHARACTERS,
  // Not blank; no control characters but tab, line feed and carriage return.
  pattern: '^(?=[\\s\\S]*\\S)[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$',
  description: 'why, for the audit log: at most 500 characters (UTF-16 units), not blank',
} as JsonSchema;

/** Only `null` (or nothing): for fields riskgate recognises but cannot honour. */
export function unsupported(why: string): WireReader<undefined> {
  return Object.assign((value: unknown): WireValue<undefined> => refuse(value, `no value: ${why}`), {
    accepts: { type: 'null', description: `not supported: ${why}` },
  });
}
