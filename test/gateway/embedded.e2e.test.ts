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

  it('trade an option contract listed by the embedded exchange, booked with the 100 multiplier', async () => {
    const trader = gateway.demoKeys!.trader;
    const headers = { 'APCA-API-KEY-ID': trader.key.keyId, 'APCA-API-SECRET-KEY': trader.secret };
    const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const listed = (await (
      await fetch(
        `${gateway.url}/v2/options/contracts?underlying_symbols=AAPL&type=call&expiration_date_gte=${later}&strike_price_gte=190&limit=1`,
        { headers },
      )
    ).json()) as {
      option_contracts: {
        symbol: string;
        multiplier: string;
        underlying_symbol: string;
        close_price: string;
      }[];
    };
    const contract = listed.option_contracts[0]!;
    expect(contract).toMatchObject({ multiplier: '100', underlying_symbol: 'AAPL' });
    const orders = new trading.OrdersApi(
      new trading.Configuration({ basePath: gateway.url, keyId: trader.key.keyId, secret: trader.secret }),
    );
    // The demo profile's stops come from ATR, which a contract traded for the first time has not
    // got yet: the bot gives its own stop, which the gateway places once the contract is bought
    // (the broker takes no bracket on an option).
    const stop = (Math.floor(Number(contract.close_price) * 50) / 100).toFixed(2);
    await orders.postOrder({
      postOrderRequest: {
        symbol: contract.symbol,
        qty: '1',
        side: 'buy',
        type: 'market',
        timeInForce: 'day',
        orderClass: 'oto',
        stopLoss: { stopPrice: stop },
      },
    });
    const sim = gateway.sim!.exchange;
    const deadline = Date.now() + 30_000;
    while (sim.venue.state.ledger.positionQty(contract.symbol) !== 1) {
      if (Date.now() > deadline) throw new Error('the option order did not fill');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const positions = new trading.PositionsApi(
      new trading.Configuration({ basePath: gateway.url, keyId: trader.key.keyId, secret: trader.secret }),
    );
    const position = await positions.getOpenPosition({ symbolOrAssetId: contract.symbol });
    expect(position.assetClass).toBe('us_option');
    expect(Number(position.marketValue)).toBeCloseTo(100 * Number(position.currentPrice), 0);
    const deadline2 = Date.now() + 30_000;
    const protective = () =>
      [...sim.venue.state.orders.values()].find(
        (o) => o.symbol === contract.symbol && o.type === 'stop' && o.status === 'new',
      );
    while (protective() === undefined) {
      if (Date.now() > deadline2) throw new Error('no protective stop on the option');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(protective()!.stopPrice).toBe(Number(stop));
  }, 60_000);
});
