/**
 * A trading bot's calls through the official Alpaca SDK, in its 4.x line
 * (`@alpacahq/alpaca-trade-api`) and its 3.x line (`alpaca-trade-api-3`), behind one small
 * interface, so one workload runs against both. Each call goes over real HTTP to the gateway.
 */

import { createRequire } from 'node:module';
import { OrdersApi, trading } from '@alpacahq/alpaca-trade-api';

// The 3.x package is CommonJS whose typings declare an ES default export it does not have at
// run time (`module.exports` is the class itself); require() gives the class either way.
const Alpaca3 = createRequire(import.meta.url)(
  'alpaca-trade-api-3',
) as typeof import('alpaca-trade-api-3').default;

/** An order as a bot sends it. Prices in dollars, quantities in shares. */
export interface BotOrderRequest {
  readonly symbol: string;
  readonly qty: number;
  readonly side: 'buy' | 'sell';
  readonly type: 'market' | 'limit' | 'stop';
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly timeInForce?: 'day' | 'gtc';
  readonly clientOrderId?: string;
  /** Omitted: no `order_class` field at all (legs, if any, are then dropped at Alpaca). */
  readonly orderClass?: 'bracket' | 'oco' | 'oto' | 'simple';
  readonly takeProfit?: number;
  readonly stopLoss?: number;
}

/** The fields of the broker's answer the workloads read. */
export interface BotOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly status: string;
  readonly orderClass: string;
  readonly legs: number;
}

