import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../store/api-keys.ts';
import type { Principal } from './api-key-auth.ts';
import { MAX_SESSIONS_PER_KEY, SESSION_KEY_CHECK_MS, SessionStore } from './session-store.ts';

const trader: Principal = { keyId: 'rk_0000000000000001', role: 'trader', label: 'desk' };

function record(revokedAt: number | null): ApiKeyRecord {
  return {
    ...trader,
    createdBy: 'test',
    createdAt: 0,
    revokedAt,
    revokedBy: revokedAt === null ? null : 'test',
  };
}

function rig(options: { idleMs: number; maxMs: number }) {
  const clock = { now: 1_000_000 };
  let stored: ApiKeyRecord | null = record(null);
  let storeDown = false;
  const sessions = new SessionStore(
    {
      find: async () => {
        if (storeDown) throw new Error('store unreachable');
        return stored;
      },
    },
    { ...options, now: () => clock.now },
  );
  return {
    clock,
    sessions,
    revoke: () => {
      stored = record(clock.now);
    },
    setStoreDown: (down: boolean) => {
      storeDown = down;
    },
  };
}

describe('SessionStore', () => {
  it('ends a session left idle, and one past its absolute lifetime however used', () => {
    const { clock, sessions } = rig({ idleMs: 1_000, maxMs: 5_000 });
    const idle = sessions.open(trader);
    clock.now += 1_000;
    expect(sessions.find(idle.id)).toBeUndefined();
    const busy = sessions.open(trader);
    for (let i = 0; i < 5; i++) {
      clock.now += 900;
      expect(sessions.find(busy.id)).toBe(busy.session);
    }
    clock.now += 900;
    expect(sessions.find(busy.id)).toBeUndefined();
    expect(busy.session.ended).toBe(true);
  });

  it('knows a session only by its exact id, and a CSRF token only by its exact value', () => {
    const { sessions } = rig({ idleMs: 60_000, maxMs: 60_000 });
    const { id, session } = sessions.open(trader);
    expect(sessions.find(`${id}x`)).toBeUndefined();
    expect(sessions.find(undefined)).toBeUndefined();
    expect(sessions.csrfMatches(session, session.csrfToken)).toBe(true);
    expect(sessions.csrfMatches(session, `${session.csrfToken.slice(0, -1)}A`)).toBe(
      session.csrfToken.endsWith('A'),
    );
    expect(sessions.csrfMatches(session, undefined)).toBe(false);
  });

  it('ends every session of a revoked key at the next check, but not while the store is down', async () => {
    const { clock, sessions, revoke, setStoreDown } = rig({ idleMs: 600_000, maxMs: 600_000 });
    const a = sessions.open(trader);
    const b = sessions.open(trader);
    revoke();
    // Checked moments ago: trusted until the next check.
    expect(await sessions.keyStillValid(a.session)).toBe(true);
    clock.now += SESSION_KEY_CHECK_MS;
    setStoreDown(true);
    expect(await sessions.keyStillValid(a.session)).toBe(true);
    setStoreDown(false);
    clock.now += SESSION_KEY_CHECK_MS;
    expect(await sessions.keyStillValid(a.session)).toBe(false);
    expect(sessions.find(b.id)).toBeUndefined();
    expect(sessions.isLive(b.session)).toBe(false);
  });

  it(`keeps at most ${MAX_SESSIONS_PER_KEY} sessions per key, ending the oldest`, () => {
    const { sessions } = rig({ idleMs: 600_000, maxMs: 600_000 });
    const opened = Array.from({ length: MAX_SESSIONS_PER_KEY + 2 }, () => sessions.open(trader));
    expect(sessions.size).toBe(MAX_SESSIONS_PER_KEY);
    expect(sessions.find(opened[0]!.id)).toBeUndefined();
    expect(sessions.find(opened[1]!.id)).toBeUndefined();
    expect(sessions.find(opened.at(-1)!.id)).toBeDefined();
  });
});
