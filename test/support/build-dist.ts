import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: brings dist/ up to date once, before any test file runs, so the tests
 * that spawn `bin/riskgate.js` or pack the package never build it themselves (concurrently).
 * Stores the tests open from sources then start from the build's cluster template, as the
 * package's do, instead of initialising a cluster and migrating it each time.
 */
export default async function setup(): Promise<void> {
  // @ts-expect-error: the build script is plain JavaScript without declarations.
  const { ensureBuilt } = (await import('../../scripts/build.js')) as {
    ensureBuilt(log?: (line: string) => void): Promise<void>;
  };
  await ensureBuilt(console.log);
  const template = fileURLToPath(new URL('../../dist/store/pglite-cluster.tar.gz', import.meta.url));
  if (existsSync(template) && process.env.RISKGATE_CLUSTER_TEMPLATE === undefined) {
    process.env.RISKGATE_CLUSTER_TEMPLATE = template;
  }
}
