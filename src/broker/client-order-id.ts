import { randomUUID } from 'node:crypto';

/**
 * A fresh client order id of at most 48 characters (the limit older accounts enforce; the API
 * allows 128): `prefix` (letters, digits, `-`, `_`, up to 12 characters) plus a UUID without dashes.
 */
export function newClientOrderId(prefix = 'rg'): string {
  if (!/^[A-Za-z0-9_-]{0,12}$/.test(prefix)) {
    throw new RangeError(
      `newClientOrderId: prefix must be up to 12 of [A-Za-z0-9_-], got ${JSON.stringify(prefix)}`,
    );
  }
  const id = randomUUID().replaceAll('-', '');
  return prefix === '' ? id : `${prefix}-${id}`;
}
