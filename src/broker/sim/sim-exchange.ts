import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MarketEvent } from '../../core/market.ts';
import { adminRoutes } from './admin-routes.ts';
import type { SimAsset } from './assets.ts';
import { dataRoutes } from './data-routes.ts';
import { FaultInjector, type HttpFaultPlan } from './faults.ts';
import { type Reply, Router, readJson, send, sleep } from './http-kit.ts';
import { Ledger, type LedgerOptions } from './ledger.ts';
import type { SimOptionsConfig } from './option-chain.ts';
import { optionRoutes } from './option-routes.ts';
import { FeedCursor, type PriceFeed } from './price-feed.ts';
import { FixedWindowLimiter, type RateLimitOptions } from './rate-limiter.ts';
import { SimClock, type SimClockOptions } from './sim-clock.ts';
import { SimHttpError } from './sim-errors.ts';
import { readSimState, type SimStateError, SimStateFile } from './state-file.ts';
import { StreamServer } from './stream-server.ts';
import { tradingRoutes } from './trading-routes.ts';
import { Venue } from './venue.ts';
import { restoreVenue, snapshotVenue } from './venue-snapshot.ts';

/** The assets listed when none are given: a few large caps and one sub-dollar stock. */
export const DEFAULT_ASSETS: readonly SimAsset[] = [
  { symbol: 'AAPL', name: 'Apple Inc. Common Stock' },
  { symbol: 'MSFT', name: 'Microsoft Corporation Common Stock' },
  { symbol: 'SPY', name: 'SPDR S&P 500 ETF Trust', exchange: 'ARCA' },
  { symbol: 'TSLA', name: 'Tesla, Inc. Common Stock' },
  { symbol: 'PNNY', name: 'Penny Example Corp', shortable: false, fractionable: false },
];

/** How many requests the log keeps (the oldest tenth is dropped when it is full). */
const MAX_LOGGED_REQUESTS = 10_000;

/** Options of {@link SimExchange.start}. */
export interface SimExchangeOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
  /** The API key id and secret the exchange accepts. */
  readonly keyId?: string;
  readonly secretKey?: string;
  /** Clock mode; default manual (tests step it). */
  readonly clock?: SimClockOptions;
  /** Market replay; optional (quotes can be set directly). */
  readonly feed?: PriceFeed;
  readonly assets?: readonly SimAsset[];
  readonly account?: LedgerOptions;
  /** Reject legs on simple orders (422) instead of silently dropping them like the real broker. */
  readonly strict?: boolean;
  /** How option contracts on the listed stocks are listed and priced (defaults: see {@link SimOptionsConfig}). */
  readonly options?: SimOptionsConfig;
  readonly rateLimit?: RateLimitOptions;
  /** Stream frame type; the broker sends binary. */
  readonly streamFrames?: 'binary' | 'text';
  /** In real-time mode, how often (wall ms) the feed is pumped. Default 100. */
  readonly pumpIntervalMs?: number;
  /**
   * A file that keeps the account, positions and orders across restarts: read at start when it
   * exists (its account wins over `account`), written durably shortly after every change and on
   * close. A damaged file is refused at start with `SIM_STATE_UNREADABLE`.
   */
  readonly stateFile?: string;
  /** Called when the state file could not be written (the write is tried again on the next change). */
  readonly onStateError?: (error: SimStateError) => void;
}

/** One request the exchange received (for tests that check order of arrival). */
export interface RequestRecord {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly status: number | 'hung' | 'reset';
  readonly clientOrderId?: string;
}

/**
 * A simulated broker that speaks the Alpaca trading API over real HTTP and WebSocket, with
 * market replay, a controllable clock, the broker's traps, and fault injection.
 */
export class SimExchange {
  readonly clock: SimClock;
  readonly faults = new FaultInjector();
  readonly venue: Venue;
  readonly keyId: string;
  readonly secretKey: string;
  readonly requests: RequestRecord[] = [];
  readonly #server: Server;
  readonly #stream: StreamServer;
  readonly #router = new Router();
  readonly #limiter: FixedWindowLimiter;
  readonly #cursor: FeedCursor | undefined;
  readonly #pending = new Set<Promise<void>>();
  readonly #stateFile: SimStateFile | undefined;
  #pump: NodeJS.Timeout | undefined;
  #pumping = false;
  #requestSeq = 0;
  #url = '';

