import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';
import { findChromium, launchChromium } from '../support/chromium.ts';
import { badgeIs, fromPage, logIn, openConsole, shows, text, until } from '../support/console-page.ts';
import { eventually, type Rig, startRig } from './harness.ts';

const found = findChromium();
if (found.path === null) {
  if (process.env.CI === 'true')
    throw new Error(`the console role test needs Chromium on CI: ${found.reason}`);
  console.log(`skipping the console role test: ${found.reason}`);
}

/** ~2 s worth of checks, 50 ms apart: how long the page may take to show a trip. */
const TRIP_CHECKS = 40;

const visible = (page: Page, selector: string) => page.locator(selector).isVisible();

describe.skipIf(found.path === null)('the risk console by role', () => {
  let rig: Rig;
  let browser: Browser;
  let viewer: CreatedApiKey;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    rig = await startRig();
    viewer = await rig.gateway.store.apiKeys.create({
      role: 'read-only',
      label: 'test viewer',
      by: 'test',
      at: Date.now(),
    });
    browser = await launchChromium(found.path ?? '');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  const open = async (key: CreatedApiKey) => {
    const page = await openConsole(browser, rig.gateway.url, problems, contexts);
    await logIn(page, key);
    return page;
  };

  it('a read-only key sees the state, profile, audit, Greeks and health, and is offered no action', async () => {
    const page = await open(viewer);
    expect(await text(page, '#who')).toContain('read-only');
    expect(await page.locator('#breakers li').count()).toBeGreaterThan(0);
    expect(await visible(page, '#actions')).toBe(false);
    expect(await visible(page, '#kill-open')).toBe(false);
    expect(await visible(page, '#reset-form')).toBe(false);
    expect(await visible(page, '#profile-edit')).toBe(false);
    await until(page, 'the profile', shows('profile-text', 'maxQuantity: 1000'));
    await until(page, 'the Greeks panel', shows('greeks', 'no options positions'));
    await until(page, 'the store health', shows('health', 'Store\\s*available'));
    expect(await text(page, '#health')).toMatch(/Broker\s*circuit closed/);
    expect(await text(page, '#indices')).toMatch(/no market indices|VIX/);
    await until(page, 'the audit table', "document.querySelector('#audit thead') !== null");
    // The gateway refuses what the page does not offer.
    expect(await page.evaluate(fromPage('POST', '/v1/kill', { reason: 'a viewer tries' }))).toBe(403);
    expect(
      await page.evaluate(fromPage('PUT', '/v1/profile?dryRun=true', { profile: { startingEquity: 1 } })),
    ).toBe(403);
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('active');
  }, 120_000);

  it('a trader is offered the kill switch but neither the reset nor the profile editor', async () => {
    const page = await open(rig.trader);
    expect(await text(page, '#who')).toContain('trader');
    expect(await visible(page, '#kill-open')).toBe(true);
    expect(await visible(page, '#reset-form')).toBe(false);
    expect(await visible(page, '#profile-edit')).toBe(false);
    await until(page, 'the profile', shows('profile-text', 'maxQuantity'));
    const before = (await rig.http('GET', '/v1/profile')).body;
    expect(
      await page.evaluate(
        fromPage('PUT', '/v1/profile', { profile: before.profile, reason: 'a trader loosens' }),
      ),
    ).toBe(403);
    expect((await rig.http('GET', '/v1/profile')).body).toEqual(before);
  }, 120_000);

  it('a risk officer is offered everything, and sees a breaker trip on the page within ~2 s of the price move', async () => {
    const page = await open(rig.officer);
    expect(await visible(page, '#kill-open')).toBe(true);
    expect(await visible(page, '#reset-form')).toBe(true);
    expect(await visible(page, '#profile-edit')).toBe(true);

    // 100 AAPL with a far stop, so the drop below is a loss on the book, not a stop fill.
    const entry = await rig.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '100',
      side: 'buy',
      type: 'limit',
      limit_price: '100.5',
      time_in_force: 'gtc',
      order_class: 'bracket',
      take_profit: { limit_price: '150' },
      stop_loss: { stop_price: '50' },
      client_order_id: 'roles-aapl',
    });
    expect(entry.status).toBe(200);
    rig.sim.setQuote('AAPL', 100, 100.02);
    await eventually(
      async () => (await rig.http('GET', '/v1/state')).body.positions.length === 1,
      'the fill',
    );
    await until(page, 'the position', shows('positions', 'AAPL'));
    expect(await page.evaluate(badgeIs('active'))).toBe(true);
    expect(await page.locator('#breakers li.tripped').count()).toBe(0);

    rig.sim.setQuote('AAPL', 85, 85.02); // −1,500 on the day against a 1,000 daily-loss limit
    await until(
      page,
      'the daily-loss trip',
      `document.querySelector('#breakers li[data-breaker="daily-loss"].tripped') !== null && ${badgeIs('reducing')}`,
      TRIP_CHECKS,
    );
    // Tripped breakers come first, and the feed has the trip.
    expect(await page.locator('#breakers li').first().getAttribute('data-breaker')).toBe('daily-loss');
    expect(await text(page, '#state-reason')).toContain('DAILY_LOSS_LIMIT');
    await until(
      page,
      'the trip in the feed',
      `document.querySelector('#feed li[data-type="trip"]') !== null`,
    );
    const state = (await rig.http('GET', '/v1/state')).body;
    expect(state.tradingState.state).toBe('reducing');
  }, 120_000);

  it('loaded everything under the Content-Security-Policy without a script error', () => {
    expect(problems).toEqual([]);
  });
});
