import { Alpaca, OrdersApi, streaming, trading } from '@alpacahq/alpaca-trade-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { eventually } from './harness.ts';

/**
 * The official Alpaca SDK, unchanged, against the simulated exchange: proof that the simulator
 * speaks the same API as the broker, not just the dialect our adapter happens to use.
 */
let ex: SimExchange;
beforeEach(async () => {
  ex = await SimExchange.start();
  ex.setQuote('AAPL', 100, 100.02);
});
afterEach(async () => {
  await ex.close();
});

function config(): trading.Configuration {
  // The SDK's explicit `basePath` wins over its paper/live host selection.
  return new trading.Configuration({
    basePath: ex.url,
    keyId: ex.keyId,
    secret: ex.secretKey,
    retry: { maxRetries: 0 },
  });
}

describe('the official @alpacahq/alpaca-trade-api client', () => {
  it('reads the account, places a bracket, lists, cancels, and manages positions', async () => {
    const account = await new trading.AccountsApi(config()).getAccount();
    expect(account.status).toBe('ACTIVE');
    expect(String(account.cash)).toBe('100000');

    const orders = new OrdersApi(config());
    const bracket = await orders.bracket({
      symbol: 'AAPL',
      qty: 5,
      side: 'buy',
      limitPrice: 100.5,
      timeInForce: 'gtc',
      clientOrderId: 'sdk-bracket',
      takeProfit: { limitPrice: 110 },
      stopLoss: { stopPrice: 95 },
    });
    expect(bracket.orderClass).toBe('bracket');
    expect(bracket.legs?.map((leg) => leg.status)).toEqual(['held', 'held']);

    const byClient = await orders.getOrderByClientOrderId({ clientOrderId: 'sdk-bracket' });
    expect(byClient.id).toBe(bracket.id);
    const nested = await orders.getAllOrders({ status: 'all', nested: true });
    expect(nested.map((o) => o.id)).toEqual([bracket.id]);

    const spare = await orders.limit({
      symbol: 'AAPL',
      qty: 1,
      side: 'buy',
      limitPrice: 90,
      timeInForce: 'day',
    });
    await orders.deleteOrderByOrderID({ orderId: spare.id! });
    expect((await orders.getOrderByOrderID({ orderId: spare.id! })).status).toBe('canceled');

    ex.setQuote('AAPL', 100, 100.02); // the bracket entry fills
    const positionsApi = new trading.PositionsApi(config());
    const positions = await positionsApi.getAllOpenPositions();
    expect(positions.map((p) => [p.symbol, String(p.qty)])).toEqual([['AAPL', '5']]);

    // Legs hold the shares: closing needs the bracket cancelled first, as at the broker.
    await orders.deleteAllOrders();
    const closing = await positionsApi.deleteOpenPosition({ symbolOrAssetId: 'AAPL' });
    expect(closing.side).toBe('sell');
    ex.setQuote('AAPL', 100, 100.02);
    expect(await positionsApi.getAllOpenPositions()).toEqual([]);
  });

  it('receives trade_updates on its own stream client pointed at the simulator', async () => {
    const stream = new streaming.TradingStream({
      url: ex.streamUrl,
      credentials: { keyId: ex.keyId, secret: ex.secretKey },
      reconnect: false,
      pingIntervalMs: 0,
    });
    const events: string[] = [];
    stream.onTradeUpdate((update) => events.push(`${update.event}:${update.order.symbol}`));
    stream.subscribeTradeUpdates();
    stream.connect();
    try {
      await eventually(() => ex.streamListeners === 1, 'the SDK stream to listen');
      await new OrdersApi(config()).market({ symbol: 'AAPL', qty: 1, side: 'buy', timeInForce: 'day' });
      ex.setQuote('AAPL', 100, 100.02);
      await eventually(() => events.length === 2, 'new and fill on the SDK stream');
      expect(events).toEqual(['new:AAPL', 'fill:AAPL']);
    } finally {
      stream.disconnect();
    }
  });

  it('works through the top-level Alpaca facade when its requests are routed to the simulator', async () => {
    const simulator = new URL(ex.url);
    const alpaca = new Alpaca({
      keyId: ex.keyId,
      secret: ex.secretKey,
      retry: false,
      // The facade derives its hosts from `paper`; a fetch that rewrites the origin points it here.
      fetchApi: (input, init) => {
        const url = new URL(String(input));
        url.protocol = simulator.protocol;
        url.host = simulator.host;
        return fetch(url, init);
      },
    });
    const account = await alpaca.trading.account.getAccount();
    expect(account.accountNumber).toBe('PA3SIMULATED');
    const order = await alpaca.trading.orders.bracket({
      symbol: 'AAPL',
      qty: 2,
      side: 'buy',
      timeInForce: 'day',
      takeProfit: { limitPrice: 105 },
      stopLoss: { stopPrice: 97 },
    });
    expect(order.legs).toHaveLength(2);
    const quotes = await alpaca.marketData.stocks.stockLatestQuotes({ symbols: 'AAPL' });
    expect(JSON.stringify(quotes)).toContain('100.02');
  });
});
