import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.ts';
import { ApiKeyAuth, sameSecret } from './api-key-auth.ts';

describe('api key auth while the store cannot be read', () => {
  it('still accepts a pair it verified before, and refuses any other', async () => {
    const store = await openStore({ memory: true });
    const trader = await store.apiKeys.create({ role: 'trader', label: 'bot', by: 'test', at: Date.now() });
    const other = await store.apiKeys.create({ role: 'trader', label: 'other', by: 'test', at: Date.now() });
    // A zero time-to-live: every request goes to the store, as once the cache entry expired.
    const auth = new ApiKeyAuth(store, 0);
    expect((await auth.verify(trader.key.keyId, trader.secret))?.role).toBe('trader');

    await store.close(); // every read now fails
    expect((await auth.verify(trader.key.keyId, trader.secret))?.keyId).toBe(trader.key.keyId);
    expect(await auth.verify(trader.key.keyId, `${trader.secret.slice(0, -1)}x`)).toBeNull();
    expect(await auth.verify(other.key.keyId, other.secret)).toBeNull();
  }, 120_000); // the embedded store's initdb is slow on a loaded machine
});

describe('the label of a key for the logs', () => {
  it('comes from a verification, else from the store, and is undefined for anything that is not a known key', async () => {
    const store = await openStore({ memory: true });
    const verified = await store.apiKeys.create({
      role: 'trader',
      label: 'desk bot',
      by: 'test',
      at: Date.now(),
    });
    const elsewhere = await store.apiKeys.create({
      role: 'risk-officer',
      label: 'officer on another instance',
      by: 'test',
      at: Date.now(),
    });
    const auth = new ApiKeyAuth(store);
    await auth.verify(verified.key.keyId, verified.secret);
    expect(await auth.label(verified.key.keyId)).toBe('desk bot');
    // Never verified here (e.g. a kill handed over from another instance): read from the store.
    expect(await auth.label(elsewhere.key.keyId)).toBe('officer on another instance');
    expect(await auth.label('engine')).toBeUndefined();
    expect(await auth.label('rk_0000000000000000')).toBeUndefined();
    await store.close();
    // The store unreadable: a key verified before still has its label, any other has none.
    expect(await auth.label(verified.key.keyId)).toBe('desk bot');
    expect(await auth.label(elsewhere.key.keyId)).toBeUndefined();
  }, 120_000);
});

describe('the cache of verified keys', () => {
  it('never answers a wrong secret for a cached key id, and keeps the right one cached', async () => {
    const store = await openStore({ memory: true });
    const trader = await store.apiKeys.create({ role: 'trader', label: 'bot', by: 'test', at: Date.now() });
    const auth = new ApiKeyAuth(store);
    const id = trader.key.keyId;
    expect((await auth.verify(id, trader.secret))?.role).toBe('trader');
    expect(auth.cached(id, trader.secret)?.keyId).toBe(id);
    const wrong = `${trader.secret.slice(0, -1)}${trader.secret.endsWith('A') ? 'B' : 'A'}`;
    expect(auth.cached(id, wrong)).toBeUndefined();
    expect(auth.cached(id, `${trader.secret}x`)).toBeUndefined();
    expect(auth.cached(id, '')).toBeUndefined();
    expect(await auth.verify(id, wrong)).toBeNull();
    // Another key's secret under this id, or this secret under another id, is refused too.
    const other = await store.apiKeys.create({ role: 'trader', label: 'other', by: 'test', at: Date.now() });
    await auth.verify(other.key.keyId, other.secret);
    expect(auth.cached(id, other.secret)).toBeUndefined();
    expect(await auth.verify(id, other.secret)).toBeNull();
    expect(await auth.verify(other.key.keyId, trader.secret)).toBeNull();
    expect(auth.cached(id, trader.secret)?.keyId).toBe(id);
    await store.close();
  }, 120_000);

  it('refuses a revoked key at once when told, and otherwise within its time to live', async () => {
    const store = await openStore({ memory: true });
    const a = await store.apiKeys.create({ role: 'trader', label: 'a', by: 'test', at: Date.now() });
    const b = await store.apiKeys.create({ role: 'trader', label: 'b', by: 'test', at: Date.now() });
    let now = 1_000_000;
    const auth = new ApiKeyAuth(store, 5_000, { now: () => now });
    await auth.verify(a.key.keyId, a.secret);
    await auth.verify(b.key.keyId, b.secret);

    // Revoked, and this gateway is told: refused on the next request.
    await store.apiKeys.revoke(a.key.keyId, { by: 'test', at: Date.now() });
    auth.invalidate(a.key.keyId);
    expect(auth.cached(a.key.keyId, a.secret)).toBeUndefined();
    expect(await auth.verify(a.key.keyId, a.secret)).toBeNull();

    // Revoked elsewhere (`riskgate keys revoke` writes the store): the cached verification
    // lasts at most the time to live, the documented bound, then the store refuses the key.
    await store.apiKeys.revoke(b.key.keyId, { by: 'test', at: Date.now() });
    now += 4_999;
    expect(auth.cached(b.key.keyId, b.secret)?.keyId).toBe(b.key.keyId);
    now += 1;
    expect(auth.cached(b.key.keyId, b.secret)).toBeUndefined();
    expect(await auth.verify(b.key.keyId, b.secret)).toBeNull();
    // A refusal is not cached as a success later on either.
    expect(auth.cached(b.key.keyId, b.secret)).toBeUndefined();
    await store.close();
  }, 120_000);

  it('holds a bounded number of keys', async () => {
    const store = await openStore({ memory: true });
    const keys = [];
    for (let i = 0; i < 5; i++) {
      keys.push(
        await store.apiKeys.create({ role: 'read-only', label: `k${i}`, by: 'test', at: Date.now() }),
      );
    }
    const auth = new ApiKeyAuth(store, 5_000, { maxCached: 3 });
    for (const k of keys) {
      expect((await auth.verify(k.key.keyId, k.secret))?.keyId).toBe(k.key.keyId);
      expect(auth.size).toBeLessThanOrEqual(3);
    }
    // Re-verifying a cached key does not start the cache over.
    const last = keys.at(-1)!;
    const before = auth.size;
    auth.invalidate();
    expect(auth.size).toBe(0);
    await auth.verify(last.key.keyId, last.secret);
    await auth.verify(last.key.keyId, last.secret);
    expect(auth.size).toBe(1);
    expect(before).toBeGreaterThan(0);
    await store.close();
  }, 120_000);
});

describe('sameSecret', () => {
  it('is string equality, whatever differs and wherever', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 48 }),
        fc.string({ unit: 'binary', maxLength: 48 }),
        (a, b) => {
          expect(sameSecret(a, b)).toBe(a === b);
          expect(sameSecret(a, a)).toBe(true);
        },
      ),
    );
    const secret = '-uJMW2M607x0zljdQ7Fc-pBuqnMjHPKV_vDu8jY6gAU';
    for (let i = 0; i < secret.length; i++) {
      const changed = `${secret.slice(0, i)}${secret[i] === 'x' ? 'y' : 'x'}${secret.slice(i + 1)}`;
      expect(sameSecret(changed, secret)).toBe(false);
    }
    expect(sameSecret(secret.slice(1), secret)).toBe(false);
  });
});
