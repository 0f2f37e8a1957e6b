#!/usr/bin/env node
// Builds the package: compiles src/ to JavaScript with declarations in dist/ (tsconfig.build.json)
// and copies the runtime files that are not TypeScript (console page, SQL migrations) beside
// the code that reads them relative to its own module.
//
//   node scripts/build.js              clean build
//   node scripts/build.js --if-stale   build only when a source is newer than the last build
//   node scripts/build.js --prepare    as run by `npm install`: without the TypeScript compiler
//                                      (a production install) keep an existing build
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const args = new Set(process.argv.slice(2));

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function newestSourceTime() {
  const inputs = [...filesUnder(src), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];
  return Math.max(...inputs.map((file) => statSync(file).mtimeMs));
}

function isUpToDate() {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSourceTime();
}

function typescriptCompiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

if (args.has('--if-stale') && isUpToDate()) process.exit(0);

const tsc = typescriptCompiler();
if (tsc === undefined) {
  if (args.has('--prepare') && existsSync(stamp)) {
    console.log(
      'riskgate build: TypeScript is not installed (production install); keeping the existing dist/',
    );
    process.exit(0);
  }
  console.error(
    'riskgate build: the TypeScript compiler is missing; run `npm install` (with dev dependencies) first',
  );
  process.exit(1);
}

const started = Date.now();
rmSync(dist, { recursive: true, force: true });
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (compiled.status !== 0) {
  console.error('riskgate build: tsc failed');
  process.exit(compiled.status ?? 1);
}

// Runtime files: everything in src/ that is not TypeScript, at the same relative place.
let copied = 0;
for (const file of filesUnder(src)) {
  if (file.endsWith('.ts')) continue;
  const target = join(dist, relative(src, file));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(file, target);
  copied++;
}
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.log(`riskgate build: dist/ compiled, ${copied} runtime files copied, in ${Date.now() - started} ms`);
