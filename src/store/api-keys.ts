import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { insertAuditEvents, prepareAuditEvent } from './audit-log.ts';
import type { Database } from './database.ts';
import { epochMs, epochTime, fromEpochMs, type Tables } from './sql.ts';

/**
 * What a key may do: trade, manage risk (limits, resets, kill switch), only read, or only feed
 * market index readings (a data feed, which must not be able to trade or read the account).
 */
export type ApiKeyRole = 'trader' | 'risk-officer' | 'read-only' | 'feed';

/** Every {@link ApiKeyRole}. */
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['trader', 'risk-officer', 'read-only', 'feed'];

/** An API key as stored; the secret itself is never stored, only its SHA-256. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly role: ApiKeyRole;
  readonly label: string;
  readonly createdBy: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms when revoked, or null while valid. */
  readonly revokedAt: number | null;
  readonly revokedBy: string | null;
}

/** A newly created key: the plaintext secret is returned this once and never again. */
export interface CreatedApiKey {
  readonly key: ApiKeyRecord;
  /** 32 random bytes, base64url. */
  readonly secret: string;
  /** `<keyId>.<secret>`: what a client sends. */
  readonly token: string;
}

const SECRET_BYTES = 32;
const HASH_PREFIX = 'sha256:';

function hashSecret(secret: string): string {
  return HASH_PREFIX + createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A hash compared against when the key id is unknown, so a miss costs the same as a mismatch. */
const DUMMY_HASH = hashSecret(randomBytes(SECRET_BYTES).toString('base64url'));

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Hashes have a fixed length; a length difference means a malformed stored value.
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Splits a `<keyId>.<secret>` token; null when it is not one. */
export function parseApiToken(token: string): { readonly keyId: string; readonly secret: string } | null {
  const match = /^(rk_[a-f0-9]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match === null ? null : { keyId: match[1]!, secret: match[2]! };
}

interface KeyRow {
  key_id: string;
  secret_hash: string;
  role: ApiKeyRole;
  label: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
}

const KEY_COLUMNS = `key_id, secret_hash, role, label, created_by, ${epochMs('created_at')} AS created_at,
  CASE WHEN revoked_at IS NULL THEN NULL ELSE ${epochMs('revoked_at')} END AS revoked_at, revoked_by`;

function toKey(row: KeyRow): ApiKeyRecord {
  return {
    keyId: row.key_id,
    role: row.role,
    label: row.label,
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

/**
 * API keys: random 32-byte secrets of which only a SHA-256 hash is stored (a high-entropy
 * secret needs no slow hash). Creation and revocation are audited in the same transaction.
 */
export class ApiKeyRepository {
  readonly #db: Database;
  readonly #t: Tables;

  constructor(db: Database, tables: Tables) {
    this.#db = db;
    this.#t = tables;
  }

  /** Creates a key; the returned secret is shown once and cannot be recovered later. */
  async create(options: {
    readonly role: ApiKeyRole;
    readonly label: string;
    readonly by: string;
    readonly at: number;
  }): Promise<CreatedApiKey> {
    if (!API_KEY_ROLES.includes(options.role))
      throw new RangeError(`unknown role ${JSON.stringify(options.role)}`);
    epochTime(options.at, 'key creation time');
    const keyId = `rk_${randomBytes(8).toString('hex')}`;
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    const audit = prepareAuditEvent({
      at: options.at,
      kind: 'api-key',
      actor: options.by,
      codes: ['API_KEY_CREATED'],
      message: `created ${options.role} key ${keyId} (${options.label})`,
      data: { keyId, role: options.role, label: options.label },
    });
    const t = this.#t;
    const row = await this.#db.transaction(async (tx) => {
      const { rows } = await tx.query<KeyRow>(
        `INSERT INTO ${t.api_keys} (key_id, secret_hash, role, label, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, ${fromEpochMs('$6')}) RETURNING ${KEY_COLUMNS}`,
        [keyId, hashSecret(secret), options.role, options.label, options.by, options.at],
      );
      await insertAuditEvents(tx, t, [audit]);
      return rows[0]!;
    });
    return { key: toKey(row), secret, token: `${keyId}.${secret}` };
  }

  /**
   * Checks a key id and secret in constant time (an unknown id is compared against a dummy
   * hash). Returns the key when it exists, is not revoked and the secret matches; else null.
   */
  async verify(keyId: string, secret: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.#db.query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM ${this.#t.api_keys} WHERE key_id = $1`,
      [keyId],
    );
    const row = rows[0];
    const matches = constantTimeEqual(hashSecret(secret), row?.secret_hash ?? DUMMY_HASH);
    if (row === undefined || !matches || row.revoked_at !== null) return null;
    return toKey(row);
  }

  /** Checks a `<keyId>.<secret>` token; null when malformed, unknown, revoked or wrong. */
  async verifyToken(token: string): Promise<ApiKeyRecord | null> {
    const parsed = parseApiToken(token);
    if (parsed === null) {
      constantTimeEqual(hashSecret(token), DUMMY_HASH);
      return null;
    }
    return this.verify(parsed.keyId, parsed.secret);
  }

  /** The key with this id, revoked or not; null when there is none. */
  async find(keyId: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.#db.query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM ${this.#t.api_keys} WHERE key_id = $1`,
      [keyId],
    );
    const row = rows[0];
    return row === undefined ? null : toKey(row);
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.#db.query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM ${this.#t.api_keys} ORDER BY created_at, key_id`,
    );
    return rows.map(toKey);
  }

  /** Revokes a key; resolves true if it was valid and is now revoked, false if unknown or already revoked. */
  async revoke(keyId: string, options: { readonly by: string; readonly at: number }): Promise<boolean> {
    epochTime(options.at, 'revocation time');
    const audit = prepareAuditEvent({
      at: options.at,
      kind: 'api-key',
      actor: options.by,
      codes: ['API_KEY_REVOKED'],
      message: `revoked key ${keyId}`,
      data: { keyId },
    });
    const t = this.#t;
    return this.#db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE ${t.api_keys} SET revoked_at = ${fromEpochMs('$2')}, revoked_by = $3
         WHERE key_id = $1 AND revoked_at IS NULL`,
        [keyId, options.at, options.by],
      );
      if (rowCount === 0) return false;
      await insertAuditEvents(tx, t, [audit]);
      return true;
    });
  }
}
