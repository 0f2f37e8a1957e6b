import { z } from 'zod';
import type {
  BrokerAccount,
  BrokerPosition,
  ClosePositionAmount,
  ClosePositionResult,
} from '../account-types.ts';
import { BrokerError } from '../errors.ts';
import type { AssetQuery, BrokerAsset, LatestQuote, MarketClock } from '../market-types.ts';
import type { OptionContract, OptionContractPage, OptionContractQuery } from '../option-types.ts';
import type {
  BrokerOrder,
  CancelResult,
  OrderQuery,
  ReplaceOrderRequest,
  SubmitOrderRequest,
  SubmittedOrder,
} from '../order-types.ts';
import type { Broker } from '../port.ts';
import type { ReadOptions } from '../read-options.ts';
import type { StreamStateEvent, TradeUpdate, Unsubscribe } from '../trade-update.ts';
import { wireAccountSchema, wireClosePositionEntrySchema, wirePositionSchema } from '../wire/account-wire.ts';
import { assetClassOf } from '../wire/asset-class.ts';
import { numberToDecimal } from '../wire/decimal.ts';
import { wireAssetSchema, wireClockSchema, wireLatestQuotesSchema } from '../wire/market-wire.ts';
import {
  wireOptionContractSchema,
  wireOptionContractsSchema,
  wireOptionQuotesSchema,
} from '../wire/option-wire.ts';
import { type WireOrderRequest, wireCancelAllEntrySchema } from '../wire/order-wire.ts';
import { wireOrderListParser, wireOrderParser } from '../wire/order-wire-check.ts';
import type { CircuitOptions, GateState } from './circuit-gate.ts';
import {
  fromWireAccount,
  fromWireAsset,
  fromWireClock,
  fromWireOptionContract,
  fromWireOrder,
  fromWirePosition,
  fromWireQuote,
} from './from-wire.ts';
import type { HttpRequest } from './http-transport.ts';
import { submitOrder } from './order-submission.ts';
import type { BudgetSnapshot } from './pacer.ts';
import { chunkSymbols, type QuoteChunking } from './quote-chunks.ts';
import { type RequestKind, readKind } from './request-class.ts';
import { RequestPipeline, type Schema } from './request-pipeline.ts';
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
  /**
   * Share of the request budget (per minute and in flight) that entries and client reads may use
   * together, in percent. The rest is reserved for cancels, exits, protective orders and the
   * gateway's own polls. Default 50.
   */
  readonly clientSharePercent?: number;
  /** How quote polls of many symbols are split into requests. Defaults: 200 symbols, 2,000 characters. */
  readonly quoteChunks?: Partial<QuoteChunking>;
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
  /** Market-data feed for option quotes: `indicative` (default, free) or `opra`. */
  readonly optionFeed?: string;
  readonly stream?: {
    readonly initialBackoffMs?: number;
    readonly maxBackoffMs?: number;
    readonly pingIntervalMs?: number;
  };
}

/**
 * The Alpaca adapter of the broker port: REST over `fetch`, `trade_updates` over `ws`, pacing,
 * circuit breaking, read retries, and orders that are never retried blindly.
 */
export class AlpacaBroker implements Broker {
  readonly #options: AlpacaBrokerOptions;
  readonly #pipeline: RequestPipeline;
  readonly #stream: TradeStream;
  readonly #dataUrl: string;

