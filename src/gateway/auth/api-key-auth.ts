import { createHash } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyRole } from '../../store/api-keys.ts';
import type { Store } from '../../store/store.ts';

/** Who made a request: the key and its role. */
export interface Principal {
  readonly keyId: string;
  readonly role: ApiKeyRole;
  readonly label: string;
}

/** What each role may do. */
export type Permission = 'read' | 'trade' | 'kill' | 'manage-risk';

const GRANTS: Readonly<Record<ApiKeyRole, ReadonlySet<Permission>>> = {
  'read-only': new Set(['read']),
  // A trader may stop trading (kill) but never lift a halt or change limits.
  trader: new Set(['read', 'trade', 'kill']),
  'risk-officer': new Set(['read', 'trade', 'kill', 'manage-risk']),
};

/** True when the role has the permission. */
export function allows(role: ApiKeyRole, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

interface Cached {
  readonly principal: Principal;
  readonly expiresAt: number;
}

/**
 * Verifies riskgate API keys sent in the headers Alpaca clients already send. Keys are checked
 * against the store (only hashes are stored); a verified key is cached for `ttlMs` so the
 * order path does not hit the database on every request, which bounds how long a revoked key
 * keeps working on this gateway.
 */
export class ApiKeyAuth {
  readonly #store: Store;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, Cached>();

  constructor(store: Store, ttlMs = 5_000) {
    this.#store = store;
    this.#ttlMs = ttlMs;
  }

  /** The principal for a key id and secret, or null when unknown, revoked or wrong. */
  async verify(keyId: string | undefined, secret: string | undefined): Promise<Principal | null> {
    if (typeof keyId !== 'string' || typeof secret !== 'string' || keyId === '' || secret === '') return null;
    const cacheKey = `${keyId}\u0000${createHash('sha256').update(secret).digest('base64')}`;
    const now = Date.now();
    const hit = this.#cache.get(cacheKey);
    if (hit !== undefined && hit.expiresAt > now) return hit.principal;
    let record: ApiKeyRecord | null;
    try {
      record = await this.#store.apiKeys.verify(keyId, secret);
    } catch {
      return null; // fail closed: a key that cannot be checked is not accepted
    }
    if (record === null) {
      this.#cache.delete(cacheKey);
      return null;
    }
    const principal: Principal = { keyId: record.keyId, role: record.role, label: record.label };
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(cacheKey, { principal, expiresAt: now + this.#ttlMs });
    return principal;
  }

  /** Forgets cached verifications (after a revocation through the API). */
  invalidate(): void {
    this.#cache.clear();
  }
}