  private constructor(options: SimExchangeOptions) {
    this.keyId = options.keyId ?? 'SIMKEY';
    this.secretKey = options.secretKey ?? 'SIMSECRET';
    this.clock = new SimClock(options.clock ?? { mode: 'manual', startMs: Date.UTC(2026, 0, 5, 14, 30) });
    this.venue = new Venue({
      ledger: new Ledger(options.account),
      clock: this.clock,
      assets: options.assets ?? DEFAULT_ASSETS,
      strict: options.strict ?? false,
      ...(options.options !== undefined ? { options: options.options } : {}),
      hooks: {
        rejectStopLeg: (symbol) => this.faults.rejectStopLeg(symbol),
        partialFillFraction: (symbol) => this.faults.partialFillFraction(symbol),
      },
    });
    if (options.stateFile !== undefined) {
      const saved = readSimState(options.stateFile);
      if (saved !== undefined) restoreVenue(this.venue.state, saved);
      const file = new SimStateFile(options.stateFile, () => snapshotVenue(this.venue.state), {
        ...(options.onStateError !== undefined ? { onError: options.onStateError } : {}),
      });
      this.#stateFile = file;
      // Every change to an order or the account is announced as a trade event.
      this.venue.state.listeners.add(() => file.schedule());
    }
    this.#limiter = new FixedWindowLimiter(options.rateLimit);
    this.#cursor = options.feed === undefined ? undefined : new FeedCursor(options.feed);
    this.#stream = new StreamServer({
      keyId: this.keyId,
      secretKey: this.secretKey,
      faults: this.faults,
      ...(options.streamFrames !== undefined ? { frames: options.streamFrames } : {}),
    });
    this.venue.state.listeners.add((event) => this.#stream.publish(event));
    tradingRoutes(this.#router, this.venue);
    dataRoutes(this.#router, this.venue);
    optionRoutes(this.#router, this.venue, this.venue.options);
    adminRoutes(this.#router, this);
    this.#server = createServer((req, res) => this.#track(this.#handle(req, res)));
    this.#server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === '/stream')
        this.#stream.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** Starts an exchange listening on the given host and port. */
  static async start(options: SimExchangeOptions = {}): Promise<SimExchange> {
    const exchange = new SimExchange(options);
    // The first write proves the file can be written, before anything is traded.
    const unwritable = exchange.#stateFile?.flush();
    if (unwritable !== undefined) throw unwritable;
    await new Promise<void>((resolve, reject) => {
      exchange.#server.once('error', reject);
      exchange.#server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = exchange.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    exchange.#url = `http://${host}:${address.port}`;
    if (exchange.clock.mode === 'real' && exchange.#cursor !== undefined) {
      exchange.#pump = setInterval(() => {
        if (exchange.#pumping) return;
        exchange.#pumping = true;
        exchange.advanceTo(exchange.clock.now()).finally(() => {
          exchange.#pumping = false;
        });
      }, options.pumpIntervalMs ?? 100);
    }
    return exchange;
  }

  /** Base URL of the trading (and market-data) API, e.g. `http://127.0.0.1:43121`. */
  get url(): string {
    return this.#url;
  }

  /** URL of the `trade_updates` WebSocket. */
  get streamUrl(): string {
    return `${this.#url.replace(/^http/, 'ws')}/stream`;
  }

  /** Connections listening to `trade_updates`. */
  get streamListeners(): number {
    return this.#stream.listeners;
  }

  /** Orders whose legs were silently dropped because they were sent as simple orders. */
  get droppedLegOrders(): number {
    return this.venue.state.droppedLegOrders;
  }

  /** Sets the quote of a symbol at the current simulated time and matches orders against it. */
  setQuote(symbol: string, bid: number, ask: number): void {
    this.feed({ kind: 'quote', symbol: symbol.toUpperCase(), time: this.clock.now(), bid, ask });
  }

  /** Feeds one market event directly (bars, quotes or marks). */
  feed(event: MarketEvent): void {
    // A contract quoted directly keeps that quote instead of the model's.
    if ('symbol' in event && this.venue.options.contract(event.symbol) !== undefined)
      this.venue.state.directlyQuoted.add(event.symbol);
    if ('symbol' in event && !this.venue.state.assets.has(event.symbol)) {
      this.venue.state.assets.set(event.symbol, { symbol: event.symbol });
    }
    this.venue.onMarket(event);
  }

  /** Processes the next event of the feed, moving the clock to its time; undefined when exhausted. */
  async step(): Promise<MarketEvent | undefined> {
    const event = await this.#cursor?.next();
    if (event === undefined) return undefined;
    this.clock.advanceTo(event.time);
    this.feed(event);
    return event;
  }

  /** Processes every feed event up to `timeMs` and moves the clock there. */
  async advanceTo(timeMs: number): Promise<void> {
    while (this.#cursor !== undefined) {
      const next = await this.#cursor.peek();
      if (next === undefined || next.time > timeMs) break;
      await this.step();
    }
    this.clock.advanceTo(timeMs);
  }

  #track(work: Promise<void>): void {
    this.#pending.add(work);
    work.finally(() => this.#pending.delete(work));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const record = (status: RequestRecord['status'], clientOrderId?: string) => {
      this.requests.push({
        seq: ++this.#requestSeq,
        method,
        path,
        status,
        ...(clientOrderId !== undefined ? { clientOrderId } : {}),
      });
      // A long-running simulator keeps only the recent log.
      if (this.requests.length > MAX_LOGGED_REQUESTS) this.requests.splice(0, MAX_LOGGED_REQUESTS / 10);
    };
    const body = await readJson(req);
    const admin = path.startsWith('/admin/');
    const plan = admin ? { latencyMs: 0 } : this.faults.forRequest(method, path);
    const clientOrderId = clientIdOf(body.ok ? body.value : undefined, url);
    if (plan.latencyMs > 0) await sleep(plan.latencyMs);
    const action = plan.action;
    if (
      action?.when === 'before' &&
      !(await this.#strike(action, req, res, () => record(statusOf(action), clientOrderId)))
    ) {
      return; // refused, reset, or held until the client gave up: the exchange never acted on it
    }
    let headers: Record<string, string> = {};
    let reply: Reply;
    if (!body.ok)
      reply = { status: 400, body: { code: 40010000, message: 'request body format is invalid' } };
    else if (admin) reply = await this.#route(method, path, url.searchParams, body.value);
    else {
      const auth = this.#authenticate(req);
      if (auth !== undefined) reply = auth;
      else {
        const limit = this.#limiter.take(this.keyId);
        headers = limit.headers;
        reply = limit.allowed
          ? await this.#route(method, path, url.searchParams, body.value)
          : { status: 429, body: { code: 42910000, message: 'rate limit exceeded' } };
      }
    }
    if (action?.when === 'after') {
      await this.#strike(action, req, res, () => record(statusOf(action), clientOrderId));
      if (action.kind !== 'hang' || res.destroyed) return;
    } else record(reply.status, clientOrderId);
    send(res, reply, headers);
  }

  /**
   * Applies a request fault: a reset destroys the socket, an error answers 5xx, a hang holds the
   * request until the fault is removed. True when the request should go on being served.
   */
  async #strike(
    action: NonNullable<HttpFaultPlan['action']>,
    req: IncomingMessage,
    res: ServerResponse,
    record: () => void,
  ): Promise<boolean> {
    record();
    if (action.kind === 'reset') {
      req.socket.destroy();
      return false;
    }
    if (action.kind === 'error') {
      send(res, {
        status: action.status,
        body:
          action.status >= 500
            ? { code: 50010000, message: 'internal server error' }
            : { code: action.status * 100_000, message: 'request refused (injected fault)' },
      });
      return false;
    }
    return this.#hold(action.faultId, res);
  }

  /** Holds a request until its fault is removed; false when the client disconnected first. */
  async #hold(faultId: string, res: ServerResponse): Promise<boolean> {
    const gone = new Promise<false>((resolve) => res.once('close', () => resolve(false)));
    const released = this.faults.whenRemoved(faultId).then(() => true as const);
    return Promise.race([gone, released]).then((ok) => ok && !res.destroyed);
  }

  #authenticate(req: IncomingMessage): Reply | undefined {
    const key = req.headers['apca-api-key-id'];
    const secret = req.headers['apca-api-secret-key'];
    if (key === undefined || secret === undefined) {
      return { status: 401, body: { code: 40110000, message: 'request is not authorized' } };
    }
    if (key !== this.keyId || secret !== this.secretKey)
      return { status: 403, body: { message: 'forbidden.' } };
    return undefined;
  }

  async #route(method: string, path: string, query: URLSearchParams, body: unknown): Promise<Reply> {
    const found = this.#router.find(method, path);
    if (found === undefined) return { status: 404, body: { code: 40410000, message: 'endpoint not found' } };
    try {
      return await found.handler({ method, path, params: found.params, query, body });
    } catch (error) {
      if (error instanceof SimHttpError) return { status: error.status, body: error.body };
      return { status: 500, body: { code: 50010000, message: 'internal server error' } };
    }
  }

  /** Stops the pump, drops streams and held requests, and closes the server. */
  async close(): Promise<void> {
    if (this.#pump !== undefined) clearInterval(this.#pump);
    this.faults.clear();
    await this.#stream.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await Promise.allSettled([...this.#pending]);
    await this.#cursor?.close();
    this.#stateFile?.flush();
  }

  /** Writes the state file now, when there is one (otherwise it is written shortly after each change). */
  saveState(): void {
    this.#stateFile?.flush();
  }
}

function statusOf(action: NonNullable<HttpFaultPlan['action']>): RequestRecord['status'] {
  return action.kind === 'error' ? action.status : action.kind === 'reset' ? 'reset' : 'hung';
}

function clientIdOf(body: unknown, url: URL): string | undefined {
  if (typeof body === 'object' && body !== null && 'client_order_id' in body) {
    const id = (body as { client_order_id: unknown }).client_order_id;
    if (typeof id === 'string') return id;
  }
  return url.searchParams.get('client_order_id') ?? undefined;
}
