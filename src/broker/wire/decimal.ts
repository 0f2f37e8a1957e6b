import { z } from 'zod';

/**
 * A decimal as the broker sends it: a JSON string such as `"150.25"`. Numbers are tolerated on
 * input because some clients send them, but the adapter always sends strings.
 */
export const wireDecimal = z.union([z.string().regex(/^-?\d+(\.\d+)?$/), z.number().finite()]);

/** A decimal that the broker may send as null. */
export const wireDecimalOrNull = wireDecimal.nullish();

/** Parses a wire decimal into a float64 number. */
export function decimalToNumber(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Parses an optional wire decimal; null and absent become undefined. */
export function optionalDecimal(value: string | number | null | undefined): number | undefined {
  return value === null || value === undefined ? undefined : decimalToNumber(value);
}

/**
 * Formats a number as a plain decimal string for the wire: no exponent, no float noise
 * (0.1 + 0.2 is sent as "0.3"), at most 9 decimals.
 */
export function numberToDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite decimal: ${value}`);
  const fixed = value.toFixed(9);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Parses an RFC 3339 timestamp (nanoseconds allowed) into epoch milliseconds. */
export function timestampToMs(value: string): number {
  return Date.parse(value);
}

/** Parses an optional timestamp; null and absent become undefined. */
export function optionalTimestamp(value: string | null | undefined): number | undefined {
  return value === null || value === undefined ? undefined : Date.parse(value);
}
