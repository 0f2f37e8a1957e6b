import type { OrderIntent } from './order.ts';

/** One reason an order was refused, with the numbers involved. */
export interface Violation {
  /** Stable SCREAMING_SNAKE code, e.g. `SYMBOL_EXPOSURE_EXCEEDED`. */
  readonly code: string;
  /** Id of the rule that found it. */
  readonly ruleId: string;
  /** Human-readable message with the numbers, e.g. `symbol=AAPL exposure=6120.00 limit=5500.00`. */
  readonly message: string;
  /** The figures behind the message, for machines. */
  readonly values?: Readonly<Record<string, number | string>>;
}

/** A change the engine made to an order before accepting it. */
export interface Modification {
  readonly ruleId: string;
  /** Which field changed, e.g. `protection.stopLoss` or `qty`. */
  readonly field: string;
  readonly from: number | string | null;
  readonly to: number | string | null;
  readonly reason: string;
}

/** How an order relates to the current position in its symbol. */
export type OrderEffect = 'open' | 'increase' | 'reduce' | 'close' | 'flip';

/**
 * The outcome of a pre-trade check. `accept` carries no copy of the order (the caller has it),
 * so the accept path allocates nothing; `accept-modified` carries the order to send instead.
 */
export type Decision =
  | { readonly kind: 'accept'; readonly effect: OrderEffect }
  | {
      readonly kind: 'accept-modified';
      readonly order: OrderIntent;
      readonly original: OrderIntent;
      readonly modifications: readonly Modification[];
      readonly effect: OrderEffect;
    }
  | {
      readonly kind: 'deny';
      readonly order: OrderIntent;
      readonly violations: readonly Violation[];
      readonly effect: OrderEffect;
    };

/** True when the effect makes |position| no larger and never flips it. */
export function isRiskReducing(effect: OrderEffect): boolean {
  return effect === 'reduce' || effect === 'close';
}

/** Formats a violation as one line: `CODE: message`. */
export function formatViolation(v: Violation): string {
  return `${v.code}: ${v.message}`;
}

/** Formats a money amount with two decimals for messages. */
export function money(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : String(n);
}
