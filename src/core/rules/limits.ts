import type { Limit } from '../config/profile-schema.ts';
import type { Violation } from '../decision.ts';
import { money } from '../decision.ts';

/** Dollar value of a limit given in percent of `basis` and/or dollars: the tighter of the two. */
export function resolveLimit(limit: Limit, basis: number): number {
  const fromPercent = limit.percent === undefined ? Number.POSITIVE_INFINITY : (limit.percent / 100) * basis;
  const fromUsd = limit.usd ?? Number.POSITIVE_INFINITY;
  return Math.min(fromPercent, fromUsd);
}

/**
 * A limit's percent and dollar parts read once, for the checks that resolve a limit on every
 * order. Every such limit has this one shape whatever fields the profile gave (V8 sees one map,
 * not one per combination of fields), and {@link DollarLimit.resolve} does the arithmetic of
 * {@link resolveLimit}: the same dollars for every basis.
 */
export class DollarLimit {
  readonly hasPercent: boolean;
  readonly percent: number;
  readonly usd: number;

  constructor(limit: Limit) {
    this.hasPercent = limit.percent !== undefined;
    this.percent = limit.percent ?? 0;
    this.usd = limit.usd ?? Number.POSITIVE_INFINITY;
  }

  /** Dollar value of the limit for `basis`: the tighter of the percent and dollar parts. */
  resolve(basis: number): number {
    return this.hasPercent ? Math.min((this.percent / 100) * basis, this.usd) : this.usd;
  }
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

/** True when `value` is above `limit` beyond float noise. */
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
