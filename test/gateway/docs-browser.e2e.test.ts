import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../support/chromium.ts';
import { type Rig, startRig } from './harness.ts';

const found = findChromium();
if (found.path === null) {
  if (process.env.CI === 'true')
    throw new Error(`the docs browser test needs Chromium on CI: ${found.reason}`);
  console.log(`skipping the docs browser test: ${found.reason}`);
}

/** How many times a condition on the page is checked, 50 ms apart, before the test gives up. */
const ATTEMPTS = 600;

/** Waits until `check` (page code, as text: this file is compiled without the DOM types) holds. */
async function until(page: Page, what: string, check: string): Promise<void> {
  for (let i = 0; i < ATTEMPTS; i++) {
    if (await page.evaluate(check)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`the page never showed ${what}`);
}

/** The operation block of `method path` as Swagger UI renders it. */
const block = (method: string, path: string) =>
  `.opblock-${method}:has(.opblock-summary-path[data-path="${path}"])`;

describe.skipIf(found.path === null)('the interactive reference in a browser', () => {
  let rig: Rig;
  let browser: Browser;
  let page: Page;
  /** Script errors, console errors and Content-Security-Policy violations on the page. */
  const problems: string[] = [];
  /** Every address the page loaded or called. */
  const requested: string[] = [];

  beforeAll(async () => {
    rig = await startRig();
    browser = await launchChromium(found.path ?? '');
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => requested.push(r.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
    });
    // A violation is reported as an event on the document even when nothing is logged.
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    );
    await page.goto(`${rig.gateway.url}/docs`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('renders every operation of the document, POST /v2/orders among them', async () => {
    await until(
      page,
      'the order operation',
      `document.querySelector('${block('post', '/v2/orders')}') !== null`,
    );
    const doc = (await (await fetch(`${rig.gateway.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const count = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(await page.locator('.opblock').count()).toBe(count);
    expect(await page.locator(block('post', '/v2/orders')).innerText()).toMatch(/submitOrder/);
    // The schemas too: open the list and one model.
    await page.locator('.models-control').click();
    const order = page
      .locator('section.models article[data-json-schema-level="0"]')
      .filter({ has: page.locator('.json-schema-2020-12__title', { hasText: /^Order$/ }) });
    await order.locator('.json-schema-2020-12-accordion').first().click();
    await until(
      page,
      'the Order model',
      "/client_order_id/.test(document.querySelector('section.models').textContent)",
    );
  }, 60_000);

  it('runs a request from the page against the gateway with an API key', async () => {
    await page.evaluate(
      `window.ui.preauthorizeApiKey('keyId', ${JSON.stringify(rig.trader.key.keyId)}); window.ui.preauthorizeApiKey('secretKey', ${JSON.stringify(rig.trader.secret)})`,
    );
    const check = page.locator(block('post', '/v1/orders/check'));
    await check.locator('.opblock-summary').click();
    await check.locator('button.try-out__btn').click();
    await check.locator('button.execute').click();
    await until(
      page,
      'the answer to the dry run',
      `(document.querySelector('${block('post', '/v1/orders/check')} .live-responses-table tbody .response-col_status')?.textContent ?? '').trim() === '200'`,
    );
    const answer = await check.locator('.live-responses-table tbody .response-col_description').innerText();
    expect(answer).toMatch(/"outcome": "(accept|accept-modified|deny)"/);
  }, 60_000);

  it('runs a request with the console session cookie instead, adding its CSRF token', async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    other.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await other.goto(`${rig.gateway.url}/docs`);
    const login = await other.evaluate(`fetch('/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ${JSON.stringify(JSON.stringify({ keyId: rig.trader.key.keyId, secret: rig.trader.secret }))},
    }).then((r) => r.status)`);
    expect(login).toBe(200);
    await until(
      other,
      'the operations',
      `document.querySelector('${block('post', '/v1/orders/check')}') !== null`,
    );
    const check = other.locator(block('post', '/v1/orders/check'));
    await check.locator('.opblock-summary').click();
    await check.locator('button.try-out__btn').click();
    await check.locator('button.execute').click();
    const status = `(document.querySelector('${block('post', '/v1/orders/check')} .live-responses-table tbody .response-col_status')?.textContent ?? '').trim()`;
    await until(other, 'an answer', `${status} !== ''`);
    expect(await other.evaluate(status)).toBe('200');
    await context.close();
  }, 60_000);

  it('loaded nothing from another origin, with no script error or policy violation', () => {
    const origin = new URL(rig.gateway.url).origin;
    expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
