import { afterEach, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../src/broker/alpaca/alpaca-broker.ts';
import type { StreamState } from '../../src/broker/trade-update.ts';
import { collect, eventually, type Pair, startPair } from './harness.ts';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const buy = {
  clientOrderId: 's-1',
  symbol: 'AAPL',
  side: 'buy',
  qty: 3,
  type: 'market',
  timeInForce: 'day',
} as const;

describe('trade_updates through the adapter', () => {
  for (const frames of ['binary', 'text'] as const) {
    it(`delivers new and fill events decoded from ${frames} frames`, async () => {
      pair = await startPair({ streamFrames: frames });
      const p = pair;
      p.exchange.setQuote('AAPL', 100, 100.02);
      const { updates } = collect(p.broker);
      await eventually(() => p.exchange.streamListeners === 1, 'the stream to listen');
      await p.broker.submitOrder(buy);
      p.exchange.setQuote('AAPL', 100, 100.02);
      await eventually(() => updates.length === 2, 'two events');
      expect(updates.map((u) => u.event)).toEqual(['new', 'fill']);
      expect(updates[1]).toMatchObject({
        price: 100.02,
        qty: 3,
        positionQty: 3,
        order: { status: 'filled', filledQty: 3 },
      });
    });
  }

  it('reconnects with backoff after the connection drops and resumes delivery', async () => {
    pair = await startPair();
    const p = pair;
    p.exchange.setQuote('AAPL', 100, 100.02);
    const states: StreamState[] = [];
    p.broker.onStreamState((e) => states.push(e.state));
    const { updates } = collect(p.broker);
    await eventually(() => p.exchange.streamListeners === 1, 'the stream to listen');
    const fault = p.exchange.faults.add({ kind: 'disconnect-stream' });
    await eventually(() => states.filter((s) => s === 'reconnecting').length >= 2, 'two reconnect attempts');
    p.exchange.faults.remove(fault);
    await eventually(() => p.exchange.streamListeners === 1, 'the stream to listen again');
    await p.broker.submitOrder(buy);
    await eventually(() => updates.length === 1, 'an event after reconnecting');
    expect(states.slice(0, 4)).toEqual(['connecting', 'authenticating', 'listening', 'disconnected']);
    expect(states.at(-1)).toBe('listening');
  });

  it('stops on refused credentials instead of reconnecting', async () => {
    pair = await startPair();
    const p = pair;
    const broker = new AlpacaBroker({ baseUrl: p.exchange.url, keyId: p.exchange.keyId, secretKey: 'wrong' });
    try {
      const states: StreamState[] = [];
      broker.onStreamState((e) => states.push(e.state));
      broker.subscribeTradeUpdates(() => {});
      await eventually(() => states.includes('unauthorized'), 'the refusal');
      expect(states).not.toContain('reconnecting');
    } finally {
      await broker.close();
    }
  });

  it('can lose the auto-cancel event of a bracket leg (as the broker may); REST still shows it', async () => {
    pair = await startPair();
    const p = pair;
    p.exchange.setQuote('AAPL', 100, 100.02);
    const { updates } = collect(p.broker);
    await eventually(() => p.exchange.streamListeners === 1, 'the stream to listen');
    const placed = await p.broker.submitOrder({
      ...buy,
      timeInForce: 'gtc',
      protection: { takeProfit: 105, stopLoss: 95 },
    });
    p.exchange.setQuote('AAPL', 100, 100.02);
    p.exchange.faults.add({ kind: 'drop-stream-events', events: ['canceled'] });
    p.exchange.faults.add({ kind: 'delay-stream-events', ms: 20, events: ['fill'] });
    p.exchange.setQuote('AAPL', 106, 106.02);
    await eventually(() => updates.filter((u) => u.event === 'fill').length === 2, 'both fills');
    expect(updates.some((u) => u.event === 'canceled')).toBe(false);
    const legs = (await p.broker.getOrder(placed.order.id, { nested: true })).legs;
    expect(legs.map((l) => l.status)).toEqual(['filled', 'canceled']);
  });

  it('closes the connection when the last handler unsubscribes', async () => {
    pair = await startPair();
    const p = pair;
    const stop = p.broker.subscribeTradeUpdates(() => {});
    await eventually(() => p.exchange.streamListeners === 1, 'the stream to listen');
    stop();
    await eventually(() => p.exchange.streamListeners === 0, 'the connection to close');
  });
});
