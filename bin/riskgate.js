#!/usr/bin/env node
// Entry point of the `riskgate` command: runs the compiled CLI from dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error(
    'riskgate: the compiled CLI (dist/) is missing; run `npm run build` in the riskgate folder first',
  );
  process.exit(1);
}
await import(main.href);
