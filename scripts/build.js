#!/usr/bin/env node
// Builds the package: compiles src/ to JavaScript with declarations in dist/ (tsconfig.build.json)
// and copies the runtime files that are not TypeScript (console page, SQL migrations) beside
// the code that reads them relative to its own module, then writes the embedded store's cluster
// template with the migrations applied (dist/store/pglite-cluster.tar.gz).
//
//   node scripts/build.js              clean build (npm run build; npm pack runs it too)
//   node scripts/build.js --if-stale   build only when a source is newer than the last build
//
// In a checkout, bin/riskgate.js calls ensureBuilt() so the command always runs the sources as
// they are; an installed package has no src/ and runs its dist/ as shipped.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');

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

export function isUpToDate() {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSourceTime();
}

function typescriptCompiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** Compiles src/ into a clean dist/ and copies the runtime files; throws when it cannot. */
export async function build() {
  const tsc = typescriptCompiler();
  if (tsc === undefined) {
    throw new Error('the TypeScript compiler is missing; run `npm install` (with dev dependencies) first');
  }
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (compiled.status !== 0) throw new Error('tsc failed');

  // Runtime files: everything in src/ that is not TypeScript, at the same relative place.
  let copied = 0;
  for (const file of filesUnder(src)) {
    if (file.endsWith('.ts')) continue;
    const target = join(dist, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
    copied++;
  }
  // An initialised embedded cluster with the migrations applied: a new store unpacks it
  // instead of running initdb and every migration.
  const { writeStoreTemplate } = await import(pathToFileURL(join(dist, 'store/store-template.js')).href);
  await writeStoreTemplate(join(dist, 'store/pglite-cluster.tar.gz'));
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return `dist/ compiled, ${copied} runtime files copied, cluster template written, in ${Date.now() - started} ms`;
}

/**
 * Builds when dist/ is missing or older than a source. Without the TypeScript compiler (a
 * production install of a checkout) an existing dist/ is used as it is.
 */
export async function ensureBuilt(log = console.error) {
  if (isUpToDate()) return;
  if (existsSync(stamp) && typescriptCompiler() === undefined) return;
  log('riskgate: compiling the sources to dist/ (they changed since the last build)…');
  log(`riskgate: ${await build()}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    if (process.argv.includes('--if-stale')) await ensureBuilt(console.log);
    else console.log(`riskgate build: ${await build()}`);
  } catch (error) {
    console.error(`riskgate build: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
