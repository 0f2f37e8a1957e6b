import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../support/chromium.ts';
import { logIn, openConsole, shows, until } from '../support/console-page.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { type Rig, sendDeniedOrders, startRig } from './harness.ts';

const found = findChromium();
if (found.path === null) {
  if (process.env.CI === 'true')
    throw new Error(`the console feed test needs Chromium on CI: ${found.reason}`);
  console.log(`skipping the console feed test: ${found.reason}`);
}

/** Events the gateway keeps for a client that reconnects: small, so a test can outrun it. */
const BUFFER = 100;

/** Page code: the feed entries of each client order id in `ids`, as where each came from. */
const sourcesOf = (ids: readonly string[]) =>
  `(${JSON.stringify(ids)}).map((id) => [...document.querySelectorAll('#feed li[data-order="' + id + '"]')].map((li) => li.dataset.source ?? 'live'))`;

describe.skipIf(found.path === null)('the console feed across a dropped connection', () => {
  let rig: Rig;
  let proxy: TcpProxy;
  let browser: Browser;
  let page: Page;
  let counter = 0;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    rig = await startRig({ flags: { eventBufferSize: String(BUFFER) } });
    // The page talks to the gateway through a proxy the test can cut: the connection drops
    // under the page as it does when a gateway or a load balancer in front of it goes away.
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(rig.gateway.url).port));
    browser = await launchChromium(found.path ?? '');
    page = await openConsole(browser, `http://127.0.0.1:${proxy.port}`, problems, contexts);
    await logIn(page, rig.trader);
    await until(page, 'the live stream', shows('connection', '^live$'));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await rig?.close();
  });

  /** Orders the engine denies (above the 1,000-share limit), each a decision event; straight to the gateway. */
  async function denials(n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, () => `feed-${++counter}`);
    await sendDeniedOrders(rig, ids);
    return ids;
  }

  /** Waits until every id has exactly one feed entry; returns where each came from. */
  async function shownOnce(ids: readonly string[], what: string): Promise<string[]> {
    await until(page, what, `${sourcesOf(ids)}.every((entries) => entries.length === 1)`);
    return ((await page.evaluate(sourcesOf(ids))) as string[][]).flat();
  }

  it('shows events live, then every event of a short outage once, replayed from the buffer', async () => {
    const before = await denials(2);
    expect(await shownOnce(before, 'the live decisions')).toEqual(['live', 'live']);

    await proxy.cut();
    const missed = await denials(5);
    await proxy.restore();
    await until(page, 'the stream back', shows('connection', '^live$'));
    // Replayed by the gateway from Last-Event-ID: live entries, none twice, no reset.
    expect(await shownOnce(missed, 'the decisions made while cut off')).toEqual(Array(5).fill('live'));
    expect(await page.locator('#feed li[data-type="reset"]').count()).toBe(0);
    // Event ids on the page: each once, and the missed ones right after the ones seen before.
    const ids = (await page.evaluate(
      "[...document.querySelectorAll('#feed li[data-id]')].map((li) => Number(li.dataset.id))",
    )) as number[];
    expect(new Set(ids).size).toBe(ids.length);
    const after = await denials(1);
    expect(await shownOnce(after, 'a live decision after the outage')).toEqual(['live']);
  }, 120_000);

  it('after an outage longer than the buffer, reads the gap back from the audit log, each event once', async () => {
    await proxy.cut();
    const missed = await denials(BUFFER + 30);
    await proxy.restore();
    await until(page, 'the reset', `document.querySelector('#feed li[data-type="reset"]') !== null`);
    const sources = await shownOnce(missed, 'the gap read back from the audit log');
    expect(sources).toEqual(Array(missed.length).fill('audit'));
    await until(
      page,
      'the backfill note',
      `/read back from the audit log/.test(document.querySelector('#feed li[data-type="reset"]').textContent)`,
    );
    // Backfilled entries sit under the reset, newest first.
    const order = (await page.evaluate(
      "[...document.querySelectorAll('#feed li')].map((li) => li.dataset.type === 'reset' ? 'reset' : li.dataset.order)",
    )) as string[];
    const resetAt = order.indexOf('reset');
    expect(order.slice(resetAt + 1, resetAt + 1 + missed.length)).toEqual([...missed].reverse());
    // Live events go on above it.
    const live = await denials(2);
    expect(await shownOnce(live, 'live decisions after the backfill')).toEqual(['live', 'live']);
  }, 120_000);

  it('had no script error (the loads cut off by the outage aside)', () => {
    expect(
      problems.filter(
        (p) =>
          !/ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_EMPTY_RESPONSE|Failed to fetch/.test(
            p,
          ),
      ),
    ).toEqual([]);
  });
});
