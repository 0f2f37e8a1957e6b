import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/riskgate.js', import.meta.url).pathname;
const dirs: string[] = [];
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((done) => child!.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }
  child = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the built `riskgate serve` on `dataDir` until `until` appears on stderr, then stops it; resolves with stderr. */
async function serveUntil(dataDir: string, until: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, RISKGATE_START_TIMINGS: '1' };
  delete env.DATABASE_URL;
  const started = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'silent'],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child = started;
  let stderr = '';
  await new Promise<void>((done, fail) => {
    started.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(until)) done();
    });
    started.once('exit', (code) =>
      fail(new Error(`serve exited with ${code} before "${until}":\n${stderr}`)),
    );
  });
  const exited = new Promise<number | null>((done) => started.once('exit', done));
  started.kill('SIGTERM');
  expect(await exited).toBe(0);
  return stderr;
}

describe('riskgate serve on the built package, fresh and again on the same data directory', () => {
  it('starts from the shipped store template, prints its phases when asked, and starts again from the data it left', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-serve-fresh-'));
    dirs.push(dataDir);

    const first = await serveUntil(dataDir, '  ready ');
    expect(first).toContain('Demo keys (shown once, stored hashed):');
    const phases = first.slice(first.indexOf('start-up phases'));
    for (const phase of ['imports and configuration', 'store opened and migrated', 'reconciled', 'ready']) {
      expect(phases).toMatch(new RegExp(`\\n {2}${phase} +\\d+ ms {2}\\(at \\d+ ms\\)`));
    }
    const keyId = /trader {8}APCA-API-KEY-ID=(rk_[0-9a-f]+)/.exec(first)?.[1];
    expect(keyId).toBeDefined();

    // The second start finds the store the first one made: no new demo keys, same keys kept.
    const second = await serveUntil(dataDir, 'Press Ctrl-C to stop.');
    expect(second).not.toContain('Demo keys');
    expect(second).toContain('Use the keys created earlier');
  }, 180_000);
});
