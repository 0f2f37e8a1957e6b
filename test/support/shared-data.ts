/**
 * Access to the shared reference data that lives beside the repository in `../shared`
 * (the repository is always checked out with `shared/` as a sibling directory).
 *
 * Tests that depend on it use {@link describeWithShared}: when a file is missing the suite
 * FAILS under CI (`CI=true`), and is skipped with a printed reason otherwise, so `npm test`
 * still passes for someone who cloned only the project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv.ts';

/** Absolute path of the shared directory (it may not exist). */
export const sharedRoot: string = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** Absolute path of a file under the shared directory, or undefined if it is not there. */
export function sharedPath(relative: string): string | undefined {
  const path = join(sharedRoot, relative);
  return existsSync(path) ? path : undefined;
}

/**
 * Declares a suite that needs the given shared files; `body` receives their absolute paths in
 * the same order. Missing files fail the suite in CI and skip it (with a warning) elsewhere.
 */
export function describeWithShared(
  name: string,
  relativePaths: readonly string[],
  body: (paths: readonly string[]) => void,
): void {
  const paths = relativePaths.map(sharedPath);
  const missing = relativePaths.filter((_, i) => paths[i] === undefined);
  if (missing.length === 0) {
    describe(name, () => body(paths as string[]));
    return;
  }
  const reason = `shared data missing: ${missing.map((m) => join(sharedRoot, m)).join(', ')} (expected the shared directory beside the repository)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('finds its shared data', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.warn(`skipping '${name}': ${reason}`);
  describe.skip(name, () => {
    it('needs shared data', () => {});
  });
}

/** Reads a CSV file (skipping `#` comments) as records keyed by header name. Throws on a malformed file. */
export function readCsvObjects(path: string): Array<Record<string, string>> {
  const table = parseCsv(readFileSync(path, 'utf8'));
  if (!table.ok) throw new Error(`${path}:${table.line}: ${table.message}`);
  return table.records.map((record) =>
    Object.fromEntries(table.header.map((name, i) => [name, record.fields[i] ?? ''])),
  );
}
