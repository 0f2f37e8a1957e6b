import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where a system Chromium is looked for, after `RISKGATE_CHROMIUM`. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * The path of a Chromium to drive with playwright-core (none is downloaded), or why there is
 * none. On CI (`CI=true`) a missing browser is an error, not a skip, so the browser test cannot
 * silently stop running there.
 */
export function findChromium(): { readonly path: string } | { readonly path: null; readonly reason: string } {
  const configured = process.env.RISKGATE_CHROMIUM;
  if (configured !== undefined && configured !== '') {
    if (existsSync(configured)) return { path: configured };
    return { path: null, reason: `RISKGATE_CHROMIUM=${configured} does not exist` };
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found !== undefined) return { path: found };
  return {
    path: null,
    reason: `no Chromium found (looked at ${CANDIDATES.join(', ')}); install one (apt-get install -y chromium) or set RISKGATE_CHROMIUM`,
  };
}

/** Flags for a headless Chromium on a shared, sandbox-less test machine. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Launches the Chromium {@link findChromium} found, headless, with {@link CHROMIUM_ARGS}. */
export async function launchChromium(path: string): Promise<Browser> {
  return chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS });
}
