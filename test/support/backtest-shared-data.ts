import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shared folder beside the checkout (`../shared`) holds the real market data and the parity
 * generator. Rule: when it is missing, a test that needs it fails in CI (`CI=true`) and is
 * skipped elsewhere with the reason printed.
 */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** The path of a file in the shared folder. */
export function sharedPath(...parts: string[]): string {
  return [SHARED_DIR.replace(/\/$/, ''), ...parts].join('/');
}

/**
 * Whether tests needing `../shared` can run. Throws in CI when it is missing; elsewhere prints
 * why the tests are skipped and returns false.
 */
export function sharedDataAvailable(what: string): boolean {
  if (existsSync(SHARED_DIR)) return true;
  const reason = `${SHARED_DIR} is missing (needed for ${what})`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run these tests`);
  console.warn(`skipping ${what}: ${reason}`);
  return false;
}
