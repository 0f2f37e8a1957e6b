import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../support/chromium.ts';
import { logIn, openConsole, shows, text, until } from '../support/console-page.ts';
import { eventually, type Rig, startRig } from './harness.ts';

const found = findChromium();
if (found.path === null) {
  if (process.env.CI === 'true')
    throw new Error(`the console Greeks test needs Chromium on CI: ${found.reason}`);
  console.log(`skipping the console Greeks test: ${found.reason}`);
}

const CALL = 'AAPL270115C00200000';

/** A profile with an options section, so the gateway values option positions. */
const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 }
    exposure: { symbol: { usd: 30000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 40 }
    options:
      rate: 0.04
      limits:
        netDelta: { shares: 300 }
        contracts: { perUnderlying: 20 }
`;

describe.skipIf(found.path === null)('the Greeks panel', () => {
  let rig: Rig;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    rig = await startRig({ profile: PROFILE });
    rig.sim.setQuote('AAPL', 199.99, 200.01);
    browser = await launchChromium(found.path ?? '');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('says there are no options positions, then shows the portfolio Greeks of the calls bought', async () => {
    const page = await openConsole(browser, rig.gateway.url, problems, contexts);
    await logIn(page, rig.trader);
    await until(page, 'no options positions', shows('greeks', 'no options positions'));

    const order = await rig.http('POST', '/v2/orders', {
      symbol: CALL,
      qty: '5',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(order.status).toBe(200);
    // The exchange fills market orders on the next quote of the underlying.
    const state = await eventually(async () => {
      rig.sim.setQuote('AAPL', 199.99, 200.01);
      const s = (await rig.http('GET', '/v1/state')).body;
      return s.greeks?.totals?.contracts?.gross === 5 ? s : undefined;
    }, 'the calls in the Greeks');
    expect(state.greeks.totals.dollarDelta).toBeGreaterThan(0);

    await until(page, 'the Greeks of the calls', shows('greeks', 'Contracts\\s*5 gross · 5 net'));
    const panel = await text(page, '#greeks');
    expect(panel).toMatch(/Dollar delta\s*\$[\d,]+\.\d\d/);
    expect(panel).not.toContain('no options positions');
    const row = await text(page, '#greeks tbody tr');
    expect(row).toMatch(/^AAPL\s/);
    expect(row).toMatch(/\s5$/);
  }, 120_000);

  it('loaded everything under the Content-Security-Policy without a script error', () => {
    expect(problems).toEqual([]);
  });
});
