import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStrategy } from '../../src/backtest/load-strategy.ts';
import { toHtmlReport } from '../../src/backtest/report/html-report.ts';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import { generateSyntheticMarket } from '../../src/backtest/synthetic-market.ts';
import { loadRiskProfile } from '../../src/platform/profile-file.ts';
import { dailyBars, market, run, scripted } from '../support/backtest-fixtures.ts';
import { findChromium, launchChromium } from '../support/chromium.ts';
import { until } from '../support/console-page.ts';

const found = findChromium();
if (found.path === null) {
  if (process.env.CI === 'true')
    throw new Error(`the report browser test needs Chromium on CI: ${found.reason}`);
  console.log(`skipping the report browser test: ${found.reason}`);
}

const root = new URL('../../', import.meta.url).pathname;

describe.skipIf(found.path === null)('the HTML report in a browser, opened from disk', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  let trades: number;
  const problems: string[] = [];

  beforeAll(async () => {
    // The README's run: the breakout strategy over the seeded synthetic market.
    const data = generateSyntheticMarket({ seed: 7, symbols: 12, sessions: 1500 });
    const result = runBacktest({
      data,
      strategy: await loadStrategy(join(root, 'examples/strategies/breakout.ts')),
      profile: await loadRiskProfile(join(root, 'examples/profiles/backtest-daily.yaml')),
    });
    trades = result.trades.length;
    dir = mkdtempSync(join(tmpdir(), 'riskgate-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, toHtmlReport(result, { data }));
    browser = await launchChromium(found.path ?? '');
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    // Nothing may be fetched from the network: the file is self-contained.
    await context.route(/^https?:/, (route) => {
      problems.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    await page.goto(pathToFileURL(file).href);
    await until(page, 'the price chart', "document.querySelector('#chart-price canvas') !== null");
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the equity, drawdown, exposure and price charts on canvases of non-zero size', async () => {
    for (const id of ['chart-equity', 'chart-drawdown', 'chart-exposure', 'chart-price']) {
      const size = await page.evaluate(
        `(() => { const c = document.querySelector('#${id} canvas'); return c && [c.width, c.height]; })()`,
      );
      expect(size, id).not.toBeNull();
      const [w, h] = size as [number, number];
      expect(w, id).toBeGreaterThan(300);
      expect(h, id).toBeGreaterThan(100);
    }
    const labels = await page.locator('#chart-equity .u-legend .u-series .u-label').allInnerTexts();
    expect(labels).toEqual(expect.arrayContaining(['Equity', 'Buy & hold TECA']));
    expect(await page.locator('#chart-price .u-legend .u-label').allInnerTexts()).toEqual(
      expect.arrayContaining(['Close', 'Entry', 'Exit', 'Stop']),
    );
    expect(problems).toEqual([]);
  });

  it('shows the values under the cursor in the legend when hovering over the equity chart', async () => {
    const over = page.locator('#chart-equity .u-over');
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    const equityValue = '#chart-equity .u-legend .u-series:nth-child(2) .u-value';
    const read = async (fraction: number) => {
      await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
      return page.locator(equityValue).innerText();
    };
    const early = await read(0.2);
    const late = await read(0.8);
    expect(early).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(late).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(late).not.toBe(early);
    // The time in the legend is a date; the drawdown chart's cursor follows (synced).
    expect(await page.locator('#chart-equity .u-legend .u-series:first-child .u-value').innerText()).toMatch(
      /\d{4}|\d{1,2}\/\d{1,2}/,
    );
    expect(
      await page.locator('#chart-drawdown .u-legend .u-series:nth-child(2) .u-value').innerText(),
    ).toMatch(/^-?\d+\.\d\d%$/);
  });

  it('zooms all three time charts by a drag on one, and a double-click resets them', async () => {
    const over = page.locator('#chart-equity .u-over');
    /** The date in a chart's legend with the cursor near its left edge. */
    const leftDate = async (id: string) => {
      await page.locator(`#${id}`).scrollIntoViewIfNeeded();
      const b = (await page.locator(`#${id} .u-over`).boundingBox())!;
      await page.mouse.move(b.x + b.width * 0.02, b.y + b.height / 2);
      return (await page.locator(`#${id} .u-legend .u-series:first-child .u-value`).innerText()).slice(0, 10);
    };
    const before = await leftDate('chart-equity');
    expect(before).toMatch(/^2015-0[12]-\d\d$/);
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.5, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
    await page.mouse.up();
    const zoomed = await leftDate('chart-equity');
    expect(zoomed > '2017-06-01' && zoomed < '2018-06-01', zoomed).toBe(true);
    expect(await leftDate('chart-drawdown')).toBe(zoomed);
    await over.scrollIntoViewIfNeeded();
    const again = (await over.boundingBox())!;
    await page.mouse.dblclick(again.x + again.width / 2, again.y + again.height / 2);
    expect(await leftDate('chart-equity')).toBe(before);
    expect(await leftDate('chart-exposure')).toBe(before);
  });

  it('switches the price chart to another symbol', async () => {
    const options = await page.locator('#price-symbol option').allInnerTexts();
    expect(options).toHaveLength(12);
    expect(options[0]).toMatch(/^[A-Z]+ \(\d+ trades?, 1,500 bars\)$/);
    await page.selectOption('#price-symbol', { index: 3 });
    await page.locator('#chart-price').scrollIntoViewIfNeeded();
    const box = (await page.locator('#chart-price .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    expect(await page.locator('#chart-price .u-legend .u-series:nth-child(2) .u-value').innerText()).toMatch(
      /^\d[\d,]*\.\d\d$/,
    );
    expect(problems).toEqual([]);
  });

  it('sorts the trade list by a click on a heading, numbers by value, a second click reverses', async () => {
    const pnlColumn = 8;
    const pnls = () =>
      page.evaluate(
        `[...document.querySelectorAll('#trades tbody tr')].map((r) => Number(r.cells[${pnlColumn - 1}].dataset.v))`,
      ) as Promise<number[]>;
    const before = await pnls();
    expect(before).toHaveLength(trades);
    await page.click(`#trades thead th:nth-child(${pnlColumn})`);
    const ascending = await pnls();
    expect(ascending).toEqual([...before].sort((a, b) => a - b));
    expect(ascending).not.toEqual(before);
    await page.click(`#trades thead th:nth-child(${pnlColumn})`);
    expect(await pnls()).toEqual([...before].sort((a, b) => b - a));
    // A text column sorts alphabetically.
    await page.click('#trades thead th:nth-child(1)');
    const symbols = await page.locator('#trades tbody tr td:first-child').allInnerTexts();
    expect(symbols).toEqual([...symbols].sort((a, b) => a.localeCompare(b)));
  });

  it('downloads the trades and the equity as CSV', async () => {
    const [tradesCsv] = await Promise.all([page.waitForEvent('download'), page.click('#csv-trades')]);
    expect(tradesCsv.suggestedFilename()).toBe('trades.csv');
    const lines = readFileSync((await tradesCsv.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe(
      'symbol,side,qty,entry_time,entry_price,exit_time,exit_price,pnl,r_multiple,bars_held,exit_reason',
    );
    expect(lines).toHaveLength(trades + 1);
    expect(lines[1]).toMatch(/^[A-Z]+,long,\d+,\d{4}-\d\d-\d\dT[\d:.]+Z,[\d.]+,/);

    const [equityCsv] = await Promise.all([page.waitForEvent('download'), page.click('#csv-equity')]);
    expect(equityCsv.suggestedFilename()).toBe('equity.csv');
    const rows = readFileSync((await equityCsv.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(rows[0]).toBe('time,equity,benchmark_TECA,drawdown_percent,gross_exposure_percent');
    expect(rows).toHaveLength(1501);
    expect(rows[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,1000000,1000000,0,0$/);
    expect(problems).toEqual([]);
  });

  it('opens a report made without market data or trades: no benchmark, no price chart, no errors', async () => {
    const flat = run(
      market([
        dailyBars('X', [
          [1, 1, 1, 1],
          [1, 1, 1, 1],
          [1, 1, 1, 1],
        ]),
      ]),
      scripted({}),
    );
    const file = join(dir, 'bare.html');
    writeFileSync(file, toHtmlReport(flat));
    const bare = await page.context().newPage();
    const errors: string[] = [];
    bare.on('pageerror', (e) => errors.push(e.message));
    bare.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await bare.goto(pathToFileURL(file).href);
    await until(bare, 'the equity chart', "document.querySelector('#chart-equity canvas') !== null");
    expect(await bare.locator('#chart-equity .u-legend .u-label').allInnerTexts()).toEqual([
      'Time',
      'Equity',
    ]);
    expect(await bare.locator('#price-symbol').isDisabled()).toBe(true);
    expect(await bare.locator('#chart-price canvas').count()).toBe(0);
    const [csv] = await Promise.all([bare.waitForEvent('download'), bare.click('#csv-trades')]);
    expect(
      readFileSync((await csv.path())!, 'utf8')
        .trimEnd()
        .split('\n'),
    ).toHaveLength(1);
    expect(errors).toEqual([]);
    await bare.close();
  });
});
