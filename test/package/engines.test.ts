import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly engines?: { readonly node?: string };
}
interface LockEntry {
  readonly dev?: boolean;
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const promised = manifest.engines?.node ?? '';

/** Every package a production install brings in (the lockfile's non-dev entries), by install path. */
function productionPackages(): string[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true)
    .map(([path]) => path);
}

describe('the Node versions the package promises', () => {
  it('states a valid range in package.json, and the README says the same', () => {
    expect(semver.validRange(promised)).not.toBeNull();
    const floor = semver.minVersion(promised)?.version.replace(/\.0$/, '');
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`Node.js ≥ ${floor}`);
  });

  it('is admitted by every production dependency', () => {
    const packages = productionPackages();
    expect(packages.length).toBeGreaterThan(10);
    const refused: string[] = [];
    for (const path of packages) {
      const file = join(ROOT, path, 'package.json');
      // An optional dependency for another platform is in the lockfile but not installed.
      const installed = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : undefined;
      const range = installed?.engines?.node ?? (lock.packages[path]?.engines as { node?: string })?.node;
      if (range === undefined) continue;
      if (!semver.subset(promised, range)) refused.push(`${path} (${range})`);
    }
    expect(refused, `these production dependencies do not run on Node ${promised}`).toEqual([]);
  });
});
