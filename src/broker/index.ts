/** The broker layer: the port, the Alpaca adapter and the simulated exchange. */
export type {
  BrokerAccount,
  BrokerPosition,
  ClosePositionAmount,
  ClosePositionResult,
} from './account-types.ts';
export {
  ALPACA_DATA_URL,
  ALPACA_LIVE_URL,
  ALPACA_PAPER_URL,
  AlpacaBroker,
  type AlpacaBrokerOptions,
} from './alpaca/alpaca-broker.ts';
export type { CircuitOptions, GateState } from './alpaca/circuit-gate.ts';
export type { BudgetSnapshot, PacerOptions } from './alpaca/pacer.ts';
export type { RequestKind } from './alpaca/request-class.ts';
export { MAX_CLIENT_ORDER_ID_LENGTH, toWireOrder } from './alpaca/to-wire.ts';
export { newClientOrderId } from './client-order-id.ts';
export {
  BROKER_ERROR_CODES,
  BrokerError,
  type BrokerErrorCode,
  InsufficientQtyError,
  isBrokerError,
  OrderOutcomeUnknownError,
  ProtectionMissingError,
  type ProtectionProblem,
  RateLimitedError,
  type RateLimitInfo,
  WashTradeError,
} from './errors.ts';
export {
  type ListAllOpenOrdersOptions,
  listAllOpenOrders,
  ORDER_PAGE_LIMIT,
} from './list-open-orders.ts';
export type { AssetQuery, BrokerAsset, LatestQuote, MarketClock } from './market-types.ts';
export type { OptionContract, OptionContractPage, OptionContractQuery } from './option-types.ts';
export {
  type BrokerOrder,
  type CancelResult,
  type OrderClass,
  type OrderPurpose,
  type OrderQuery,
  type OrderStatus,
  type ReplaceOrderRequest,
  type SubmitOrderRequest,
  type SubmittedOrder,
  TERMINAL_STATUSES,
} from './order-types.ts';
export type { Broker } from './port.ts';
export type { ReadOptions, ReadPurpose } from './read-options.ts';
export type { SimAsset } from './sim/assets.ts';
export type { FaultSpec, RouteMatch } from './sim/faults.ts';
export { type PriceFeed, type RandomWalkOptions, randomWalkFeed } from './sim/price-feed.ts';
export { DEFAULT_ASSETS, SimExchange, type SimExchangeOptions } from './sim/sim-exchange.ts';
export { accountSnapshot, fillFromTradeUpdate } from './to-core.ts';
export type {
  StreamState,
  StreamStateEvent,
  TradeUpdate,
  TradeUpdateEvent,
  Unsubscribe,
} from './trade-update.ts';
