import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../support/chromium.ts';
import { logIn, openConsole, shows, text, until } from '../support/console-page.ts';
import { type Rig, startRig } from './harness.ts';

const found = findChromium();
if (found.path === null) {
  if (process.env.CI === 'true')
    throw new Error(`the console profile test needs Chromium on CI: ${found.reason}`);
  console.log(`skipping the console profile test: ${found.reason}`);
}

const saveEnabled = "!document.getElementById('profile-save').disabled";

describe.skipIf(found.path === null)('the profile editor and the audit view', () => {
  let rig: Rig;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    rig = await startRig();
    browser = await launchChromium(found.path ?? '');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  const profile = async () => (await rig.http('GET', '/v1/profile')).body;

  it('a risk officer sees the diff and a validation problem before saving, then saves with a reason', async () => {
    const page = await openConsole(browser, rig.gateway.url, problems, contexts);
    await logIn(page, rig.officer);
    await until(page, 'the profile', shows('profile-text', 'maxQuantity: 1000'));
    const before = await profile();

    await page.click('#profile-edit');
    const yaml = await page.inputValue('#profile-input');
    expect(yaml).toContain('maxQuantity: 1000');
    // A bad value: the gateway's dry run names the field, shows the edit as a change, and the
    // page offers no save.
    await page.fill('#profile-input', yaml.replace('maxQuantity: 1000', 'maxQuantity: -5'));
    await page.click('#profile-check');
    await until(
      page,
      'the problem',
      `document.querySelector('#profile-issues li[data-field="profile.orders.maxQuantity"]') !== null`,
    );
    expect(await text(page, '#profile-diff')).toMatch(/orders\.maxQuantity\s+change\s+1000\s+-5/);
    expect(await page.evaluate(saveEnabled)).toBe(false);
    expect(await profile()).toEqual(before);

    // Text that is not YAML is a problem of the text, found before anything is sent.
    await page.fill('#profile-input', 'orders: [unclosed');
    await page.click('#profile-check');
    await until(
      page,
      'the parse problem',
      `document.querySelector('#profile-issues li[data-field="(text)"]') !== null`,
    );
    expect(await page.evaluate(saveEnabled)).toBe(false);

    // A good value: the diff, no problem, and the save is offered.
    await page.fill('#profile-input', yaml.replace('maxQuantity: 1000', 'maxQuantity: 500'));
    await page.click('#profile-check');
    await until(page, 'the save offered', saveEnabled);
    expect(await text(page, '#profile-issues')).toMatch(/none/);
    expect(await text(page, '#profile-diff')).toMatch(/orders\.maxQuantity\s+change\s+1000\s+500/);
    expect(await page.locator('#profile-diff tbody tr').count()).toBe(1);
    expect(await profile()).toEqual(before);

    // An edit after the review needs a new review.
    await page.fill('#profile-input', yaml.replace('maxQuantity: 1000', 'maxQuantity: 400'));
    expect(await page.evaluate(saveEnabled)).toBe(false);
    await page.fill('#profile-input', yaml.replace('maxQuantity: 1000', 'maxQuantity: 500'));
    await page.click('#profile-check');
    await until(page, 'the save offered again', saveEnabled);

    // No reason, no save.
    await page.click('#profile-save');
    await until(page, 'the reason asked for', shows('profile-message', 'needs a reason'));
    expect(await profile()).toEqual(before);

    await page.fill('#profile-reason', 'smaller orders while the desk is short-staffed');
    await page.click('#profile-save');
    await until(page, 'the saved profile', shows('profile-text', 'maxQuantity: 500'));
    expect(await text(page, '#profile-message')).toMatch(/Saved: 1 change/);
    expect(await page.locator('#profile-form').isVisible()).toBe(false);
    const after = await profile();
    expect(after.profile.orders.maxQuantity).toBe(500);
    expect(after.source).toBe('api');
    const audit = (await rig.http('GET', '/v1/audit?kind=profile-change')).body.events;
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe(rig.officer.key.keyId);
    expect(audit[0].message).toContain('smaller orders');

    // The audit view finds it.
    await page.selectOption('#audit-kind', 'profile-change');
    await page.click('#audit-search');
    await until(page, 'the change in the audit view', shows('audit', 'smaller orders'));
    expect(await page.locator('#audit tbody tr').count()).toBe(1);
    expect(await text(page, '#audit tbody tr')).toContain(rig.officer.key.keyId);
  }, 120_000);

  it('the audit view filters by outcome and code and pages to older entries', async () => {
    // 60 denials (above the 500-share limit now in force), more than one page of 50.
    for (let i = 0; i < 60; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          rig.http('POST', '/v2/orders', {
            symbol: 'AAPL',
            qty: '800',
            side: 'buy',
            type: 'limit',
            limit_price: '10',
            time_in_force: 'day',
            client_order_id: `audit-view-${i + j}`,
          }),
        ),
      );
    }
    const page = await openConsole(browser, rig.gateway.url, problems, contexts);
    await logIn(page, rig.trader);
    await page.selectOption('#audit-outcome', 'deny');
    await page.fill('#audit-code', 'ORDER_QUANTITY_EXCEEDED');
    await page.click('#audit-search');
    await until(
      page,
      'the first page of the search',
      "[...document.querySelectorAll('#audit tbody tr')].filter((tr) => /ORDER_QUANTITY_EXCEEDED/.test(tr.textContent)).length === 50 && document.querySelectorAll('#audit tbody tr').length === 50",
    );
    expect(await page.locator('#audit-more').isVisible()).toBe(true);
    await page.click('#audit-more');
    await until(page, 'the second page', "document.querySelectorAll('#audit tbody tr').length === 60");
    expect(await page.locator('#audit-more').isVisible()).toBe(false);
    const rows = await page.locator('#audit tbody tr').allInnerTexts();
    expect(rows.every((r) => /deny/.test(r) && /ORDER_QUANTITY_EXCEEDED/.test(r))).toBe(true);
    // Newest first, each entry once.
    const seqs = rows.map((r) => Number(r.split('\t')[0]));
    expect(new Set(seqs).size).toBe(60);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    // A client order id narrows it to one.
    await page.fill('#audit-order', 'audit-view-7');
    await page.click('#audit-search');
    await until(page, 'one entry', "document.querySelectorAll('#audit tbody tr').length === 1");
    expect(await text(page, '#audit tbody tr')).toContain('audit-view-7');
  }, 120_000);

  it('loaded everything under the Content-Security-Policy without a script error', () => {
    expect(problems).toEqual([]);
  });
});
