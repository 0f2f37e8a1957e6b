import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { StoreError } from './errors.ts';

/** What the marker records about one store (one schema) in the data directory. */
export interface MarkedStore {
  readonly instanceId: string;
  readonly schemaVersion: number;
  /** ISO time of the last write. */
  readonly writtenAt: string;
}

/**
 * The marker kept beside an embedded data directory (not inside it, so it outlives a wiped or
 * unmounted directory). It records which stores — one per schema — existed there, so an empty
 * or missing data directory is refused instead of silently starting with a blank risk state.
 */
export interface StoreMarker {
  readonly format: 1;
  /** Stores by schema name. */
  readonly stores: Readonly<Record<string, MarkedStore>>;
}

/** Default embedded data directory, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.riskgate/data';

/** Where the marker of `dataDir` lives: `<parent>/<name>.riskgate-store.json`. */
export function markerPathFor(dataDir: string): string {
  const absolute = resolve(dataDir);
  return join(dirname(absolute), `${basename(absolute)}.riskgate-store.json`);
}

/** Where the lock of `dataDir` lives: `<parent>/<name>.lock`. */
export function lockPathFor(dataDir: string): string {
  const absolute = resolve(dataDir);
  return join(dirname(absolute), `${basename(absolute)}.lock`);
}

/** Reads a marker; null when there is none, `STORE_CORRUPT` when it cannot be parsed. */
export function readMarker(path: string): StoreMarker | null {
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StoreError('STORE_CORRUPT', `marker file ${path} is not valid JSON`, { cause: error });
  }
  const m = parsed as Partial<StoreMarker> | null;
  const valid =
    m !== null &&
    typeof m === 'object' &&
    m.format === 1 &&
    typeof m.stores === 'object' &&
    m.stores !== null &&
    Object.values(m.stores).every(
      (entry: Partial<MarkedStore> | null) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof entry.instanceId === 'string' &&
        typeof entry.schemaVersion === 'number',
    );
  if (!valid) throw new StoreError('STORE_CORRUPT', `marker file ${path} does not describe a riskgate store`);
  return m as StoreMarker;
}

/** Records `store` under `schema` in the marker at `path`, keeping the other schemas' entries. */
export function markStore(path: string, schema: string, store: MarkedStore): void {
  const current = readMarker(path);
  writeMarker(path, { format: 1, stores: { ...(current?.stores ?? {}), [schema]: store } });
}

/** Writes a marker atomically (temporary file, fsync, rename) so a crash never leaves half a file. */
export function writeMarker(path: string, marker: StoreMarker): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(marker, null, 2)}\n`);
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** What a data directory holds before PGlite is started on it. */
export type DataDirState = 'missing' | 'empty' | 'postgres' | 'foreign';

/**
 * Classifies a data directory. PGlite would run initdb over a directory without
 * `PG_VERSION`, so anything else non-empty is `foreign` and must not be opened.
 */
export function inspectDataDir(dataDir: string): DataDirState {
  if (!existsSync(dataDir)) return 'missing';
  if (!statSync(dataDir).isDirectory()) return 'foreign';
  const entries = readdirSync(dataDir);
  if (entries.length === 0) return 'empty';
  return entries.includes('PG_VERSION') ? 'postgres' : 'foreign';
}

/** Renames `path` to `<path>.reset-<suffix>`; returns the new path, or null if there was nothing. */
export function moveAside(path: string, suffix: string): string | null {
  if (!existsSync(path)) return null;
  const target = `${path}.reset-${suffix}`;
  renameSync(path, target);
  return target;
}

/** An exclusive claim on an embedded data directory; PGlite has no lock of its own. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Lock files this process holds, so a stale lock that merely reuses our pid is told apart. */
const heldLocks = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `dataDir` for this process with a lock file holding its pid. A lock left by a dead
 * process (a crash, SIGKILL) is taken over; one held by a live process fails with `STORE_LOCKED`,
 * since two PGlite instances on one directory would corrupt it.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = lockPathFor(dataDir);
  // The parent (e.g. ./.riskgate) may not exist yet on a first start.
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new StoreError('STORE_UNAVAILABLE', `cannot create directory ${dirname(path)}`, { cause: error });
  }
  const content = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, content, { flag: 'wx' });
      heldLocks.add(path);
      return {
        path,
        release() {
          heldLocks.delete(path);
          try {
            const held = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number };
            if (held.pid === process.pid) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError('STORE_UNAVAILABLE', `cannot create lock file ${path}`, { cause: error });
      }
    }
    let holder: { pid?: unknown; host?: unknown } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
    } catch {
      // Unreadable or half-written lock: treat as stale.
    }
    const pid = typeof holder.pid === 'number' ? holder.pid : null;
    const sameHost = holder.host === undefined || holder.host === hostname();
    if (heldLocks.has(path)) {
      throw new StoreError('STORE_LOCKED', `data directory ${dataDir} is already open in this process`);
    }
    // A lock naming our own pid but not held by us was left by an earlier process that had
    // the same pid (common in containers): it is stale.
    if (pid !== null && (!sameHost || (pid !== process.pid && isAlive(pid)))) {
      throw new StoreError(
        'STORE_LOCKED',
        `data directory ${dataDir} is in use by process ${pid}${sameHost ? '' : ` on ${String(holder.host)}`}`,
      );
    }
    unlinkSync(path);
  }
  throw new StoreError(
    'STORE_LOCKED',
    `could not claim data directory ${dataDir}: another process raced for it`,
  );
}
