/**
 * Screenshots of the risk console for the docs (docs/img/console-*.png): a gateway in front of a
 * simulated exchange, a few orders and denials, and a system Chromium driven by playwright-core.
 * Run with `npm run screenshots` (Chromium: `apt-get install -y chromium` or RISKGATE_CHROMIUM).
 */
import { statSync } from 'node:fs';
import { eventually, startRig } from '../test/gateway/harness.ts';
import { findChromium, launchChromium } from '../test/support/chromium.ts';
import { logIn, openConsole, until } from '../test/support/console-page.ts';

const OUT = new URL('../docs/img/', import.meta.url);
const VIEWPORT = { width: 1280, height: 860 };

const found = findChromium();
if (found.path === null) {
  console.error(`no screenshots: ${found.reason}`);
  process.exit(1);
}

const rig = await startRig();
const browser = await launchChromium(found.path);
const problems: string[] = [];
const written: string[] = [];
const shot = (name: string) => {
  const url = new URL(`console-${name}.png`, OUT);
  written.push(url.pathname);
  return url.pathname;
};
try {
  // A position in each of two symbols, a working order below the market, and two denials.
  const order = (body: Record<string, string>) =>
    rig.http('POST', '/v2/orders', { type: 'market', time_in_force: 'day', side: 'buy', ...body });
  await order({ symbol: 'AAPL', qty: '40', client_order_id: 'shot-aapl' });
  await order({ symbol: 'MSFT', qty: '20', client_order_id: 'shot-msft' });
  rig.sim.setQuote('AAPL', 100, 100.02);
  rig.sim.setQuote('MSFT', 400, 400.04);
  await eventually(async () => (await rig.http('GET', '/v1/state')).body.positions.length === 2, 'the fills');
  await order({ symbol: 'AAPL', qty: '10', type: 'limit', limit_price: '95', client_order_id: 'shot-limit' });
  await order({ symbol: 'AAPL', qty: '5000', client_order_id: 'shot-too-big' });
  await order({ symbol: 'MSFT', qty: '100', client_order_id: 'shot-too-much' });
  rig.sim.setQuote('AAPL', 99.1, 99.12);

  const page = await openConsole(browser, rig.gateway.url, problems, [], VIEWPORT);
  await logIn(page, rig.officer);
  await until(page, 'the positions', "document.querySelectorAll('#positions tbody tr').length === 2");
  await until(page, 'the chart', "document.querySelector('#equity-chart canvas') !== null");
  await until(page, 'the audit', "document.querySelectorAll('#audit tbody tr td:not(.empty)').length > 0");
  // The overview tall enough for the Greeks, health and the live feed under the main panels.
  await page.setViewportSize({ width: VIEWPORT.width, height: 1500 });
  await page.screenshot({ path: shot('overview') });
  await page.setViewportSize(VIEWPORT);

  await page.click('#kill-open');
  await page.fill('#kill-reason', 'broker outage: stop everything');
  await page.screenshot({ path: shot('kill-dialog') });
  await page.click('#kill-cancel');

  await page.click('#profile-edit');
  const yaml = await page.inputValue('#profile-input');
  await page.fill(
    '#profile-input',
    yaml.replace(/maxQuantity: 1000/, 'maxQuantity: 500').replace(/usd: 1000\n/, 'usd: -250\n'),
  );
  await page.click('#profile-check');
  await until(page, 'the review', "!document.getElementById('profile-review').hidden");
  await until(page, 'the problems', "document.querySelectorAll('#profile-issues li.issue').length > 0");
  await page.locator('#profile-panel').screenshot({ path: shot('profile-diff') });
  await page.click('#profile-cancel');

  await page.selectOption('#audit-kind', 'decision');
  await page.click('#audit-search');
  await until(page, 'the decisions', "/deny/.test(document.getElementById('audit').textContent)");
  await page.locator('#audit-panel').screenshot({ path: shot('audit') });
  if (problems.length > 0) throw new Error(`the page had problems: ${problems.join('; ')}`);
  for (const path of written) console.log(`${path} ${Math.round(statSync(path).size / 1024)} KB`);
} finally {
  await browser.close();
  await rig.close();
}
