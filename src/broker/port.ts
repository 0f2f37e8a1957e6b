import type {
  BrokerAccount,
  BrokerPosition,
  ClosePositionAmount,
  ClosePositionResult,
} from './account-types.ts';
import type { AssetQuery, BrokerAsset, LatestQuote, MarketClock } from './market-types.ts';
import type { OptionContract, OptionContractPage, OptionContractQuery } from './option-types.ts';
import type {
  BrokerOrder,
  CancelResult,
  OrderQuery,
  ReplaceOrderRequest,
  SubmitOrderRequest,
  SubmittedOrder,
} from './order-types.ts';
import type { ReadOptions } from './read-options.ts';
import type { StreamStateEvent, TradeUpdate, Unsubscribe } from './trade-update.ts';

/**
 * The broker port: everything riskgate asks of a broker. Implementations translate only; every
 * I/O failure is a `BrokerError` with a literal `code`. Reads take {@link ReadOptions}: a read
 * made on behalf of a client says so, so that an adapter with a request budget can keep client
 * traffic from starving the gateway's own polls.
 */
export interface Broker {
  /**
   * Sends an order. Protection becomes a bracket (both prices) or an OTO (one price); prices are
   * rounded to the tick in the conservative direction. Never blindly retried: an ambiguous failure
   * is resolved by looking the client order id up. A bracket/OTO is confirmed by a nested read and
   * a missing live stop leg throws `PROTECTION_MISSING`.
   */
  submitOrder(request: SubmitOrderRequest): Promise<SubmittedOrder>;
  /** Cancels one order; cancels pass even when new entries are refused. */
  cancelOrder(orderId: string): Promise<void>;
  /** Cancels every open order. */
  cancelAllOrders(): Promise<readonly CancelResult[]>;
  /** Replaces a working order; the result has a new id. */
  replaceOrder(orderId: string, changes: ReplaceOrderRequest): Promise<BrokerOrder>;
  /** Reads one order; `nested` includes bracket legs. */
  getOrder(orderId: string, options?: { readonly nested?: boolean } & ReadOptions): Promise<BrokerOrder>;
  /** Reads one order by the client order id it was sent with. */
  getOrderByClientId(clientOrderId: string, options?: ReadOptions): Promise<BrokerOrder>;
  listOrders(query?: OrderQuery, options?: ReadOptions): Promise<readonly BrokerOrder[]>;
  listPositions(options?: ReadOptions): Promise<readonly BrokerPosition[]>;
  /** Reads one position; `NOT_FOUND` when flat. */
  getPosition(symbol: string, options?: ReadOptions): Promise<BrokerPosition>;
  getAccount(options?: ReadOptions): Promise<BrokerAccount>;
  /** Closes all or part of a position with a market order; always paced as an exit. */
  closePosition(symbol: string, amount?: ClosePositionAmount): Promise<BrokerOrder>;
  /** Closes every position; with `cancelOrders` the open orders (legs) are cancelled first. */
  closeAllPositions(options?: { readonly cancelOrders?: boolean }): Promise<readonly ClosePositionResult[]>;
  /**
   * Latest quotes of any number of symbols; an adapter splits a long list into requests its
   * broker accepts. Symbols without a quote are absent from the map.
   */
  getLatestQuotes(
    symbols: readonly string[],
    options?: ReadOptions,
  ): Promise<ReadonlyMap<string, LatestQuote>>;
  /**
   * Latest quotes of option contracts (OCC symbols), prices in dollars per unit of underlying.
   * `getLatestQuotes` routes OCC symbols here by itself, so a mixed watch list needs no care.
   */
  getOptionQuotes(
    symbols: readonly string[],
    options?: ReadOptions,
  ): Promise<ReadonlyMap<string, LatestQuote>>;
  /** One page of listed option contracts matching the filters (`GET /v2/options/contracts`). */
  listOptionContracts(query?: OptionContractQuery, options?: ReadOptions): Promise<OptionContractPage>;
  /** One option contract by OCC symbol or id (`GET /v2/options/contracts/{symbol_or_id}`); `NOT_FOUND` when unknown. */
  getOptionContract(symbolOrId: string, options?: ReadOptions): Promise<OptionContract>;
  getAsset(symbol: string, options?: ReadOptions): Promise<BrokerAsset>;
  listAssets(query?: AssetQuery, options?: ReadOptions): Promise<readonly BrokerAsset[]>;
  getClock(options?: ReadOptions): Promise<MarketClock>;
  /** Subscribes to order events; the stream connects on the first subscription and reconnects by itself. */
  subscribeTradeUpdates(handler: (update: TradeUpdate) => void): Unsubscribe;
  /** Observes stream connection state changes. */
  onStreamState(listener: (event: StreamStateEvent) => void): Unsubscribe;
  /** Closes the stream and stops timers; pending queued requests are refused. */
  close(): Promise<void>;
}
