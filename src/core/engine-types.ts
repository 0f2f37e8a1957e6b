import type { Breaker, RearmPolicy } from './breaker.ts';
import type { Clock } from './clock.ts';
import type { RiskProfile } from './config/load-profile.ts';
import type { Decision } from './decision.ts';
import type { ExitReason, ExitRule } from './exit-rule.ts';
import type { Instrument } from './instrument.ts';
import type { Fill } from './market.ts';
import type { GreeksSnapshot } from './options/greeks-book.ts';
import type { ClosedTrade, Position } from './position.ts';
import type { PreTradeRule } from './rule.ts';
import type { BreakerTrip, RiskStateStore } from './state-store.ts';
import type { TradingState, TradingStateRecord } from './trading-state.ts';

/** How the engine learns about instruments: a list, or a function for open universes. */
export type InstrumentSource = Iterable<Instrument> | ((symbol: string) => Instrument | undefined);

export interface RiskEngineOptions {
  readonly profile: RiskProfile;
  readonly clock: Clock;
  /** Known instruments; sectors missing here are filled from the profile's sector map. */
  readonly instruments?: InstrumentSource;
  /** Where latches, peak and day-start equity and counters are persisted. */
  readonly store?: RiskStateStore;
  /** Extra pre-trade rules, run after the profile's. */
  readonly rules?: readonly PreTradeRule[];
  /** Extra exit rules, run after the profile's. */
  readonly exitRules?: readonly ExitRule[];
  /** Extra breakers, evaluated after the profile's. */
  readonly breakers?: readonly Breaker[];
  /** Replace the profile-built pre-trade rules entirely (the extra `rules` still apply). */
  readonly replaceRules?: boolean;
  /**
   * Length in milliseconds of the bars fed to `onMarket` that carry no `durationMs`; default
   * 60 000 (the gateway's one-minute bars). A backtest sets each bar's own length.
   */
  readonly barMs?: number;
}

/** A request to close (part of) a position, from an exit rule, a breaker or the kill switch. */
export interface ExitSignal {
  readonly symbol: string;
  /** The side of the closing order. */
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly reason: ExitReason;
  /** Level at which it fired (stop or target), or undefined for a market exit. */
  readonly price: number | undefined;
  /** Every rule that fired on this event for this position, the chosen one first. */
  readonly rules: readonly string[];
  readonly time: number;
}

/** A new protective stop or target for a position (to be sent to the broker). */
export interface ProtectionUpdate {
  readonly symbol: string;
  readonly stop: number | undefined;
  readonly target: number | undefined;
  readonly ruleId: string;
  readonly reason: string;
}

/** What one market event, account update or operator action caused. */
export interface RiskActions {
  readonly exits: readonly ExitSignal[];
  readonly updates: readonly ProtectionUpdate[];
  readonly trips: readonly BreakerTrip[];
}

/** What a fill caused. */
export interface FillResult extends RiskActions {
  /** False when the execution id was seen before and the fill was ignored. */
  readonly applied: boolean;
  readonly position: Position | undefined;
  readonly closedTrade: ClosedTrade | undefined;
}

/** Events the engine publishes for audit, streaming and reports. */
export type RiskEvent =
  | {
      readonly type: 'decision';
      readonly decision: Decision;
      readonly dryRun: boolean;
      readonly time: number;
    }
  | { readonly type: 'fill'; readonly fill: Fill; readonly result: FillResult }
  | { readonly type: 'trip'; readonly trip: BreakerTrip }
  | { readonly type: 'state'; readonly record: TradingStateRecord; readonly previous: TradingStateRecord }
  | {
      /** A latch lifted by its breaker's policy (not by a person): audited like a reset by `system`. */
      readonly type: 'rearm';
      readonly breakerId: string;
      readonly code: string;
      readonly policy: RearmPolicy;
      readonly reason: string;
      readonly time: number;
      /** The trading state after the re-arm (another latch may still hold). */
      readonly state: TradingState;
      /** False when a more severe latch still holds, so no state record was written. */
      readonly changed: boolean;
    }
  | { readonly type: 'exit'; readonly exit: ExitSignal }
  | {
      readonly type: 'strategy-disabled';
      readonly strategy: string;
      readonly reason: string;
      readonly time: number;
    }
  | { readonly type: 'store-error'; readonly error: unknown; readonly time: number };

export type RiskEventListener = (event: RiskEvent) => void;

/** A read-only copy of the whole risk state. */
export interface RiskSnapshot {
  readonly time: number;
  readonly mode: 'paper' | 'live';
  readonly tradingState: TradingStateRecord;
  readonly equity: number;
  readonly cash: number;
  readonly buyingPower: number;
  readonly startingEquity: number;
  readonly peakEquity: number;
  readonly dayStart: { readonly sessionDate: string; readonly equity: number } | null;
  readonly dailyPnl: number;
  readonly drawdownPercent: number;
  readonly exposure: {
    readonly basis: number;
    readonly gross: number;
    readonly net: number;
    readonly bySymbol: Readonly<Record<string, number>>;
    readonly bySector: Readonly<Record<string, number>>;
  };
  readonly positions: readonly Position[];
  readonly workingOrders: readonly {
    clientOrderId: string;
    symbol: string;
    side: string;
    remaining: number;
    increasesRisk: boolean;
  }[];
  readonly trippedBreakers: readonly BreakerTrip[];
  readonly breakers: readonly {
    id: string;
    code: string;
    action: string;
    tripped: boolean;
    /** How its latch re-arms: `manual`, `next-session` or `when-clear`. */
    rearm: RearmPolicy;
    /** What the breaker persists (e.g. the VIX hysteresis: `{ armed }`), if anything. */
    state?: unknown;
  }[];
  readonly disabledStrategies: readonly string[];
  readonly pause: { readonly until: number; readonly code: string; readonly reason: string } | null;
  readonly storeAvailable: boolean;
  /** Portfolio Greeks of the positions held, when the profile has an `options` section. */
  readonly greeks?: GreeksSnapshot;
}

export const NO_ACTIONS: RiskActions = Object.freeze({ exits: [], updates: [], trips: [] });
