/**
 * Screenshots of the backtest report for the docs (docs/img/backtest-report-*.png): the README's
 * synthetic run, its report opened from disk in a system Chromium driven by playwright-core.
 * Run with `npm run screenshots:report` (Chromium: `apt-get install -y chromium` or RISKGATE_CHROMIUM).
 * With a path argument, shoots that report.html instead (e.g. the real daily run's).
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadStrategy } from '../src/backtest/load-strategy.ts';
import { toHtmlReport } from '../src/backtest/report/html-report.ts';
import { runBacktest } from '../src/backtest/run-backtest.ts';
import { generateSyntheticMarket } from '../src/backtest/synthetic-market.ts';
import { loadRiskProfile } from '../src/platform/profile-file.ts';
import { findChromium, launchChromium } from '../test/support/chromium.ts';

const OUT = new URL('../docs/img/', import.meta.url);
const root = new URL('../', import.meta.url).pathname;

const found = findChromium();
if (found.path === null) {
  console.error(`no screenshots: ${found.reason}`);
  process.exit(1);
}

let file = process.argv[2];
let prefix = process.argv[3] ?? 'backtest-report';
if (file === undefined) {
  // The README's run: npx riskgate backtest --synthetic 7 --strategy examples/strategies/breakout.ts
  //   --risk examples/profiles/backtest-daily.yaml --out out/
  const data = generateSyntheticMarket({ seed: 7, symbols: 12, sessions: 1500 });
  const result = runBacktest({
    data,
    strategy: await loadStrategy(join(root, 'examples/strategies/breakout.ts')),
    profile: await loadRiskProfile(join(root, 'examples/profiles/backtest-daily.yaml')),
  });
  file = join(mkdtempSync(join(tmpdir(), 'riskgate-report-')), 'report.html');
  writeFileSync(file, toHtmlReport(result, { data }));
  prefix = 'backtest-report';
}

const browser = await launchChromium(found.path);
const problems: string[] = [];
const written: string[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#chart-price canvas');
  // A viewport as tall as the page: nothing scrolls or resizes while hovering and shooting.
  const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
  await page.setViewportSize({ width: 1180, height });
  await page.waitForTimeout(200);
  const shoot = async (name: string, from: string, to: string, hover?: string) => {
    const top = await page.locator(from).boundingBox();
    const bottom = await page.locator(to).boundingBox();
    if (top === null || bottom === null) throw new Error(`no ${from} or ${to} on the page`);
    if (hover !== undefined) {
      const box = (await page.locator(hover).boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.62, box.y + box.height * 0.5);
    }
    const path = new URL(`${prefix}-${name}.png`, OUT).pathname;
    await page.screenshot({
      path,
      clip: { x: 0, y: Math.max(0, top.y - 12), width: 1180, height: bottom.y + bottom.height - top.y + 24 },
    });
    written.push(path);
  };
  await shoot('summary', 'h1', '#chart-exposure', '#chart-equity .u-over');
  await page.selectOption('#price-symbol', { index: 0 });
  await shoot('tables', '#prices', '#drawdowns', '#chart-price .u-over');
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(`the report logged errors:\n${problems.join('\n')}`);
  process.exit(1);
}
for (const p of written) console.log(`${p} (${(statSync(p).size / 1024).toFixed(0)} KiB)`);
console.log(`from ${file} (${(statSync(file).size / 1024).toFixed(0)} KiB)`);
