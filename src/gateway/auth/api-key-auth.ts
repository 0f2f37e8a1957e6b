import type { ApiKeyRecord, ApiKeyRole } from '../../store/api-keys.ts';
import type { Store } from '../../store/store.ts';

/** Who made a request: the key and its role. */
export interface Principal {
  readonly keyId: string;
  readonly role: ApiKeyRole;
  readonly label: string;
}

/** What each role may do. */
export type Permission = 'read' | 'trade' | 'kill' | 'manage-risk' | 'post-indices';

const GRANTS: Readonly<Record<ApiKeyRole, ReadonlySet<Permission>>> = {
  'read-only': new Set(['read']),
  // A trader may stop trading (kill) but never lift a halt or change limits.
  trader: new Set(['read', 'trade', 'kill']),
  'risk-officer': new Set(['read', 'trade', 'kill', 'manage-risk']),
  // A data feed posts index readings and nothing else: a leaked feed key cannot trade or read.
  feed: new Set(['post-indices']),
};

/** True when the role has the permission. */
export function allows(role: ApiKeyRole, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

interface Cached {
  /** The secret that was verified against the stored hash. */
  readonly secret: string;
  readonly principal: Principal;
  readonly expiresAt: number;
}

/** The form of a riskgate key id. */
const KEY_ID = /^rk_[a-f0-9]{16}$/;

/** Most key ids cached at once by default; beyond it the cache starts over. */
const MAX_CACHED = 10_000;

/** Options of {@link ApiKeyAuth} beyond the store and the time to live. */
export interface ApiKeyAuthOptions {
  /** Most key ids cached at once; beyond it the cache starts over (default 10,000). */
  readonly maxCached?: number;
  /** The clock, in epoch ms (tests step it). */
  readonly now?: () => number;
}

/**
 * Verifies riskgate API keys sent in the headers Alpaca clients already send. Keys are checked
 * against the store (only hashes are stored); a verified key id and secret pair is cached for
 * `ttlMs`, so a request with a known key costs one constant-time comparison instead of a
 * database read and a SHA-256. Keys are revoked in the store (`riskgate keys revoke`), so the
 * time to live bounds how long a revoked key keeps working on every instance (5 s, as
 * documented); {@link invalidate} forgets a key at once. Only successes are cached: a wrong
 * secret for a cached key id never matches the entry and goes to the store.
 */
export class ApiKeyAuth {
  readonly #store: Store;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, Cached>();
  readonly #maxCached: number;
  readonly #now: () => number;

  constructor(store: Store, ttlMs = 5_000, options: ApiKeyAuthOptions = {}) {
    this.#store = store;
    this.#ttlMs = ttlMs;
    this.#maxCached = options.maxCached ?? MAX_CACHED;
    this.#now = options.now ?? Date.now;
  }

  /** How many key ids are cached. */
  get size(): number {
    return this.#cache.size;
  }

  /**
   * The principal of a pair verified within the last `ttlMs`, or undefined when the pair must
   * be checked against the store ({@link verify}). Synchronous, for the request path.
   */
  cached(keyId: string | undefined, secret: string | undefined): Principal | undefined {
    return this.#match(keyId, secret, this.#now());
  }

  /** The cached principal when the pair matches an entry still valid at `now`. */
  #match(keyId: string | undefined, secret: string | undefined, now: number): Principal | undefined {
    if (typeof keyId !== 'string' || typeof secret !== 'string') return undefined;
    const hit = this.#cache.get(keyId);
    if (hit === undefined || hit.expiresAt <= now) return undefined;
    return sameSecret(secret, hit.secret) ? hit.principal : undefined;
  }

  /** The principal for a key id and secret, or null when unknown, revoked or wrong. */
  async verify(keyId: string | undefined, secret: string | undefined): Promise<Principal | null> {
    if (typeof keyId !== 'string' || typeof secret !== 'string' || keyId === '' || secret === '') return null;
    const hit = this.cached(keyId, secret);
    if (hit !== undefined) return hit;
    let record: ApiKeyRecord | null;
    try {
      record = await this.#store.apiKeys.verify(keyId, secret);
    } catch {
      // While the store cannot be read, a pair this gateway verified before is still accepted,
      // so exits, cancels and kills keep working through an outage; any other key is refused.
      return this.#match(keyId, secret, Number.NEGATIVE_INFINITY) ?? null;
    }
    if (record === null) return null;
    const principal: Principal = { keyId: record.keyId, role: record.role, label: record.label };
    if (this.#cache.size >= this.#maxCached && !this.#cache.has(keyId)) this.#cache.clear();
    this.#cache.set(keyId, {
      secret,
      principal,
      expiresAt: this.#now() + this.#ttlMs,
    });
    return principal;
  }

  /**
   * The label of a key id (for logs that name who did something), from a verification this
   * gateway made, else from the store; undefined for an unknown id, a name that is not a key id
   * (`engine`), or while the store cannot be read. Never a secret.
   */
  async label(keyId: string): Promise<string | undefined> {
    const cached = this.#cache.get(keyId)?.principal.label;
    if (cached !== undefined || !KEY_ID.test(keyId)) return cached;
    try {
      return (await this.#store.apiKeys.list()).find((k) => k.keyId === keyId)?.label;
    } catch {
      return undefined;
    }
  }

  /** Forgets cached verifications: of one key id, or of every key. */
  invalidate(keyId?: string): void {
    if (keyId === undefined) this.#cache.clear();
    else this.#cache.delete(keyId);
  }
}

/**
 * True when two secrets are equal, in time that depends on their length only: the length of a
 * secret is public (every key has the same), its characters are compared all the way through.
 * The request path runs this on every authenticated request, so it compares the strings as they
 * are rather than encoding both into buffers for `timingSafeEqual`.
 */
export function sameSecret(presented: string, known: string): boolean {
  if (presented.length !== known.length) return false;
  let difference = 0;
  for (let i = 0; i < known.length; i++) difference |= presented.charCodeAt(i) ^ known.charCodeAt(i);
  return difference === 0;
}
