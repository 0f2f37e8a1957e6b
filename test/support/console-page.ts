import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';

/** How many times a condition on the page is checked, 50 ms apart, before a test gives up. */
export const ATTEMPTS = 600;

/** The login page is showing. */
export const LOGIN_SHOWN = "!document.getElementById('login').hidden";
/** The trading state badge reads `state`. */
export const badgeIs = (state: string) => `document.getElementById('state-badge').textContent === '${state}'`;
/** `text` (a regular expression source) matches the text of the element with `id`. */
export const shows = (id: string, text: string) =>
  `/${text}/.test(document.getElementById('${id}').textContent)`;

/**
 * Sends a request from the page as its own script would, with the session's CSRF token; resolves
 * with the status. Page code is passed as text: the tests are compiled without the DOM types.
 */
export const fromPage = (method: string, path: string, body?: unknown) => `(async () => {
  const session = await (await fetch('/v1/session')).json();
  const r = await fetch('${path}', {
    method: '${method}',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    ${body === undefined ? '' : `body: ${JSON.stringify(JSON.stringify(body))},`}
  });
  return r.status;
})()`;

/** Waits until `check` (run in the page) holds, bounded by a count of attempts, not a time. */
export async function until(page: Page, what: string, check: string, attempts = ATTEMPTS): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await page.evaluate(check)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`the page never showed ${what} (${attempts} checks 50 ms apart)`);
}

/** The visible text of the first element matching `selector`. */
export const text = (page: Page, selector: string) => page.locator(selector).innerText();

/**
 * Opens the console in a fresh browser context (its own cookies); script errors and refused
 * loads (a Content-Security-Policy violation is one) are added to `problems`.
 */
export async function openConsole(
  browser: Browser,
  url: string,
  problems: string[],
  contexts: BrowserContext[] = [],
  viewport?: { width: number; height: number },
): Promise<Page> {
  const context = await browser.newContext(viewport !== undefined ? { viewport } : {});
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (m) => {
    // 401/403/422 answers are expected in these tests; the browser logs each as an error.
    if (m.type() === 'error' && !/status of 4(01|03|22)/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return page;
}

/** Logs in on the login page with a key and waits for the main view. */
export async function logIn(page: Page, key: CreatedApiKey): Promise<void> {
  await until(page, 'the login form', LOGIN_SHOWN);
  await page.fill('#key-id', key.key.keyId);
  await page.fill('#secret', key.secret);
  await page.click('#login-submit');
  await until(page, 'the main view', "document.getElementById('state-badge').textContent !== '…'");
}