/** A refused call: the HTTP status and the broker-style message. */
export class BotCallError extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${call} → ${status} ${detail}`);
    this.name = 'BotCallError';
  }
}

/** The calls a bot makes. */
export interface BotClient {
  readonly sdk: string;
  submit(order: BotOrderRequest): Promise<BotOrder>;
  replace(orderId: string, changes: { qty?: number; limitPrice?: number }): Promise<BotOrder>;
  cancel(orderId: string): Promise<void>;
  closePosition(symbol: string): Promise<BotOrder>;
  closeAll(cancelOrders: boolean): Promise<unknown[]>;
}

/** Credentials and base URL of a gateway. */
export interface BotTarget {
  readonly url: string;
  readonly keyId: string;
  readonly secret: string;
}

/** The 4.x SDK: the ergonomic `OrdersApi` builders where one fits, `postOrder` otherwise. */
export function sdk4Client(target: BotTarget): BotClient {
  const config = new trading.Configuration({
    basePath: target.url,
    keyId: target.keyId,
    secret: target.secret,
    retry: { maxRetries: 0 },
  });
  const orders = new OrdersApi(config);
  const positions = new trading.PositionsApi(config);
  const call = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const e = error as { status?: number; message?: string; response?: { status?: number } };
      throw new BotCallError(name, e.status ?? e.response?.status ?? 0, e.message ?? String(error));
    }
  };
  const view = (o: trading.Order): BotOrder => ({
    id: o.id ?? '',
    clientOrderId: o.clientOrderId ?? '',
    status: String(o.status),
    orderClass: String(o.orderClass ?? ''),
    legs: o.legs?.length ?? 0,
  });
  return {
    sdk: '4.x',
    submit: (o) =>
      call(`submit ${describe(o)}`, async () => {
        const common = {
          symbol: o.symbol,
          qty: o.qty,
          side: o.side,
          timeInForce: o.timeInForce ?? 'day',
          ...(o.clientOrderId !== undefined ? { clientOrderId: o.clientOrderId } : {}),
        } as const;
        if (o.orderClass === undefined && o.takeProfit === undefined && o.stopLoss === undefined) {
          if (o.type === 'market') return view(await orders.market(common));
          if (o.type === 'limit') return view(await orders.limit({ ...common, limitPrice: o.limitPrice! }));
          return view(await orders.stop({ ...common, stopPrice: o.stopPrice! }));
        }
        return view(
          await orders.postOrder({
            postOrderRequest: {
              ...common,
              qty: String(o.qty),
              type: o.type,
              ...(o.limitPrice !== undefined ? { limitPrice: String(o.limitPrice) } : {}),
              ...(o.stopPrice !== undefined ? { stopPrice: String(o.stopPrice) } : {}),
              ...(o.orderClass !== undefined ? { orderClass: o.orderClass } : {}),
              ...(o.takeProfit !== undefined ? { takeProfit: { limitPrice: String(o.takeProfit) } } : {}),
              ...(o.stopLoss !== undefined ? { stopLoss: { stopPrice: String(o.stopLoss) } } : {}),
            },
          }),
        );
      }),
    replace: (orderId, changes) =>
      call(`replace ${orderId} ${JSON.stringify(changes)}`, async () =>
        view(
          await orders.patchOrderByOrderId({
            orderId,
            patchOrderRequest: {
              ...(changes.qty !== undefined ? { qty: String(changes.qty) } : {}),
              ...(changes.limitPrice !== undefined ? { limitPrice: String(changes.limitPrice) } : {}),
            },
          }),
        ),
      ),
    cancel: (orderId) => call(`cancel ${orderId}`, () => orders.deleteOrderByOrderID({ orderId })),
    closePosition: (symbol) =>
      call(`close position ${symbol}`, async () =>
        view(await positions.deleteOpenPosition({ symbolOrAssetId: symbol })),
      ),
    closeAll: (cancelOrders) =>
      call('close all positions', () => positions.deleteAllOpenPositions({ cancelOrders })),
  };
}

/** The 3.x SDK: `createOrder`/`replaceOrder`/`cancelOrder`/`closePosition` with snake_case bodies. */
export function sdk3Client(target: BotTarget): BotClient {
  const alpaca = new Alpaca3({
    keyId: target.keyId,
    secretKey: target.secret,
    baseUrl: target.url,
    paper: true,
  });
  const call = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const e = error as { message?: string; response?: { status?: number; data?: { message?: string } } };
      throw new BotCallError(name, e.response?.status ?? 0, e.response?.data?.message ?? e.message ?? '');
    }
  };
  // biome-ignore lint/suspicious/noExplicitAny: the 3.x SDK returns untyped JSON
  const view = (o: any): BotOrder => ({
    id: o.id,
    clientOrderId: o.client_order_id,
    status: o.status,
    orderClass: o.order_class ?? '',
    legs: Array.isArray(o.legs) ? o.legs.length : 0,
  });
  return {
    sdk: '3.x',
    submit: (o) =>
      call(`submit ${describe(o)}`, async () =>
        view(
          await alpaca.createOrder({
            symbol: o.symbol,
            qty: o.qty,
            side: o.side,
            type: o.type,
            time_in_force: o.timeInForce ?? 'day',
            ...(o.limitPrice !== undefined ? { limit_price: o.limitPrice } : {}),
            ...(o.stopPrice !== undefined ? { stop_price: o.stopPrice } : {}),
            ...(o.clientOrderId !== undefined ? { client_order_id: o.clientOrderId } : {}),
            ...(o.orderClass !== undefined ? { order_class: o.orderClass } : {}),
            ...(o.takeProfit !== undefined ? { take_profit: { limit_price: o.takeProfit } } : {}),
            ...(o.stopLoss !== undefined ? { stop_loss: { stop_price: o.stopLoss } } : {}),
          }),
        ),
      ),
    replace: (orderId, changes) =>
      call(`replace ${orderId} ${JSON.stringify(changes)}`, async () =>
        view(
          await alpaca.replaceOrder(orderId, {
            ...(changes.qty !== undefined ? { qty: changes.qty } : {}),
            ...(changes.limitPrice !== undefined ? { limit_price: changes.limitPrice } : {}),
          }),
        ),
      ),
    cancel: (orderId) =>
      call(`cancel ${orderId}`, async () => {
        await alpaca.cancelOrder(orderId);
      }),
    closePosition: (symbol) =>
      call(`close position ${symbol}`, async () => view(await alpaca.closePosition(symbol))),
    // 3.x's closeAllPositions() takes no options; the SDK's own transport sends the query.
    closeAll: (cancelOrders) =>
      call('close all positions', () =>
        alpaca.sendRequest('/positions', cancelOrders ? { cancel_orders: true } : null, null, 'DELETE'),
      ),
  };
}

/** The two SDK lines, for `describe.each`. */
export const SDK_LINES: ReadonlyArray<{ sdk: string; client: (target: BotTarget) => BotClient }> = [
  { sdk: '4.x', client: sdk4Client },
  { sdk: '3.x', client: sdk3Client },
];

function describe(o: BotOrderRequest): string {
  const price =
    o.limitPrice !== undefined
      ? ` limit ${o.limitPrice}`
      : o.stopPrice !== undefined
        ? ` stop ${o.stopPrice}`
        : '';
  const legs =
    o.takeProfit !== undefined || o.stopLoss !== undefined ? ` tp=${o.takeProfit} sl=${o.stopLoss}` : '';
  return `${o.side} ${o.qty} ${o.symbol} ${o.type}${price}${o.orderClass !== undefined ? ` class=${o.orderClass}` : ''}${legs}`;
}
