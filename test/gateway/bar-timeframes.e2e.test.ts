import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayConfigError } from '../../src/gateway/config/gateway-config.ts';
import { resolveGatewayConfig } from '../../src/gateway/config/load-gateway-config.ts';
import { startGateway } from '../../src/gateway/gateway.ts';
import { type Rig, startRig, TEST_PROFILE } from './harness.ts';

/** The gateway's bars (`--bar-seconds`) must build every timeframe the profile counts in. */
describe('bars per timeframe in the gateway', () => {
  it('refuses to start with bars coarser than a timeframe the profile counts in, naming both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-bars-'));
    try {
      const profile = join(dir, 'profile.yaml');
      writeFileSync(profile, `${TEST_PROFILE}    exits:\n      timeExit: { maxBars: 30, timeframe: 1m }\n`);
      const config = resolveGatewayConfig({
        flags: { port: '0', dataDir: dir, profile, barSeconds: '120', demoKeys: 'false', logLevel: 'silent' },
        env: {},
      });
      const started = startGateway({ config });
      await expect(started).rejects.toBeInstanceOf(GatewayConfigError);
      await expect(started).rejects.toThrow(
        /--bar-seconds \(RISKGATE_BAR_SECONDS\).*the profile counts 1m bars \(exits\.timeExit\), but bars of 2m are coarser than 1m/s,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a profile change', () => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await startRig({ flags: { barSeconds: '120' } });
    });
    afterAll(() => rig?.close());

    it('is refused when the gateway bars cannot count its timeframes, and taken when they can', async () => {
      const profile = (await rig.http('GET', '/v1/profile')).body.profile;
      const put = (timeframe: string) =>
        rig.http(
          'PUT',
          '/v1/profile',
          { profile: { ...profile, exits: { timeExit: { maxBars: 3, timeframe } } }, reason: 'time exit' },
          rig.officer,
        );
      const minute = await put('1m');
      expect(minute.status).toBe(422);
      expect(JSON.stringify(minute.body)).toContain('bars of 2m are coarser than 1m');
      expect((await rig.http('GET', '/v1/profile')).body.profile.exits.timeExit).toBeUndefined();
      const fifteenMinutes = await put('15m');
      expect(fifteenMinutes.status, JSON.stringify(fifteenMinutes.body)).toBe(422);
      const hourly = await put('1h');
      expect(hourly.status, JSON.stringify(hourly.body)).toBe(200);
      expect((await rig.http('GET', '/v1/profile')).body.profile.exits.timeExit).toEqual({
        maxBars: 3,
        timeframe: '1h',
      });
    });
  });
});
