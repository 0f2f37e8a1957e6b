import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { z } from 'zod';
import type {
  BrokerAccount,
  BrokerPosition,
  ClosePositionAmount,
  ClosePositionResult,
} from '../account-types.ts';
import { BrokerError, isBrokerError } from '../errors.ts';
import type { AssetQuery, BrokerAsset, LatestQuote, MarketClock } from '../market-types.ts';
import type {
  BrokerOrder,
  CancelResult,
  OrderQuery,
  ReplaceOrderRequest,
  SubmitOrderRequest,
  SubmittedOrder,
} from '../order-types.ts';
import type { Broker } from '../port.ts';
import type { StreamStateEvent, TradeUpdate, Unsubscribe } from '../trade-update.ts';
import { wireAccountSchema, wireClosePositionEntrySchema, wirePositionSchema } from '../wire/account-wire.ts';
import { numberToDecimal } from '../wire/decimal.ts';
import { wireAssetSchema, wireClockSchema, wireLatestQuotesSchema } from '../wire/market-wire.ts';
import { type WireOrderRequest, wireCancelAllEntrySchema, wireOrderSchema } from '../wire/order-wire.ts';
import { CircuitGate, type CircuitOptions, type GateState } from './circuit-gate.ts';
import {
  fromWireAccount,
  fromWireAsset,
  fromWireClock,
  fromWireOrder,
  fromWirePosition,
  fromWireQuote,
} from './from-wire.ts';
import { type HttpRequest, HttpTransport } from './http-transport.ts';
import { submitOrder } from './order-submission.ts';
import { Pacer, type RequestKind } from './pacer.ts';
import { toWireReplace } from './to-wire.ts';
import { TradeStream } from './trade-stream.ts';

/** Paper trading host. */
export const ALPACA_PAPER_URL = 'https://paper-api.alpaca.markets';
/** Live trading host. */
export const ALPACA_LIVE_URL = 'https://api.alpaca.markets';
/** Market-data host. */
export const ALPACA_DATA_URL = 'https://data.alpaca.markets';

/** Options of {@link AlpacaBroker}. */
export interface AlpacaBrokerOptions {
  /** Trading API base URL, e.g. {@link ALPACA_PAPER_URL} or a simulated exchange. */
  readonly baseUrl: string;
  /** Market-data base URL. Default: {@link ALPACA_DATA_URL} for Alpaca hosts, else `baseUrl`. */
  readonly dataUrl?: string;
  /** `trade_updates` WebSocket URL. Default: `baseUrl` with ws(s) and `/stream`. */
  readonly streamUrl?: string;
  readonly keyId: string;
  readonly secretKey: string;
  /** Per-request timeout in milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
  /** Client-side request budget per minute. Default 200. */
  readonly requestsPerMinute?: number;
  /** Requests in flight at once. Default 4. */
  readonly maxConcurrent?: number;
  /** Read retries: attempts in total and backoff bounds in ms. Defaults 3, 200, 5 000. */
  readonly readRetry?: {
    readonly maxAttempts?: number;
    readonly initialDelayMs?: number;
    readonly maxDelayMs?: number;
  };
  readonly circuit?: CircuitOptions;
  /** POSTs of one order at most (resends happen only after a confirmed 404). Default 3. */
  readonly maxSubmitAttempts?: number;
  /** Market-data feed for quotes. Default `iex`. */
  readonly feed?: string;
  readonly stream?: {
    readonly initialBackoffMs?: number;
    readonly maxBackoffMs?: number;
    readonly pingIntervalMs?: number;
  };
}

type Schema<T> = { parse(value: unknown): T };

/**
 * The Alpaca adapter of the broker port: REST over `fetch`, `trade_updates` over `ws`, pacing,
 * circuit breaking, read retries, and orders that are never retried blindly.
 */
export class AlpacaBroker implements Broker {
  readonly #options: AlpacaBrokerOptions;
  readonly #transport: HttpTransport;
  readonly #pacer: Pacer;
  readonly #gate: CircuitGate;
  readonly #stream: TradeStream;
  readonly #dataUrl: string;
  readonly #readRetry;

