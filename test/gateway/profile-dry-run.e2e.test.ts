import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rig, startRig } from './harness.ts';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(async () => rig.close());

const current = async () => (await rig.http('GET', '/v1/profile')).body;
const profileChanges = async () =>
  (await rig.http('GET', '/v1/audit?kind=profile-change')).body.events.length as number;
const fieldsOf = (body: { riskgate: { issues: { field: string }[] } }) =>
  body.riskgate.issues.map((i) => i.field);

describe('PUT /v1/profile?dryRun=true', () => {
  it('answers the diff the change would make, changing nothing; the real change then gives the same diff', async () => {
    const before = await current();
    const edited = { ...before.profile, orders: { ...before.profile.orders, maxQuantity: 500 } };
    // No reason is needed to look.
    const dry = await rig.http('PUT', '/v1/profile?dryRun=true', { profile: edited }, rig.officer);
    expect(dry.status).toBe(200);
    expect(dry.body.applied).toBe(false);
    expect(dry.body.issues).toEqual([]);
    expect(dry.body.diff).toEqual([{ path: 'orders.maxQuantity', op: 'change', before: 1000, after: 500 }]);
    expect(dry.body.profile.orders.maxQuantity).toBe(500);
    expect(await current()).toEqual(before);
    expect(await profileChanges()).toBe(0);
    // The new limit is not in force: 600 shares are still fine for a dry-run order check.
    const check = await rig.http('POST', '/v1/orders/check', {
      symbol: 'AAPL',
      qty: '600',
      side: 'buy',
      type: 'limit',
      limit_price: '10',
      time_in_force: 'day',
    });
    expect(check.status).toBe(200);
    expect(check.body.violations.map((v: { code: string }) => v.code)).not.toContain(
      'ORDER_QUANTITY_EXCEEDED',
    );

    const real = await rig.http(
      'PUT',
      '/v1/profile',
      { profile: edited, reason: 'smaller orders' },
      rig.officer,
    );
    expect(real.status).toBe(200);
    expect(real.body.applied).toBe(true);
    expect(real.body.diff).toEqual(dry.body.diff);
    expect((await current()).profile.orders.maxQuantity).toBe(500);
    expect(await profileChanges()).toBe(1);
  }, 60_000);

  it('refuses a bad profile with 422 naming each field, with the diff as written, and changes nothing', async () => {
    const before = await current();
    const edited = {
      ...before.profile,
      orders: { ...before.profile.orders, maxQuantity: -5 },
      breakers: { ...before.profile.breakers, dailyLoss: { usd: 'lots', action: 'reducing' } },
    };
    const dry = await rig.http('PUT', '/v1/profile?dryRun=true', { profile: edited }, rig.officer);
    expect(dry.status).toBe(422);
    expect(dry.body.applied).toBe(false);
    const fields = fieldsOf(dry.body);
    expect(fields).toContain('profile.orders.maxQuantity');
    expect(fields.some((f: string) => f.startsWith('profile.breakers.dailyLoss'))).toBe(true);
    expect(dry.body.message).toMatch(/profile\.orders\.maxQuantity/);
    expect(dry.body.diff).toContainEqual({
      path: 'orders.maxQuantity',
      op: 'change',
      before: before.profile.orders.maxQuantity,
      after: -5,
    });
    // The real change refuses the same fields.
    const real = await rig.http('PUT', '/v1/profile', { profile: edited, reason: 'try' }, rig.officer);
    expect(real.status).toBe(422);
    expect(fieldsOf(real.body)).toEqual(fields);
    expect(await current()).toEqual(before);
  }, 60_000);

  it('refuses a switch between paper and live as the real change does', async () => {
    const before = await current();
    const dry = await rig.http(
      'PUT',
      '/v1/profile?dryRun=true',
      { profile: { ...before.profile, mode: 'live' } },
      rig.officer,
    );
    expect(dry.status).toBe(422);
    expect(fieldsOf(dry.body)).toEqual(['profile.mode']);
    expect(await current()).toEqual(before);
  });

  it('refuses a dryRun that is not true or false, naming it, and changes nothing', async () => {
    const before = await current();
    const edited = { ...before.profile, orders: { ...before.profile.orders, maxQuantity: 7 } };
    for (const value of ['yes', '1', '']) {
      const r = await rig.http(
        'PUT',
        `/v1/profile?dryRun=${value}`,
        { profile: edited, reason: 'x' },
        rig.officer,
      );
      expect(r.status, value).toBe(422);
      expect(fieldsOf(r.body), value).toEqual(['dryRun']);
    }
    expect(await current()).toEqual(before);
  });

  it('dryRun=false is the real change: a reason is required', async () => {
    const before = await current();
    const r = await rig.http('PUT', '/v1/profile?dryRun=false', { profile: before.profile }, rig.officer);
    expect(r.status).toBe(422);
    expect(fieldsOf(r.body)).toEqual(['reason']);
  });

  it('is for risk officers only, as the change is', async () => {
    const before = await current();
    const r = await rig.http('PUT', '/v1/profile?dryRun=true', { profile: before.profile }, rig.trader);
    expect(r.status).toBe(403);
  });
});
