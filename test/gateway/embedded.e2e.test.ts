import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { trading } from '@alpacahq/alpaca-trade-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../../src/gateway/config/load-gateway-config.ts';
import { type RunningGateway, startGateway } from '../../src/gateway/gateway.ts';
import { loadRiskProfile } from '../../src/platform/profile-file.ts';

let dir: string;
let gateway: RunningGateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-embedded-'));
  // What `npm start` runs: the embedded exchange and the example profile, nothing configured.
  gateway = await startGateway({
    config: resolveGatewayConfig({ flags: { port: '0', dataDir: dir, logLevel: 'warn' }, env: {} }),
    logDestination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  });
});
afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the embedded defaults of npm start', () => {
  it("start the simulated account at the profile's starting equity, so the exchange and the engine agree", async () => {
    const profile = await loadRiskProfile(gateway.services.ctx.config.profilePath);
    expect(profile.startingEquity).toBe(55_000);
    const officer = gateway.demoKeys?.riskOfficer;
    expect(officer).toBeDefined();
    const sdk = new trading.Configuration({
      basePath: gateway.url,
      keyId: officer!.key.keyId,
      secret: officer!.secret,
    });
    const account = await new trading.AccountsApi(sdk).getAccount();
    expect(Number(account.equity)).toBe(55_000);
    expect(Number(account.cash)).toBe(55_000);

    const response = await fetch(`${gateway.url}/v1/state`, {
      headers: { 'APCA-API-KEY-ID': officer!.key.keyId, 'APCA-API-SECRET-KEY': officer!.secret },
    });
    const state = (await response.json()) as {
      equity: number;
      dayStart: { equity: number };
      indices: {
        readings: { name: string; value: number | null; required: boolean; stale: boolean; source: string }[];
      };
    };
    expect(state.equity).toBe(55_000);
    expect(state.dayStart.equity).toBe(55_000);
    // The example profile has a VIX breaker; the embedded market publishes a calm VIX for it.
    const vix = state.indices.readings.find((r) => r.name === 'VIX');
    expect(vix).toMatchObject({ required: true, stale: false, source: 'embedded' });
    expect(vix!.value).toBeGreaterThanOrEqual(10);
    expect(vix!.value).toBeLessThanOrEqual(28);
  }, 60_000);
});
