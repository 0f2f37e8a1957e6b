import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord } from '../../store/api-keys.ts';
import type { Principal } from './api-key-auth.ts';

/** A browser session unused for this long ends, in milliseconds (30 minutes). */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;
/** A browser session ends this long after login whatever its use, in milliseconds (12 hours). */
export const DEFAULT_SESSION_MAX_MS = 12 * 3_600_000;
/** Sessions one key may hold at once; a login beyond it ends that key's oldest session. */
export const MAX_SESSIONS_PER_KEY = 20;
/** How long a session trusts that its key is still valid before asking the store again, in milliseconds. */
export const SESSION_KEY_CHECK_MS = 5_000;

/** A logged-in browser: who it is, its CSRF token and its lifetime. */
export interface Session {
  readonly principal: Principal;
  /** Must come back in `x-csrf-token` on every state-changing request the session makes. */
  readonly csrfToken: string;
  /** Epoch ms of the login. */
  readonly createdAt: number;
  /** Epoch ms of the last authenticated request. */
  lastUsedAt: number;
  /** Epoch ms when the key was last found valid in the store. */
  keyCheckedAt: number;
  /** Set once the session ended (logout, expiry, revocation). */
  ended: boolean;
}

/** The store read a session needs: the key by id, to notice a revocation. */
export interface KeyLookup {
  find(keyId: string): Promise<ApiKeyRecord | null>;
}

/**
 * Server-side browser sessions, in memory: a random 256-bit id (the cookie's value) maps to the
 * key's principal, a CSRF token and the session's times. Only a SHA-256 of each id is kept, so
 * the lookup's timing says nothing about stored ids. A restart ends every session (users log in
 * again); each instance of a group has its own.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #keys: KeyLookup;
  readonly #idleMs: number;
  readonly #maxMs: number;
  readonly #now: () => number;

  constructor(
    keys: KeyLookup,
    options: { readonly idleMs: number; readonly maxMs: number; readonly now?: () => number },
  ) {
    this.#keys = keys;
    this.#idleMs = options.idleMs;
    this.#maxMs = options.maxMs;
    this.#now = options.now ?? Date.now;
  }

  /** Opens a session for a verified key; returns its id (for the cookie only, never logged). */
  open(principal: Principal): { readonly id: string; readonly session: Session } {
    const now = this.#now();
    this.#sweep(now);
    const mine = [...this.#sessions].filter(([, s]) => s.principal.keyId === principal.keyId);
    // Insertion order is login order: the oldest go first.
    for (const [digest, s] of mine.slice(0, Math.max(0, mine.length - MAX_SESSIONS_PER_KEY + 1))) {
      s.ended = true;
      this.#sessions.delete(digest);
    }
    const id = randomBytes(32).toString('base64url');
    const session: Session = {
      principal,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastUsedAt: now,
      keyCheckedAt: now,
      ended: false,
    };
    this.#sessions.set(digest(id), session);
    return { id, session };
  }

  /**
   * The live session with this id, its idle timer restarted (`touch`); undefined when unknown,
   * ended or expired. Synchronous; {@link keyStillValid} tells whether the key must be rechecked.
   */
  find(id: string | undefined, touch = true): Session | undefined {
    if (id === undefined || id === '') return undefined;
    const key = digest(id);
    const session = this.#sessions.get(key);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (now >= this.expiresAt(session)) {
      session.ended = true;
      this.#sessions.delete(key);
      return undefined;
    }
    if (touch) session.lastUsedAt = now;
    return session;
  }

  /** Restarts the session's idle timer: it was used for an admitted request. */
  touch(session: Session): void {
    session.lastUsedAt = this.#now();
  }

  /** True while the session has not ended and not expired. */
  isLive(session: Session): boolean {
    if (!session.ended && this.#now() >= this.expiresAt(session)) this.#endWhere((s) => s === session);
    return !session.ended;
  }

  /**
   * True when the session's key is still valid: at once when it was checked within
   * {@link SESSION_KEY_CHECK_MS}, else from the store. A revoked or deleted key ends every
   * session of that key. While the store cannot be read the session stays valid, as a key
   * verified before does for API-key requests, so kills keep working through an outage.
   */
  async keyStillValid(session: Session): Promise<boolean> {
    const now = this.#now();
    if (now - session.keyCheckedAt < SESSION_KEY_CHECK_MS) return !session.ended;
    session.keyCheckedAt = now;
    let record: ApiKeyRecord | null;
    try {
      record = await this.#keys.find(session.principal.keyId);
    } catch {
      return !session.ended;
    }
    if (record === null || record.revokedAt !== null) {
      this.closeKey(session.principal.keyId);
      return false;
    }
    return !session.ended;
  }

  /** Whether `presented` is the session's CSRF token, compared in constant time. */
  csrfMatches(session: Session, presented: string | undefined): boolean {
    if (presented === undefined) return false;
    const a = Buffer.from(presented, 'utf8');
    const b = Buffer.from(session.csrfToken, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Epoch ms when the session ends unless used again (the earlier of idle and absolute). */
  expiresAt(session: Session): number {
    return Math.min(session.lastUsedAt + this.#idleMs, session.createdAt + this.#maxMs);
  }

  /** Epoch ms when the session ends whatever its use. */
  absoluteExpiresAt(session: Session): number {
    return session.createdAt + this.#maxMs;
  }

  /** Ends the session with this id (logout); false when there was none. */
  close(id: string | undefined): boolean {
    if (id === undefined) return false;
    const key = digest(id);
    const session = this.#sessions.get(key);
    if (session === undefined) return false;
    session.ended = true;
    return this.#sessions.delete(key);
  }

  /** Ends every session of a key (it was revoked); returns how many ended. */
  closeKey(keyId: string): number {
    return this.#endWhere((s) => s.principal.keyId === keyId);
  }

  /** Sessions currently held (expired ones are dropped at the next login). */
  get size(): number {
    return this.#sessions.size;
  }

  #sweep(now: number): void {
    this.#endWhere((s) => now >= this.expiresAt(s));
  }

  #endWhere(predicate: (s: Session) => boolean): number {
    let ended = 0;
    for (const [key, s] of this.#sessions) {
      if (!predicate(s)) continue;
      s.ended = true;
      this.#sessions.delete(key);
      ended++;
    }
    return ended;
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}
