import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rig, startRig } from './harness.ts';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
});
afterAll(() => rig?.close());

describe('POST /v1/size', () => {
  it('sizes a symbol the gateway is not watching yet from its latest quote', async () => {
    // MSFT is quoted at the exchange (400/400.04), but nothing has been asked about it yet.
    expect(rig.gateway.services.ctx.risk.engine.book.symbols.get('MSFT')).toBeUndefined();
    const size = await rig.http('POST', '/v1/size', { symbol: 'MSFT', side: 'buy', stop_price: '390' });
    expect(size.status).toBe(200);
    expect(size.body.bound, JSON.stringify(size.body)).not.toBe('unavailable');
    expect(size.body.entryPrice).toBeCloseTo(400.02, 6);
    expect(size.body.qty).toBeGreaterThan(0);
    // Watched from now on, among the few recent dry-run and sizing symbols (bounded).
    expect(rig.gateway.services.ctx.watchList.symbols()).toContain('MSFT');
  });

  it('still answers NO_REFERENCE_PRICE for a symbol without any quote', async () => {
    const size = await rig.http('POST', '/v1/size', { symbol: 'TSLA', side: 'buy', stop_price: '240' });
    expect(size.status).toBe(200);
    expect(size.body.bound).toBe('unavailable');
    expect(size.body.explanation.join(' ')).toContain('NO_REFERENCE_PRICE');
  });
});
