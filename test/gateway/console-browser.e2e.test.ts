import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';
import { findChromium, launchChromium } from '../support/chromium.ts';
import {
  badgeIs,
  fromPage,
  LOGIN_SHOWN,
  logIn as logInWith,
  openConsole,
  shows,
  text,
  until,
} from '../support/console-page.ts';
import { eventually, type Rig, startRig } from './harness.ts';

const found = findChromium();
if (found.path === null) {
  if (process.env.CI === 'true')
    throw new Error(`the console browser test needs Chromium on CI: ${found.reason}`);
  console.log(`skipping the console browser test: ${found.reason}`);
}

describe.skipIf(found.path === null)('the risk console in a browser', () => {
  let rig: Rig;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Script errors and refused loads (a Content-Security-Policy violation is one) on any page. */
  const problems: string[] = [];

  beforeAll(async () => {
    rig = await startRig();
    browser = await launchChromium(found.path ?? '');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  const open = (): Promise<Page> => openConsole(browser, rig.gateway.url, problems, contexts);
  const logIn = (page: Page, key: CreatedApiKey) => logInWith(page, key);

  it('a trader logs in, sees the state, cannot reset, and halts trading with the kill switch', async () => {
    const order = await rig.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
      client_order_id: 'console-aapl-1',
    });
    expect(order.status).toBe(200);
    rig.sim.setQuote('AAPL', 100, 100.02); // fills
    await eventually(
      async () => (await rig.http('GET', '/v1/state')).body.positions.length === 1,
      'the fill',
    );

    const page = await open();
    await until(page, 'the login form', LOGIN_SHOWN);
    // A wrong secret is refused on the page, and no session is made.
    await page.fill('#key-id', rig.trader.key.keyId);
    await page.fill('#secret', 'x'.repeat(43));
    await page.click('#login-submit');
    await until(page, 'the refusal', shows('login-message', 'wrong secret'));

    await logIn(page, rig.trader);
    expect(await page.evaluate(badgeIs('active'))).toBe(true);
    expect(await text(page, '#who')).toContain('trader');
    expect(await page.locator('#breakers li').count()).toBeGreaterThan(0);
    await until(page, 'the AAPL position', shows('positions', 'AAPL'));
    const row = await text(page, '#positions tbody tr');
    expect(row).toMatch(/AAPL\s+10/);
    expect(row).toMatch(/protected|pending|unprotected/);
    expect(await text(page, '#exposure')).toContain('AAPL');
    expect(await text(page, '#equity')).toMatch(/Equity\s+\$[\d,]+/);
    await until(page, 'the equity chart', "document.querySelector('#equity-chart canvas') !== null");

    // The kill switch is offered, the reset is not; and the gateway refuses a reset from this session.
    expect(await page.locator('#kill-open').isVisible()).toBe(true);
    expect(await page.locator('#reset-form').isVisible()).toBe(false);
    expect(await page.evaluate(fromPage('POST', '/v1/reset', { reason: 'a trader tries' }))).toBe(403);
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('active');

    // Cancelling the confirmation changes nothing.
    await page.click('#kill-open');
    await page.click('#kill-cancel');
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('active');

    await page.click('#kill-open');
    await page.fill('#kill-reason', 'console drill');
    await page.check('#kill-flatten');
    await page.click('#kill-confirm');
    await until(page, 'the halted state', badgeIs('halted'));
    expect(await text(page, '#state-reason')).toContain('console drill');
    expect(await text(page, '#state-detail')).toContain(rig.trader.key.keyId);
    const state = (await rig.http('GET', '/v1/state')).body;
    expect(state.tradingState.state).toBe('halted');
    expect(state.tradingState.by).toBe(rig.trader.key.keyId);
    await until(
      page,
      'the kill report',
      shows('action-message', 'Trading halted .* 1 position\\(s\\) being closed'),
    );
    // Flatten was asked for: the position is closed at the exchange.
    rig.sim.setQuote('AAPL', 100, 100.02);
    await eventually(
      async () => (await rig.http('GET', '/v1/state')).body.positions.length === 0,
      'the flatten',
    );
    await until(page, 'no positions', shows('positions', 'no positions'));
    // The change came over the event stream too.
    await until(
      page,
      'the state event in the feed',
      `[...document.querySelectorAll('#feed li[data-type="state"]')].some((li) => /halted/.test(li.textContent))`,
    );

    await page.click('#logout');
    await until(page, 'the login page after logout', LOGIN_SHOWN);
    expect((await page.context().cookies()).filter((c) => c.name === 'riskgate_session')).toEqual([]);
  }, 120_000);

  it('a risk officer resets with a reason; an ended session returns to the login page', async () => {
    const page = await open();
    await logIn(page, rig.officer);
    await until(page, 'the halted state', badgeIs('halted'));
    expect(await page.locator('#reset-form').isVisible()).toBe(true);

    // No reason, no reset: the form refuses it and nothing is sent.
    await page.click('#reset-submit');
    expect((await rig.http('GET', '/v1/state')).body.tradingState.state).toBe('halted');

    await page.fill('#reset-reason', 'drill over, checked with the desk');
    await page.click('#reset-submit');
    await until(page, 'the active state', badgeIs('active'));
    const state = (await rig.http('GET', '/v1/state')).body;
    expect(state.tradingState.state).toBe('active');
    expect(state.tradingState.by).toBe(rig.officer.key.keyId);
    expect(state.tradingState.reason).toContain('drill over');

    // The session ends behind the page's back (as at expiry or revocation): the next read gets
    // 401 and the page asks to log in again.
    expect(await page.evaluate(fromPage('DELETE', '/v1/session'))).toBe(204);
    await until(page, 'the login page after the session ended', LOGIN_SHOWN);
    expect(await text(page, '#login-message')).toMatch(/session ended/);
  }, 120_000);

  it('loaded everything under the Content-Security-Policy without a script error', () => {
    expect(problems).toEqual([]);
  });
});
