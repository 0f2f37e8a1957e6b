/**
 * Vitest global setup: brings dist/ up to date once, before any test file runs, so the tests
 * that spawn `bin/riskgate.js` or pack the package never build it themselves (concurrently).
 */
export default async function setup(): Promise<void> {
  // @ts-expect-error: the build script is plain JavaScript without declarations.
  const { ensureBuilt } = (await import('../../scripts/build.js')) as {
    ensureBuilt(log?: (line: string) => void): Promise<void>;
  };
  await ensureBuilt(console.log);
}
