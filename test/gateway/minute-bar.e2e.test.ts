import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rig, startRig } from './harness.ts';

const MINUTE_MS = 60_000;
// Two whole minutes back, so every quote of the test lies in the past of the wall clock.
const minute = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 2 * MINUTE_MS;

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({
    // The exchange's time moves only when the test moves it; the monitor polls only when told to.
    simClock: { mode: 'manual', startMs: minute + 59_000 },
    flags: { markIntervalMs: '60000' },
  });
});
afterAll(() => rig?.close());

describe('the reference price across a whole minute', () => {
  it('is the quote that closed the minute, never the older bar it finished', async () => {
    const engine = () => rig.gateway.services.ctx.risk.engine;
    // A dry run puts the symbol on the monitor's watch list.
    const check = { symbol: 'AAPL', qty: '1', side: 'buy', type: 'market', time_in_force: 'day' };
    expect((await rig.http('POST', '/v1/orders/check', check)).status).toBe(200);
    await rig.gateway.services.monitor.tick();
    expect(engine().book.symbols.get('AAPL')?.priceTime).toBe(minute + 59_000);

    // The first quote of the next minute finishes the one-minute bar that started at `minute`.
    rig.sim.clock.advanceTo(minute + MINUTE_MS + 500);
    rig.sim.setQuote('AAPL', 101, 101.02);
    await rig.gateway.services.monitor.tick();

    const book = engine().book.symbols.get('AAPL');
    expect(book?.priceTime).toBe(minute + MINUTE_MS + 500);
    expect(book?.price).toBeCloseTo(101.01, 6);
  });
});