  constructor(options: AlpacaBrokerOptions) {
    this.#options = options;
    this.#pipeline = new RequestPipeline({
      keyId: options.keyId,
      secretKey: options.secretKey,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
      ...(options.maxConcurrent !== undefined ? { maxConcurrent: options.maxConcurrent } : {}),
      ...(options.clientSharePercent !== undefined ? { clientSharePercent: options.clientSharePercent } : {}),
      ...(options.readRetry !== undefined ? { readRetry: options.readRetry } : {}),
      ...(options.circuit !== undefined ? { circuit: options.circuit } : {}),
    });
    const alpacaHost = /\.alpaca\.markets\/?$/.test(options.baseUrl);
    this.#dataUrl = options.dataUrl ?? (alpacaHost ? ALPACA_DATA_URL : options.baseUrl);
    this.#stream = new TradeStream({
      url: options.streamUrl ?? `${options.baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/stream`,
      keyId: options.keyId,
      secretKey: options.secretKey,
      ...options.stream,
    });
  }

  /** Circuit state: `open` refuses entries and queues cancels and exits. */
  get circuitState(): GateState {
    return this.#pipeline.gate.state;
  }

  /** The request budget, its client share, and how each request class uses it now. */
  requestBudget(): BudgetSnapshot {
    return this.#pipeline.budget();
  }

  /** Observes circuit state changes. */
  onCircuitState(listener: (state: GateState) => void): Unsubscribe {
    return this.#pipeline.gate.onStateChange(listener);
  }

  #read<T>(
    path: string,
    schema: Schema<T>,
    query: HttpRequest['query'] | undefined,
    kind: RequestKind,
    base?: string,
  ) {
    const req: HttpRequest = {
      method: 'GET',
      base: base ?? this.#options.baseUrl,
      path,
      ...(query ? { query } : {}),
    };
    return this.#pipeline.read(kind, req, schema);
  }

  #write<T>(
    kind: RequestKind,
    method: HttpRequest['method'],
    path: string,
    schema?: Schema<T>,
    extra: Partial<HttpRequest> = {},
  ) {
    return this.#pipeline.once(kind, { method, base: this.#options.baseUrl, path, ...extra }, schema);
  }

  submitOrder(request: SubmitOrderRequest): Promise<SubmittedOrder> {
    return submitOrder(
      {
        post: async (body: WireOrderRequest, kind) =>
          fromWireOrder(await this.#write(kind, 'POST', '/v2/orders', wireOrderParser, { body })),
        byClientId: (cid, kind) => this.#getOrderByClientId(cid, kind),
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
      const current = await this.#getOrder(orderId, false, changes.intent === 'exit' ? 'exit' : 'entry');
      body = toWireReplace(changes, current.side, current.symbol);
    }
    const kind: RequestKind = changes.intent === 'exit' ? 'exit' : 'entry';
    const path = `/v2/orders/${encodeURIComponent(orderId)}`;
    return fromWireOrder(await this.#write(kind, 'PATCH', path, wireOrderParser, { body }));
  }

  getOrder(orderId: string, options: { readonly nested?: boolean } & ReadOptions = {}): Promise<BrokerOrder> {
    return this.#getOrder(orderId, options.nested ?? false, readKind(options));
  }

  async #getOrder(orderId: string, nested: boolean, kind: RequestKind): Promise<BrokerOrder> {
    const path = `/v2/orders/${encodeURIComponent(orderId)}`;
    return fromWireOrder(
      await this.#read(path, wireOrderParser, nested ? { nested: 'true' } : undefined, kind),
    );
  }

  getOrderByClientId(clientOrderId: string, options?: ReadOptions): Promise<BrokerOrder> {
    return this.#getOrderByClientId(clientOrderId, readKind(options));
  }

  async #getOrderByClientId(clientOrderId: string, kind: RequestKind): Promise<BrokerOrder> {
    const order = await this.#read(
      '/v2/orders:by_client_order_id',
      wireOrderParser,
      { client_order_id: clientOrderId },
      kind,
    );
    return fromWireOrder(order);
  }

  async listOrders(query: OrderQuery = {}, options?: ReadOptions): Promise<readonly BrokerOrder[]> {
    const wireQuery = {
      status: query.status,
      limit: query.limit === undefined ? undefined : String(query.limit),
      after: query.after === undefined ? undefined : new Date(query.after).toISOString(),
      until: query.until === undefined ? undefined : new Date(query.until).toISOString(),
      direction: query.direction,
      nested: query.nested === undefined ? undefined : String(query.nested),
      symbols: query.symbols === undefined ? undefined : query.symbols.join(','),
      side: query.side,
    };
    const orders = await this.#read('/v2/orders', wireOrderListParser, wireQuery, readKind(options));
    return orders.map(fromWireOrder);
  }

  async listPositions(options?: ReadOptions): Promise<readonly BrokerPosition[]> {
    const positions = await this.#read(
      '/v2/positions',
      z.array(wirePositionSchema),
      undefined,
      readKind(options),
    );
    return positions.map(fromWirePosition);
  }

  async getPosition(symbol: string, options?: ReadOptions): Promise<BrokerPosition> {
    const path = `/v2/positions/${encodeURIComponent(symbol)}`;
    return fromWirePosition(await this.#read(path, wirePositionSchema, undefined, readKind(options)));
  }

  async getAccount(options?: ReadOptions): Promise<BrokerAccount> {
    return fromWireAccount(await this.#read('/v2/account', wireAccountSchema, undefined, readKind(options)));
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
    return fromWireOrder(await this.#write('exit', 'DELETE', path, wireOrderParser, { query }));
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

  /**
   * Latest quotes, in as many requests as the symbols need, OCC option symbols from the option
   * quotes endpoint (when that one fails, the contracts are left out rather than the stocks);
   * each request's `symbols` list is
   * bounded in count and length (see {@link AlpacaBrokerOptions.quoteChunks}), so no request URL
   * grows past what the broker accepts however many symbols are watched.
   */
  async getLatestQuotes(
    symbols: readonly string[],
    options?: ReadOptions,
  ): Promise<ReadonlyMap<string, LatestQuote>> {
    // Option contracts are quoted by another endpoint: a mixed watch list is split between both.
    const stocks: string[] = [];
    const contracts: string[] = [];
    for (const symbol of symbols) (assetClassOf(symbol) === 'us_option' ? contracts : stocks).push(symbol);
    const [stockQuotes, optionQuotes] = await Promise.all([
      this.#quotes('/v2/stocks/quotes/latest', stocks, this.#options.feed ?? 'iex', options),
      // A refused option feed (no subscription, say) must not cost the stocks their marks: the
      // contracts are then absent, as symbols without a quote are.
      this.#quotes(
        '/v1beta1/options/quotes/latest',
        contracts,
        this.#options.optionFeed ?? 'indicative',
        options,
      ).catch((error: unknown) => {
        if (stocks.length === 0) throw error;
        return new Map<string, LatestQuote>();
      }),
    ]);
    if (optionQuotes.size === 0) return stockQuotes;
    const quotes = new Map(stockQuotes);
    for (const [symbol, q] of optionQuotes) quotes.set(symbol, q);
    return quotes;
  }

  getOptionQuotes(
    symbols: readonly string[],
    options?: ReadOptions,
  ): Promise<ReadonlyMap<string, LatestQuote>> {
    return this.#quotes(
      '/v1beta1/options/quotes/latest',
      symbols,
      this.#options.optionFeed ?? 'indicative',
      options,
    );
  }

  async #quotes(
    path: string,
    symbols: readonly string[],
    feed: string,
    options: ReadOptions | undefined,
  ): Promise<Map<string, LatestQuote>> {
    const quotes = new Map<string, LatestQuote>();
    if (symbols.length === 0) return quotes;
    const kind = readKind(options);
    const schema = path.startsWith('/v1beta1/options') ? wireOptionQuotesSchema : wireLatestQuotesSchema;
    const answers = await Promise.all(
      chunkSymbols(symbols, this.#options.quoteChunks).map((chunk) =>
        this.#read(path, schema, { symbols: chunk.join(','), feed }, kind, this.#dataUrl),
      ),
    );
    for (const answer of answers) {
      for (const [symbol, q] of Object.entries(answer.quotes)) quotes.set(symbol, fromWireQuote(symbol, q));
    }
    return quotes;
  }

  async getOptionContract(symbolOrId: string, options?: ReadOptions): Promise<OptionContract> {
    const path = `/v2/options/contracts/${encodeURIComponent(symbolOrId)}`;
    return fromWireOptionContract(
      await this.#read(path, wireOptionContractSchema, undefined, readKind(options)),
    );
  }

  async listOptionContracts(
    query: OptionContractQuery = {},
    options?: ReadOptions,
  ): Promise<OptionContractPage> {
    const num = (n: number | undefined) => (n === undefined ? undefined : numberToDecimal(n));
    const wireQuery = {
      underlying_symbols: query.underlyingSymbols?.join(','),
      status: query.status,
      expiration_date: query.expirationDate,
      expiration_date_gte: query.expirationDateGte,
      expiration_date_lte: query.expirationDateLte,
      type: query.type,
      strike_price_gte: num(query.strikePriceGte),
      strike_price_lte: num(query.strikePriceLte),
      root_symbol: query.rootSymbol,
      limit: query.limit === undefined ? undefined : String(query.limit),
      page_token: query.pageToken,
    };
    const page = await this.#read(
      '/v2/options/contracts',
      wireOptionContractsSchema,
      wireQuery,
      readKind(options),
    );
    return {
      contracts: page.option_contracts.map(fromWireOptionContract),
      nextPageToken: page.next_page_token ?? undefined,
    };
  }

  async getAsset(symbol: string, options?: ReadOptions): Promise<BrokerAsset> {
    const path = `/v2/assets/${encodeURIComponent(symbol)}`;
    return fromWireAsset(await this.#read(path, wireAssetSchema, undefined, readKind(options)));
  }

  async listAssets(query: AssetQuery = {}, options?: ReadOptions): Promise<readonly BrokerAsset[]> {
    const wireQuery = { status: query.status, asset_class: query.assetClass };
    const assets = await this.#read('/v2/assets', z.array(wireAssetSchema), wireQuery, readKind(options));
    return assets.map(fromWireAsset);
  }

  async getClock(options?: ReadOptions): Promise<MarketClock> {
    return fromWireClock(await this.#read('/v2/clock', wireClockSchema, undefined, readKind(options)));
  }

  subscribeTradeUpdates(handler: (update: TradeUpdate) => void): Unsubscribe {
    return this.#stream.subscribe(handler);
  }

  onStreamState(listener: (event: StreamStateEvent) => void): Unsubscribe {
    return this.#stream.onState(listener);
  }

  async close(): Promise<void> {
    this.#stream.close();
    this.#pipeline.close();
  }
}