  constructor(options: AlpacaBrokerOptions) {
    this.#options = options;
    this.#pacer = new Pacer({
      ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
      ...(options.maxConcurrent !== undefined ? { maxConcurrent: options.maxConcurrent } : {}),
    });
    this.#transport = new HttpTransport({
      keyId: options.keyId,
      secretKey: options.secretKey,
      timeoutMs: options.timeoutMs ?? 10_000,
      onRateLimit: (info) => this.#pacer.observe(info),
    });
    this.#gate = new CircuitGate(options.circuit);
    const alpacaHost = /\.alpaca\.markets\/?$/.test(options.baseUrl);
    this.#dataUrl = options.dataUrl ?? (alpacaHost ? ALPACA_DATA_URL : options.baseUrl);
    this.#stream = new TradeStream({
      url: options.streamUrl ?? `${options.baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/stream`,
      keyId: options.keyId,
      secretKey: options.secretKey,
      ...options.stream,
    });
    const r = options.readRetry ?? {};
    this.#readRetry = retry(
      handleWhen((e) => isBrokerError(e, 'UNAVAILABLE') || isBrokerError(e, 'RATE_LIMITED')),
      {
        maxAttempts: Math.max(0, (r.maxAttempts ?? 3) - 1),
        backoff: new ExponentialBackoff({
          initialDelay: r.initialDelayMs ?? 200,
          maxDelay: r.maxDelayMs ?? 5_000,
        }),
      },
    );
  }

  /** Circuit state: `open` refuses entries and queues cancels and exits. */
  get circuitState(): GateState {
    return this.#gate.state;
  }

  /** Observes circuit state changes. */
  onCircuitState(listener: (state: GateState) => void): Unsubscribe {
    return this.#gate.onStateChange(listener);
  }

  /** One attempt through the circuit gate and the pacer; no retry. */
  #once<T>(kind: RequestKind, req: HttpRequest, schema: Schema<T> | undefined): Promise<T> {
    return this.#gate.run(
      kind,
      (attempt) => this.#pacer.schedule(kind, attempt),
      async () => {
        const response = await this.#transport.request(req);
        if (schema === undefined) return undefined as T;
        try {
          return schema.parse(response.body);
        } catch (error) {
          throw new BrokerError('INVALID_RESPONSE', `${req.method} ${req.path}: unexpected body`, {
            status: response.status,
            cause: error,
          });
        }
      },
    );
  }

  /** A read: retried with exponential backoff and jitter on 5xx, timeouts, resets and 429. */
  #read<T>(
    path: string,
    schema: Schema<T>,
    query?: HttpRequest['query'],
    kind: RequestKind = 'read',
    base?: string,
  ) {
    const req: HttpRequest = {
      method: 'GET',
      base: base ?? this.#options.baseUrl,
      path,
      ...(query ? { query } : {}),
    };
    return this.#readRetry.execute(() => this.#once(kind, req, schema));
  }

  #write<T>(
    kind: RequestKind,
    method: HttpRequest['method'],
    path: string,
    schema?: Schema<T>,
    extra: Partial<HttpRequest> = {},
  ) {
    return this.#once(kind, { method, base: this.#options.baseUrl, path, ...extra }, schema);
  }

  submitOrder(request: SubmitOrderRequest): Promise<SubmittedOrder> {
    return submitOrder(
      {
        post: async (body: WireOrderRequest, kind) =>
          fromWireOrder(await this.#write(kind, 'POST', '/v2/orders', wireOrderSchema, { body })),
        byClientId: (cid, kind) => this.getOrderByClientId(cid, kind),
        nested: (id, kind) => this.#getOrder(id, true, kind),
      },
      request,
      this.#options.maxSubmitAttempts ?? 3,
    );
  }

  async cancelOrder(orderId: string): Promise<void> {
    await this.#write('cancel', 'DELETE', `/v2/orders/${encodeURIComponent(orderId)}`);
  }

  async cancelAllOrders(): Promise<readonly CancelResult[]> {
    const entries = await this.#write('cancel', 'DELETE', '/v2/orders', z.array(wireCancelAllEntrySchema));
    return entries.map((e) => ({ orderId: e.id, status: e.status }));
  }

  async replaceOrder(orderId: string, changes: ReplaceOrderRequest): Promise<BrokerOrder> {
    let body: ReturnType<typeof toWireReplace>;
    try {
      body = toWireReplace(changes, undefined);
    } catch {
      // A price off the tick: learn the order's side to round it the conservative way.
      const current = await this.#getOrder(orderId, false, changes.intent === 'exit' ? 'exit' : 'read');
      body = toWireReplace(changes, current.side);
    }
    const kind: RequestKind = changes.intent === 'exit' ? 'exit' : 'entry';
    const path = `/v2/orders/${encodeURIComponent(orderId)}`;
    return fromWireOrder(await this.#write(kind, 'PATCH', path, wireOrderSchema, { body }));
  }

  getOrder(orderId: string, options: { readonly nested?: boolean } = {}): Promise<BrokerOrder> {
    return this.#getOrder(orderId, options.nested ?? false, 'read');
  }

  async #getOrder(orderId: string, nested: boolean, kind: RequestKind): Promise<BrokerOrder> {
    const path = `/v2/orders/${encodeURIComponent(orderId)}`;
    return fromWireOrder(
      await this.#read(path, wireOrderSchema, nested ? { nested: 'true' } : undefined, kind),
    );
  }

  async getOrderByClientId(clientOrderId: string, kind: RequestKind = 'read'): Promise<BrokerOrder> {
    const order = await this.#read(
      '/v2/orders:by_client_order_id',
      wireOrderSchema,
      { client_order_id: clientOrderId },
      kind,
    );
    return fromWireOrder(order);
  }

  async listOrders(query: OrderQuery = {}): Promise<readonly BrokerOrder[]> {
    const orders = await this.#read('/v2/orders', z.array(wireOrderSchema), {
      status: query.status,
      limit: query.limit === undefined ? undefined : String(query.limit),
      after: query.after === undefined ? undefined : new Date(query.after).toISOString(),
      until: query.until === undefined ? undefined : new Date(query.until).toISOString(),
      direction: query.direction,
      nested: query.nested === undefined ? undefined : String(query.nested),
      symbols: query.symbols === undefined ? undefined : query.symbols.join(','),
      side: query.side,
    });
    return orders.map(fromWireOrder);
  }

  async listPositions(): Promise<readonly BrokerPosition[]> {
    return (await this.#read('/v2/positions', z.array(wirePositionSchema))).map(fromWirePosition);
  }

  async getPosition(symbol: string): Promise<BrokerPosition> {
    return fromWirePosition(
      await this.#read(`/v2/positions/${encodeURIComponent(symbol)}`, wirePositionSchema),
    );
  }

  async getAccount(): Promise<BrokerAccount> {
    return fromWireAccount(await this.#read('/v2/account', wireAccountSchema));
  }

  async closePosition(symbol: string, amount?: ClosePositionAmount): Promise<BrokerOrder> {
    const query: Record<string, string> = {};
    if (amount !== undefined && 'qty' in amount) query.qty = numberToDecimal(amount.qty);
    if (amount !== undefined && 'percentage' in amount) {
      if (!(amount.percentage >= 0 && amount.percentage <= 100)) {
        throw new BrokerError('VALIDATION', 'percentage must be between 0 and 100', { local: true });
      }
      query.percentage = numberToDecimal(amount.percentage);
    }
    const path = `/v2/positions/${encodeURIComponent(symbol)}`;
    return fromWireOrder(await this.#write('exit', 'DELETE', path, wireOrderSchema, { query }));
  }

  async closeAllPositions(
    options: { readonly cancelOrders?: boolean } = {},
  ): Promise<readonly ClosePositionResult[]> {
    const entries = await this.#write(
      'exit',
      'DELETE',
      '/v2/positions',
      z.array(wireClosePositionEntrySchema),
      {
        query: { cancel_orders: String(options.cancelOrders ?? false) },
      },
    );
    return entries.map((e) => {
      const body = e.body as { id?: unknown; message?: unknown } | null | undefined;
      return {
        symbol: e.symbol,
        status: e.status,
        orderId: e.status === 200 && typeof body?.id === 'string' ? body.id : undefined,
        message: typeof body?.message === 'string' ? body.message : undefined,
      };
    });
  }

  async getLatestQuotes(symbols: readonly string[]): Promise<ReadonlyMap<string, LatestQuote>> {
    const query = { symbols: symbols.join(','), feed: this.#options.feed ?? 'iex' };
    const answer = await this.#read(
      '/v2/stocks/quotes/latest',
      wireLatestQuotesSchema,
      query,
      'read',
      this.#dataUrl,
    );
    return new Map(Object.entries(answer.quotes).map(([symbol, q]) => [symbol, fromWireQuote(symbol, q)]));
  }

  async getAsset(symbol: string): Promise<BrokerAsset> {
    return fromWireAsset(await this.#read(`/v2/assets/${encodeURIComponent(symbol)}`, wireAssetSchema));
  }

  async listAssets(query: AssetQuery = {}): Promise<readonly BrokerAsset[]> {
    const assets = await this.#read('/v2/assets', z.array(wireAssetSchema), {
      status: query.status,
      asset_class: query.assetClass,
    });
    return assets.map(fromWireAsset);
  }

  async getClock(): Promise<MarketClock> {
    return fromWireClock(await this.#read('/v2/clock', wireClockSchema));
  }

  subscribeTradeUpdates(handler: (update: TradeUpdate) => void): Unsubscribe {
    return this.#stream.subscribe(handler);
  }

  onStreamState(listener: (event: StreamStateEvent) => void): Unsubscribe {
    return this.#stream.onState(listener);
  }

  async close(): Promise<void> {
    this.#stream.close();
    this.#gate.close();
    this.#pacer.close();
  }
}
