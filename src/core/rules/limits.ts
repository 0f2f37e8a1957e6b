import type { Limit } from '../config/profile-schema.ts';
import type { Violation } from '../decision.ts';
import { money } from '../decision.ts';

/** Dollar value of a limit given in percent of `basis` and/or dollars: the tighter of the two. */
export function resolveLimit(limit: Limit, basis: number): number {
  return dollarLimit(limit.percent, limit.usd ?? Number.POSITIVE_INFINITY, basis);
}

/**
 * {@link resolveLimit} on a limit's parts, read once when a rule is built: the rules call this
 * on every check, and a function of plain numbers stays small enough for V8 to inline into the
 * compiled pipeline (a limit object of varying shape made `resolveLimit` a polymorphic call that
 * V8 sometimes left out of line, boxing its result once the limit outgrew a small integer).
 */
export function dollarLimit(percent: number | undefined, usd: number, basis: number): number {
  return Math.min(percent === undefined ? Number.POSITIVE_INFINITY : (percent / 100) * basis, usd);
}

/** The tighter of two limits: whichever is lower for any basis (percent and dollars each the lower). */
export function tighterLimit(a: Limit | undefined, b: Limit | undefined): Limit | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const percent = lower(a.percent, b.percent);
  const usd = lower(a.usd, b.usd);
  return { ...(percent !== undefined ? { percent } : {}), ...(usd !== undefined ? { usd } : {}) };
}

function lower(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Tolerance so a value equal to a limit up to float noise is treated as at the limit. */
export const EPSILON = 1e-7;

/**
 * True when `value` is above `limit` beyond float noise. Never true unless `value > limit`, so a
 * check tests that first (`value > limit && exceeds(value, limit)`, the same answer): a value
 * within its limit then costs no call, and no call that V8 did not inline has to box the two
 * doubles it passes.
 */
export function exceeds(value: number, limit: number): boolean {
  return value > limit + EPSILON * Math.max(1, Math.abs(limit));
}

/** Keys whose values are counts or durations, printed as plain numbers rather than money. */
const PLAIN_KEYS = new Set([
  'qty',
  'maxQty',
  'open',
  'maxOpen',
  'maxOrders',
  'ageMs',
  'maxAgeMs',
  'losses',
  'fills',
  'maxFills',
  'contracts',
  'maxContracts',
  'contractsBefore',
  'unpriced',
  'refused',
]);

/**
 * A violation whose message is formatted only when read: a denial stays cheap on the hot path,
 * and the text is identical whenever it is shown or serialized.
 */
class RuleViolation implements Violation {
  readonly code: string;
  readonly ruleId: string;
  readonly values: Readonly<Record<string, number | string>>;
  #message: string | undefined;

  constructor(code: string, ruleId: string, values: Record<string, number | string>) {
    this.code = code;
    this.ruleId = ruleId;
    this.values = values;
  }

  get message(): string {
    if (this.#message === undefined) {
      const parts: string[] = [];
      for (const [key, value] of Object.entries(this.values)) {
        parts.push(`${key}=${typeof value === 'number' && !PLAIN_KEYS.has(key) ? money(value) : value}`);
      }
      this.#message = parts.join(' ');
    }
    return this.#message;
  }

  toJSON(): Violation {
    return { code: this.code, ruleId: this.ruleId, message: this.message, values: this.values };
  }
}

/**
 * Builds a violation whose message lists the values as `key=value` pairs; amounts print with
 * two decimals (`exposure=6120.00`), counts and durations as they are (`qty=5000`).
 */
export function violation(code: string, ruleId: string, values: Record<string, number | string>): Violation {
  return new RuleViolation(code, ruleId, values);
}
