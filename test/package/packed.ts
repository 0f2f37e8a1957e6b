import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** The package as `npm pack` makes it: the tarball and the paths it holds. */
export interface Packed {
  readonly tarball: string;
  readonly files: readonly string[];
}

let packing: Promise<Packed | { readonly unavailable: string }> | undefined;

/**
 * Packs the repository once per test process. dist/ is already up to date (the tests' global
 * setup builds it), so the pack skips its own build: other tests run dist/ meanwhile.
 * When that is impossible here — no npm, no build — returns why instead.
 */
export function packOnce(): Promise<Packed | { readonly unavailable: string }> {
  packing ??= Promise.resolve().then(() => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-pack-'));
    const packed = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (packed.status !== 0) {
      return { unavailable: `npm pack failed (${packed.error?.message ?? packed.status}): ${packed.stderr}` };
    }
    // Lifecycle scripts may print before the JSON report.
    const json = packed.stdout.slice(packed.stdout.indexOf('[\n'));
    const [report] = JSON.parse(json) as [{ filename: string; files: { path: string }[] }];
    return { tarball: join(dir, report.filename), files: report.files.map((f) => f.path) };
  });
  return packing;
}

/**
 * A new project folder with its own package.json that installs the tarball offline, from the
 * npm cache only (the machine that packed it has every dependency cached). Returns the folder,
 * or throws with npm's output.
 */
export function consumerProject(name: string, tarball: string): string {
  const dir = mkdtempSync(join(tmpdir(), `riskgate-${name}-`));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return dir;
}

/** Runs node in `cwd`; resolves its exit code and output. */
export function runNode(
  cwd: string,
  args: readonly string[],
): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
