import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

/** One entry of a ustar archive: a directory or a regular file. */
interface TarEntry {
  readonly path: string;
  readonly kind: 'dir' | 'file';
  readonly data: Buffer;
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length).toString('utf8');
  const end = raw.indexOf('\0');
  return end === -1 ? raw : raw.slice(0, end);
}

/** Reads a ustar archive (as PGlite's `dumpDataDir` writes it); throws on anything else. */
function* tarEntries(archive: Buffer): Generator<TarEntry> {
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const sizeText = field(header, 124, 12).trim();
    const size = sizeText === '' ? 0 : Number.parseInt(sizeText, 8);
    if (!Number.isSafeInteger(size) || size < 0 || offset + BLOCK + size > archive.length) {
      throw new Error(`cluster template: entry ${name} has a bad size "${sizeText}"`);
    }
    const path = normalize((prefix === '' ? name : `${prefix}/${name}`).replace(/^\/+/, ''));
    if (path === '..' || path.startsWith(`..${sep}`) || path.includes(`${sep}..${sep}`)) {
      throw new Error(`cluster template: entry ${name} points outside the data directory`);
    }
    const type = String.fromCharCode(header[156] ?? 0);
    const data = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    if (type === '5') yield { path, kind: 'dir', data };
    else if (type === '0' || type === '\0') yield { path, kind: 'file', data };
    else throw new Error(`cluster template: entry ${name} has unsupported type "${type}"`);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
}

/** Files written or synced at once: the thread pool runs a few; more would only hold descriptors. */
const PARALLEL = 16;

/** Runs `task` over `items`, at most {@link PARALLEL} at a time. */
async function forEachParallel<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/**
 * Writes `data` to `path` and syncs it; trailing zeros (most of a WAL segment) become a
 * sparse tail, which reads back as the same zeros.
 */
async function writeFileSynced(path: string, data: Buffer): Promise<void> {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  const file = await open(path, 'w', 0o600);
  try {
    let written = 0;
    while (written < end) written += (await file.write(data, written, end - written)).bytesWritten;
    if (end < data.length) await file.truncate(data.length);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Unpacks a gzipped cluster archive into `dataDir`, which must be missing or empty. The files
 * are written and synced (several at once: one at a time costs seconds on a busy disk) in a
 * sibling directory that is then renamed into place, so a crash part-way leaves no half
 * cluster where a data directory is expected.
 */
export async function unpackClusterArchive(gzipped: Buffer, dataDir: string): Promise<void> {
  const archive = gunzipSync(gzipped);
  const staging = `${dataDir}.unpacking-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  try {
    const dirs = new Set<string>([staging]);
    const files: { target: string; data: Buffer }[] = [];
    for (const entry of tarEntries(archive)) {
      const target = join(staging, entry.path);
      const dir = entry.kind === 'dir' ? target : dirname(target);
      if (!dirs.has(dir)) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        dirs.add(dir);
      }
      if (entry.kind === 'file') files.push({ target, data: entry.data });
    }
    await forEachParallel(files, ({ target, data }) => writeFileSynced(target, data));
    await forEachParallel([...dirs], syncDir);
    // Empty by contract: rmdir refuses anything else.
    if (existsSync(dataDir)) rmdirSync(dataDir);
    renameSync(staging, dataDir);
    await syncDir(dirname(dataDir));
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
