import type { Limit } from '../config/profile-schema.ts';
import type { Violation } from '../decision.ts';
import { money } from '../decision.ts';

/** Dollar value of a limit given in percent of `basis` and/or dollars: the tighter of the two. */
export function resolveLimit(limit: Limit, basis: number): number {
  return dollarLimit(shareOf(limit.percent), limit.usd ?? Number.POSITIVE_INFINITY, basis);
}

/** A limit's percent as a share of the basis (5 % → 0.05), read once when a rule is built. */
export function shareOf(percent: number | undefined): number | undefined {
  return percent === undefined ? undefined : percent / 100;
}

/**
 * {@link resolveLimit} on a limit's parts, read once when a rule is built (`share` from
 * {@link shareOf}): the tighter of `share × basis` and `usd`, as `Math.min` would answer it (a
 * NaN share stays NaN). The rules call this on every check, and it must allocate nothing:
 * - it is kept under V8's small-function size (27 bytes of bytecode), so it is inlined wherever
 *   it is called, whatever the rest of the pipeline costs; left out of line, its double result
 *   would be boxed;
 * - the rules pass the cap as `+usd`: read from a rule's closure, `usd` is of unknown type to V8,
 *   and a result that is either it or the computed share would then be boxed as well; the unary
 *   plus makes it a number, so the limit stays an unboxed double.
 */
export function dollarLimit(share: number | undefined, usd: number, basis: number): number {
  if (share === undefined) return usd;
  const value = share * basis;
  return value >= usd ? usd : value;
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
