import type { ExposureBook, SymbolBook } from './book.ts';
import type { RiskProfile } from './config/load-profile.ts';
import type { Modification, OrderEffect, Violation } from './decision.ts';
import type { Instrument } from './instrument.ts';
import type { Fill } from './market.ts';
import type { GreeksBook } from './options/greeks-book.ts';
import type { OrderIntent } from './order.ts';
import type { TradingState } from './trading-state.ts';

/** Read-only view of the engine's state that rules consult. */
export interface RiskContext {
  /** Current time in epoch ms from the engine's clock. */
  now(): number;
  readonly profile: RiskProfile;
  readonly tradingState: TradingState;
  readonly book: ExposureBook;
  /** Current equity in dollars. */
  readonly equity: number;
  /** Highest equity seen, in dollars. */
  readonly peakEquity: number;
  /** Equity at the start of the current trading session, in dollars. */
  readonly dayStartEquity: number;
  /** Buying power in dollars before working orders (broker-reported or cash-based). */
  readonly buyingPower: number;
  /** Equity the percent limits refer to (starting, current or peak, per the profile). */
  basisEquity(): number;
  /** Latest ATR for a symbol in dollars (NaN while warming up). */
  atr(symbol: string): number;
  /** Latest annualized realized volatility for a symbol (fraction), NaN while warming up. */
  realizedVolatility(symbol: string): number;
  /** Latest value of a market index such as `VIX` (NaN if none). */
  indexLevel(name: string): number;
  /** Epoch ms of the latest reading of a market index, as the reading says (NaN if none). */
  indexTime(name: string): number;
  /** True when entries from this strategy are disabled until a reset. */
  isStrategyDisabled(strategy: string | undefined): boolean;
  /** Epoch ms until which entries are paused (0 if not paused), with the reason. */
  readonly pause: { readonly until: number; readonly code: string; readonly reason: string };
  /** Portfolio Greeks, kept only when the profile has an `options` section. */
  readonly greeks?: GreeksBook | undefined;
}

/**
 * Everything a pre-trade rule needs about one order, computed once per check. The engine
 * reuses one instance across checks (no allocation on the accept path), so rules must not
 * keep a reference to it.
 */
export interface CheckInput {
  order: OrderIntent;
  /** The engine clock's time for this check, epoch ms. */
  now: number;
  /** Equity the percent limits refer to, in dollars (see {@link RiskContext.basisEquity}). */
  basis: number;
  effect: OrderEffect;
  instrument: Instrument | undefined;
  book: SymbolBook | undefined;
  /** The instrument's multiplier (units of the underlying per contract), 1 when unknown. */
  multiplier: number;
  /** Latest price for the symbol in dollars, NaN when there is none. */
  referencePrice: number;
  /** Age of the reference price in ms (Infinity when there is none). */
  referenceAgeMs: number;
  /** Price used to value the order: limit, else stop, else the reference, in dollars. */
  valuationPrice: number;
  /** Order value in dollars: qty × valuation price × multiplier. */
  notional: number;
  /** The symbol's exposure after the order, counting working orders, in dollars. */
  symbolExposureAfter: number;
  /** How much the order adds to the symbol's exposure (≥ 0 for entries), in dollars. */
  exposureIncrease: number;
  /** Signed quantity of the position after the order and the symbol's working orders on its side, exits included. */
  positionQtyAfter: number;
}

/** A pre-trade rule: pure `(input, context) → violation | null`. */
export interface PreTradeRule {
  /** Stable id, e.g. `symbol-exposure`; named in violations. */
  readonly id: string;
  /**
   * `entries`: skipped for orders that only reduce a position (limits never block exits).
   * `all`: checks every order.
   */
  readonly scope: 'entries' | 'all';
  check(input: CheckInput, ctx: RiskContext): Violation | null;
  /** Optional change to an entry before the checks run (e.g. attach a protective stop). */
  adjust?(order: OrderIntent, input: CheckInput, ctx: RiskContext): Adjustment | null;
  /** Called once an order is accepted for real (not a dry run): commit counters here. */
  onAccepted?(input: CheckInput, ctx: RiskContext): void;
  /**
   * The order accepted under this client order id never reached the broker and is checked again
   * as new: a rule that remembers ids forgets this one.
   */
  onForgotten?(clientOrderId: string): void;
  /** Called on every new fill. */
  onFill?(fill: Fill, ctx: RiskContext): RuleFillEffect | null;
  /** Named counters the rule wants persisted, and restored with {@link PreTradeRule.restore}. */
  persistState?(): unknown;
  restore?(state: unknown): void;
  /** Clears latched rule state on an authorised reset. */
  reset?(): void;
}

/** A rule's change to an order, with what changed and why. */
export interface Adjustment {
  readonly order: OrderIntent;
  readonly modifications: readonly Modification[];
}

/** Something a rule decided on a fill, e.g. to disable a strategy. */
export interface RuleFillEffect {
  readonly disableStrategy?: { readonly strategy: string; readonly code: string; readonly reason: string };
}
