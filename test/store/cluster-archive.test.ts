import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { unpackClusterArchive } from '../../src/store/cluster-archive.ts';

/** A ustar header and padded body for one entry. */
function entry(name: string, body: Buffer | 'dir'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000700\0', 100);
  const size = body === 'dir' ? 0 : body.length;
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write(body === 'dir' ? '5' : '0', 156);
  header.write('ustar\0', 257);
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  if (body === 'dir') return header;
  const padded = Buffer.alloc(Math.ceil(size / 512) * 512);
  body.copy(padded);
  return Buffer.concat([header, padded]);
}

function archive(...entries: Buffer[]): Buffer {
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}

describe('unpacking the cluster archive', () => {
  it('writes every file with its exact bytes, trailing zeros included, and leaves no staging directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-archive-'));
    const wal = Buffer.alloc(64 * 1024);
    wal.write('header', 0);
    const gz = archive(
      entry('/PG_VERSION', Buffer.from('17\n')),
      entry('/pg_wal', 'dir'),
      entry('/pg_wal/000000010000000000000001', wal),
      entry('/base/1/1259', Buffer.from('relation')),
      entry('/pg_notify', 'dir'),
    );
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir); // an empty directory is replaced
    await unpackClusterArchive(gz, dataDir);

    expect(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(readFileSync(join(dataDir, 'pg_wal/000000010000000000000001')).equals(wal)).toBe(true);
    expect(readFileSync(join(dataDir, 'base/1/1259'), 'utf8')).toBe('relation');
    expect(statSync(join(dataDir, 'pg_notify')).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual(['data']);
  });

  it('refuses an entry that points outside the data directory and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-archive-'));
    const gz = archive(entry('/PG_VERSION', Buffer.from('17\n')), entry('../escaped', Buffer.from('x')));
    await expect(unpackClusterArchive(gz, join(dir, 'data'))).rejects.toThrow(
      /entry \.\.\/escaped points outside the data directory/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a data directory that is not empty and leaves it as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-archive-'));
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'keep'), 'mine');
    await expect(
      unpackClusterArchive(archive(entry('/PG_VERSION', Buffer.from('17\n'))), dataDir),
    ).rejects.toThrow(/ENOTEMPTY|EEXIST/);
    expect(readdirSync(dataDir)).toEqual(['keep']);
    expect(existsSync(join(dir, `data.unpacking-${process.pid}`))).toBe(false);
  });

  it('refuses a truncated archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-archive-'));
    const whole = Buffer.concat([entry('/PG_VERSION', Buffer.alloc(2048, 1))]);
    await expect(unpackClusterArchive(gzipSync(whole.subarray(0, 1024)), join(dir, 'data'))).rejects.toThrow(
      /bad size/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
