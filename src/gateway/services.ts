import type { GatewayContext } from './context.ts';
import type { IndexBook } from './indices/index-book.ts';
import type { AccountMonitor } from './monitors/account-monitor.ts';
import type { ProtectionMonitor } from './monitors/protection-monitor.ts';
import type { Reconciler } from './monitors/reconciler.ts';
import type { GreeksLive } from './options/greeks-live.ts';
import type { OrderFlow } from './orders/order-flow.ts';
import type { TradeUpdateHandler } from './orders/trade-update-handler.ts';
import type { ProtectionManager } from './protection/protection-manager.ts';
import type { ProfileService } from './risk/profile-service.ts';
import type { RiskActor } from './risk/risk-actor.ts';

/** The running parts of a gateway that the HTTP routes call. */
export interface GatewayServices {
  readonly ctx: GatewayContext;
  readonly flow: OrderFlow;
  readonly actor: RiskActor;
  readonly protection: ProtectionMonitor;
  /** Owns the protective orders of every position; everything touching a position goes through it. */
  readonly manager: ProtectionManager;
  readonly reconciler: Reconciler;
  readonly trades: TradeUpdateHandler;
  readonly monitor: AccountMonitor;
  readonly profile: ProfileService;
  /** The last reading of each market index (the VIX), fed to the engine. */
  readonly indices: IndexBook;
  /** The portfolio Greeks kept live from the quotes (`/v1/greeks`, SSE `greeks`, metrics). */
  readonly greeks: GreeksLive;
}
