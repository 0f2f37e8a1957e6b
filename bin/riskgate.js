#!/usr/bin/env node
// Entry point of the `riskgate` command: runs the compiled CLI from dist/. In a checkout of the
// repository (src/ beside it) it first rebuilds dist/ if a source changed since the last build.
import { existsSync } from 'node:fs';

const checkoutBuild = new URL('../scripts/build.js', import.meta.url);
if (existsSync(new URL('../src/', import.meta.url)) && existsSync(checkoutBuild)) {
  const { ensureBuilt } = await import(checkoutBuild.href);
  try {
    await ensureBuilt();
  } catch (error) {
    console.error(`riskgate: cannot build dist/: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error(
    'riskgate: the compiled CLI (dist/) is missing; run `npm run build` in the riskgate folder first',
  );
  process.exit(1);
}
await import(main.href);
