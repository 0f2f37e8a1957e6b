import type { Logger } from 'pino';
import type { GateState } from '../broker/alpaca/circuit-gate.ts';
import type { Broker } from '../broker/port.ts';
import type { Unsubscribe } from '../broker/trade-update.ts';
import type { Clock } from '../core/clock.ts';
import type { Store } from '../store/store.ts';
import type { AlertBus } from './alerts/alert-bus.ts';
import type { EventHub } from './alerts/event-hub.ts';
import type { ApiKeyAuth } from './auth/api-key-auth.ts';
import type { SessionStore } from './auth/session-store.ts';
import type { GatewayConfig } from './config/gateway-config.ts';
import type { GatewayDurability } from './durability/gateway-durability.ts';
import type { Leadership } from './leadership/leadership.ts';
import type { GatewayMetrics } from './metrics/gateway-metrics.ts';
import type { WatchList } from './monitors/watch-list.ts';
import type { OrderIndex } from './orders/order-index.ts';
import type { RiskHolder } from './risk/risk-holder.ts';

/** A broker that may also report its circuit breaker (the Alpaca adapter does). */
export type GatewayBroker = Broker & {
  readonly circuitState?: GateState;
  onCircuitState?(listener: (state: GateState) => void): Unsubscribe;
};

/** The parts of a running gateway that its modules share. */
export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: Store;
  readonly broker: GatewayBroker;
  readonly risk: RiskHolder;
  readonly orders: OrderIndex;
  readonly hub: EventHub;
  readonly alerts: AlertBus;
  readonly metrics: GatewayMetrics;
  readonly auth: ApiKeyAuth;
  /** Browser sessions opened with an API key (`/v1/session`). */
  readonly sessions: SessionStore;
  /** The symbols the monitors poll quotes for. */
  readonly watchList: WatchList;
  /** Set once the engine was restored and reconciled with the broker. */
  readonly readiness: { ready: boolean; reason: string };
  /** The local journal beside the store: latch transitions, and order records while the store is down. */
  readonly durability: GatewayDurability;
  /** Whether this instance leads the account (only the leader decides orders and writes to the broker). */
  readonly leadership: Leadership;
}
