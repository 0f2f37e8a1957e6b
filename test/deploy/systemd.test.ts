/**
 * deploy/systemd/riskgate.service: the settings an operator relies on, then `systemd-analyze
 * verify` (unknown keys, values it cannot parse, a command that is not executable) and its
 * offline security review, when systemd-analyze is installed (skipped with the reason if not).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const UNIT = join(ROOT, 'deploy/systemd/riskgate.service');
const text = readFileSync(UNIT, 'utf8');

/** Every `Key=value` of a section, in order (keys may repeat). */
function section(name: string): [string, string][] {
  const body = text.split(/^\[/m).find((s) => s.startsWith(`${name}]`)) ?? '';
  return body
    .split('\n')
    .slice(1)
    .filter((l) => /^\w+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}
const service = section('Service');
const value = (key: string) => service.filter(([k]) => k === key).map(([, v]) => v);

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const hasAnalyze = analyze.status === 0;
if (!hasAnalyze) console.warn('skipping the systemd-analyze checks: systemd-analyze is not installed here');

/** The unit with its node path replaced by this machine's, as riskgate.service in a new folder. */
function localCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-systemd-'));
  const path = join(dir, 'riskgate.service');
  writeFileSync(path, text.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `));
  return path;
}

describe('deploy/systemd/riskgate.service', () => {
  it('runs the gateway as its own user, from the environment file, restarting it always', () => {
    expect(value('User')).toEqual(['riskgate']);
    expect(value('ExecStart')).toEqual(['/usr/bin/node /opt/riskgate/bin/riskgate.js serve']);
    // No leading '-': a missing environment file stops the start instead of running on defaults.
    expect(value('EnvironmentFile')).toEqual(['/etc/riskgate/riskgate.env']);
    expect(value('Restart')).toEqual(['always']);
    expect(value('KillSignal')).toEqual(['SIGTERM']);
    expect(Number(value('TimeoutStopSec')[0])).toBeGreaterThanOrEqual(30);
  });

  it('is hardened, with the data directory the one writable path', () => {
    for (const [key, wanted] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['CapabilityBoundingSet', ''],
    ] as const) {
      expect(value(key), key).toEqual([wanted]);
    }
    const dataDir = value('Environment')
      .map((e) => /^RISKGATE_DATA_DIR=(.*)$/.exec(e)?.[1])
      .find((d) => d !== undefined);
    expect(dataDir).toBe('/var/lib/riskgate');
    expect(value('ReadWritePaths')).toEqual([dataDir]);
    expect(`/var/lib/${value('StateDirectory')[0]}`).toBe(dataDir);
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify without a message', () => {
    // --man=no: the Documentation= URL is not a man page to look up. The node path is this
    // machine's so the executable check is real; the rest is checked as shipped.
    const run = spawnSync('systemd-analyze', ['verify', '--man=no', localCopy()], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.skipIf(!hasAnalyze)('rates OK or better in the offline security review', (ctx) => {
    const run = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', localCopy()], {
      encoding: 'utf8',
    });
    if (run.status !== 0 && /unrecognized option|Unknown option/i.test(run.stderr)) {
      console.warn(
        `skipped: this systemd-analyze has no offline security review (${analyze.stdout.split('\n')[0]})`,
      );
      ctx.skip();
    }
    const level = /Overall exposure level for riskgate\.service: ([\d.]+)/.exec(run.stdout);
    expect(level, run.stdout + run.stderr).not.toBeNull();
    console.log(`systemd-analyze security: exposure ${level![1]} (0 best, 10 worst)`);
    expect(Number(level![1])).toBeLessThanOrEqual(2);
  });
});
