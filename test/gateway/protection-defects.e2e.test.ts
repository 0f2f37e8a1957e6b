/**
 * Regressions for the ways the gateway's protection was seen to fail while a bot trades: each
 * test sets up one situation at the simulated exchange and checks the protection invariant (and
 * what the situation is about) from the exchange's own state. Waits are bounded polls, never
 * timing assertions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sdk4Client } from '../support/bot-clients.ts';
import { positionAt, reachPosition, tick } from '../support/bot-day.ts';
import { fillLog } from '../support/fill-log.ts';
import { settledReport } from '../support/protection-invariant.ts';
import { eventually, type Rig, startRig, TEST_PROFILE } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function start(profile = TEST_PROFILE): Promise<{ r: Rig; bot: ReturnType<typeof sdk4Client> }> {
  rig = await startRig({ profile });
  fillLog(rig.sim);
  const r = rig;
  return { r, bot: sdk4Client({ url: r.gateway.url, keyId: r.trader.key.keyId, secret: r.trader.secret }) };
}

async function buy(r: Rig, bot: ReturnType<typeof sdk4Client>, qty: number): Promise<void> {
  await bot.submit({ symbol: 'AAPL', qty, side: 'buy', type: 'market' });
  expect(await reachPosition(r.sim, 'AAPL', qty)).toEqual([]);
}

/** The broker holds stops on the cent tick; the engine's level may carry more decimals. */
function sameTick(engine: number | undefined, broker: number | undefined): boolean {
  return engine !== undefined && broker !== undefined && Math.abs(engine - broker) < 0.01 + 1e-9;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('protection regressions', () => {
  it('protects at the broker again when a stop leg is rejected and the take-profit leg holds the shares', async () => {
    const { r, bot } = await start(TEST_PROFILE.replace('percent: 5 }', 'percent: 5, takeProfitR: 2 }'));
    r.sim.faults.add({ kind: 'reject-stop-leg', symbol: 'AAPL', count: 1 });
    await buy(r, bot, 10);
    // Bounded: the gateway's retries take seconds; the invariant must hold at the end of them.
    await sleep(4_000);
    expect((await settledReport(r)).violations).toEqual([]);
  }, 60_000);

  it('counts the grace from the loss of the stop, not from the entry: a stop replaced at once trips nothing', async () => {
    const { r, bot } = await start();
    await buy(r, bot, 10);
    expect((await settledReport(r)).violations).toEqual([]);
    await sleep(2 * 1_500); // the position is now older than the grace period
    const stop = [...r.sim.venue.state.orders.values()].find(
      (o) =>
        o.symbol === 'AAPL' &&
        o.type === 'stop' &&
        o.side === 'sell' &&
        (o.status === 'held' || o.status === 'new'),
    );
    expect(stop, 'a stop at the exchange').toBeDefined();
    r.sim.venue.cancel(stop!.id); // lost at the broker, as when a partial take-profit cancels the leg
    expect((await settledReport(r)).violations).toEqual([]);
    const state = (await r.http('GET', '/v1/state')).body;
    const latch = state.tradingState;
    expect(latch.state, `trading state ${latch.state} (${latch.code}: ${latch.reason})`).toBe('active');
  }, 60_000);

  it('cancels a protective stop that shows up after the position went flat, so it never opens one', async () => {
    const { r, bot } = await start();
    r.sim.faults.add({ kind: 'reject-stop-leg', symbol: 'AAPL', count: 1 });
    await buy(r, bot, 10);
    // The next order POST (the gateway's replacement stop) is held at the exchange for 800 ms...
    const held = r.sim.faults.add({
      kind: 'latency',
      ms: 800,
      count: 1,
      match: { method: 'POST', path: '/v2/orders' },
    });
    await eventually(() => !r.sim.faults.list().some((f) => f.id === held), 'the replacement stop in flight');
    // ...while the position is closed at the broker outside riskgate.
    r.sim.venue.closePosition('AAPL', {});
    tick(r.sim, 'AAPL');
    expect(positionAt(r.sim, 'AAPL')).toBe(0);
    await sleep(1_000); // the held stop has now landed
    const flat = await settledReport(r);
    r.sim.setQuote('AAPL', 90, 90.02); // through any stop left behind
    await sleep(500);
    const after = await settledReport(r);
    expect([...flat.violations, ...after.violations]).toEqual([]);
  }, 60_000);

  it('moves the broker stop to the engine stop when breakeven and trailing fire on the same price', async () => {
    const profile = TEST_PROFILE.replace(
      '    breakers:',
      '    exits:\n      breakeven: { afterR: 1 }\n      trailingStop: { percent: 3 }\n    breakers:',
    );
    const { r, bot } = await start(profile);
    await buy(r, bot, 10);
    // A fast climb: past 1R (5 %) while the 3 % trail moves on every mark, so updates overlap.
    for (const bid of [103, 104.5, 106, 107.5, 109, 110.5]) {
      r.sim.setQuote('AAPL', bid, bid + 0.02);
      await sleep(60);
    }
    const levels = async () => {
      const engine = (await r.http('GET', '/v1/state')).body.positions[0]?.stop as number | undefined;
      const broker = [...r.sim.venue.state.orders.values()].find(
        (o) =>
          o.symbol === 'AAPL' &&
          o.type === 'stop' &&
          (o.status === 'new' || (o.status === 'held' && o.armed)),
      )?.stopPrice;
      return { engine, broker };
    };
    const converged = await eventually(
      async () => {
        const l = await levels();
        return l.engine !== undefined && l.engine > 100.02 && sameTick(l.engine, l.broker) ? l : undefined;
      },
      'the broker stop to reach the engine stop',
      5_000,
    ).catch(async () => levels());
    expect(
      sameTick(converged.engine, converged.broker),
      `engine stop ${converged.engine}, broker stop ${converged.broker}`,
    ).toBe(true);
    expect((await settledReport(r)).violations).toEqual([]);
  }, 60_000);
});
