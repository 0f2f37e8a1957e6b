import { afterEach, describe, expect, it } from 'vitest';
import { chunkSymbols } from '../../src/broker/alpaca/quote-chunks.ts';
import { isBrokerError } from '../../src/broker/errors.ts';
import type { SubmitOrderRequest } from '../../src/broker/order-types.ts';
import { type Pair, startPair } from './harness.ts';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

/** Letters-only symbols: QAAA, QAAB, … */
function symbolAt(i: number): string {
  const letter = (n: number) => String.fromCharCode(65 + n);
  return `Q${letter(Math.floor(i / 676))}${letter(Math.floor(i / 26) % 26)}${letter(i % 26)}`;
}

const order = (clientOrderId: string, extra: Partial<SubmitOrderRequest> = {}): SubmitOrderRequest => ({
  clientOrderId,
  symbol: 'MSFT',
  side: 'buy',
  qty: 1,
  type: 'limit',
  limitPrice: 250,
  timeInForce: 'day',
  ...extra,
});

describe('quote polls of many symbols', () => {
  it('split 4,000 symbols into requests the exchange accepts and return every quote', async () => {
    pair = await startPair();
    const p = pair;
    const symbols = Array.from({ length: 4_000 }, (_, i) => symbolAt(i));
    for (const i of [0, 1_999, 3_999]) p.exchange.setQuote(symbolAt(i), 10 + i, 10.02 + i);
    const quotes = await p.broker.getLatestQuotes(symbols);
    expect([...quotes.keys()].sort()).toEqual([symbolAt(0), symbolAt(1_999), symbolAt(3_999)]);
    const polls = p.exchange.requests.filter((r) => r.path === '/v2/stocks/quotes/latest');
    expect(polls.every((r) => r.status === 200)).toBe(true);
    // 4 characters a symbol plus an encoded comma: 285 symbols fit 2,000 characters, 200 a request.
    expect(polls).toHaveLength(20);
  });

  it('bounds each chunk by count and by characters, and keeps every symbol once', () => {
    const symbols = Array.from({ length: 1_000 }, (_, i) => symbolAt(i));
    const byCount = chunkSymbols([...symbols, ...symbols], { maxSymbols: 300, maxChars: 1_000_000 });
    expect(byCount.map((c) => c.length)).toEqual([300, 300, 300, 100]);
    const byChars = chunkSymbols(symbols, { maxSymbols: 10_000, maxChars: 69 });
    // 4 + 9 × 7 = 67 characters: ten symbols a chunk.
    expect(byChars.every((c) => c.join('%2C').length <= 69)).toBe(true);
    expect(byChars.flat()).toEqual(symbols);
    expect(chunkSymbols([])).toEqual([]);
    expect(() => chunkSymbols(symbols, { maxSymbols: 0 })).toThrow(/maxSymbols/);
  });
});

describe('the order circuit', () => {
  it('opens after consecutive failed order requests although reads keep succeeding in between', async () => {
    pair = await startPair(
      {},
      {
        circuit: { failureThreshold: 50, orderFailureThreshold: 3, halfOpenAfterMs: 60_000 },
        maxSubmitAttempts: 1,
      },
    );
    const p = pair;
    p.exchange.setQuote('MSFT', 300, 300.04);
    p.exchange.faults.add({ kind: 'error', status: 503, match: { method: 'POST', path: '/v2/orders' } });
    for (let i = 0; i < 3; i++) {
      await p.broker.getLatestQuotes(['MSFT']);
      const error = await p.broker.submitOrder(order(`fail-${i}`)).catch((e: unknown) => e);
      expect(isBrokerError(error, 'UNAVAILABLE')).toBe(true);
    }
    expect(p.broker.circuitState).toBe('open');
    const posts = () => p.exchange.requests.filter((r) => r.method === 'POST').length;
    expect(posts()).toBe(3);
    const refused = await p.broker.submitOrder(order('refused')).catch((e: unknown) => e);
    expect(isBrokerError(refused, 'CIRCUIT_OPEN')).toBe(true);
    expect(posts()).toBe(3);
    // Reads are not refused while only order requests fail.
    expect((await p.broker.getLatestQuotes(['MSFT'])).has('MSFT')).toBe(true);
    expect((await p.broker.getAccount()).equity).toBeGreaterThan(0);
  });
});
