import { describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.ts';
import { ApiKeyAuth } from './api-key-auth.ts';

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
