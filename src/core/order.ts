import type { Issue, Parsed } from './result.ts';
import { fail, ok } from './result.ts';
import { parseSide, type Side } from './side.ts';

/** `T` with its properties writable, for building a value step by step. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';
export type TimeInForce = 'day' | 'gtc' | 'opg' | 'cls' | 'ioc' | 'fok';

export const ORDER_TYPES: readonly OrderType[] = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'];
export const TIMES_IN_FORCE: readonly TimeInForce[] = ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'];

/** Protective legs requested with an entry (sent as a bracket or OTO by the broker layer). */
export interface Protection {
  /** Take-profit limit price in dollars. */
  readonly takeProfit?: number;
  /** Stop-loss trigger price in dollars. */
  readonly stopLoss?: number;
  /** Optional limit price of the stop-loss leg (makes it a stop-limit). */
  readonly stopLossLimit?: number;
}

/** What a strategy or bot wants to do, before any risk decision. */
export interface OrderIntent {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  /** Quantity in shares or contracts; always positive. */
  readonly qty: number;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  /** Trailing offset in percent (trailing_stop only). */
  readonly trailPercent?: number;
  /** Trailing offset in dollars (trailing_stop only). */
  readonly trailPrice?: number;
  readonly protection?: Protection;
  /** Tag of the strategy that sent the order, for per-strategy limits. */
  readonly strategy?: string;
  readonly extendedHours?: boolean;
}

/** Loose input accepted by {@link parseOrderIntent}: what a JSON body or a strategy hands us. */
export interface OrderInput {
  clientOrderId?: unknown;
  symbol?: unknown;
  side?: unknown;
  qty?: unknown;
  type?: unknown;
  timeInForce?: unknown;
  limitPrice?: unknown;
  stopPrice?: unknown;
  trailPercent?: unknown;
  trailPrice?: unknown;
  takeProfit?: unknown;
  stopLoss?: unknown;
  stopLossLimit?: unknown;
  strategy?: unknown;
  extendedHours?: unknown;
}

function positiveNumber(
  value: unknown,
  path: string,
  issues: Issue[],
  required: boolean,
): number | undefined {
  if (value === undefined || value === null) {
    if (required) issues.push({ path, message: 'is required: expected a positive number' });
    return undefined;
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    issues.push({ path, message: `expected a positive finite number, got ${JSON.stringify(value)}` });
    return undefined;
  }
  return n;
}

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
  issues: Issue[],
  fallback?: T,
): T | undefined {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    issues.push({ path, message: `is required: expected one of ${allowed.join(', ')}` });
    return undefined;
  }
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  issues.push({ path, message: `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}` });
  return undefined;
}

/**
 * Validates loose order input into an {@link OrderIntent}, reporting every problem at once.
 * `newId` supplies a client order id when the input has none.
 */
export function parseOrderIntent(input: OrderInput, newId: () => string): Parsed<OrderIntent> {
  const issues: Issue[] = [];
  const symbol =
    typeof input.symbol === 'string' && /^[A-Za-z0-9.\-/]{1,32}$/.test(input.symbol.trim())
      ? input.symbol.trim().toUpperCase()
      : undefined;
  if (symbol === undefined) {
    issues.push({
      path: 'symbol',
      message: `expected a ticker such as AAPL, got ${JSON.stringify(input.symbol)}`,
    });
  }
  const side = parseSide(input.side);
  if (!side.ok) issues.push(...side.issues);
  const qty = positiveNumber(input.qty, 'qty', issues, true);
  const type = oneOf(input.type, ORDER_TYPES, 'type', issues, 'market');
  const timeInForce = oneOf(input.timeInForce, TIMES_IN_FORCE, 'timeInForce', issues, 'day');
  const limitPrice = positiveNumber(
    input.limitPrice,
    'limitPrice',
    issues,
    type === 'limit' || type === 'stop_limit',
  );
  const stopPrice = positiveNumber(
    input.stopPrice,
    'stopPrice',
    issues,
    type === 'stop' || type === 'stop_limit',
  );
  const trailPercent = positiveNumber(input.trailPercent, 'trailPercent', issues, false);
  const trailPrice = positiveNumber(input.trailPrice, 'trailPrice', issues, false);
  if (type === 'trailing_stop' && (trailPercent === undefined) === (trailPrice === undefined)) {
    issues.push({
      path: 'trailPercent',
      message: 'a trailing_stop needs exactly one of trailPercent or trailPrice',
    });
  }
  if (type !== 'trailing_stop' && (trailPercent !== undefined || trailPrice !== undefined)) {
    issues.push({
      path: 'trailPercent',
      message: `trail fields apply only to trailing_stop orders, not ${type}`,
    });
  }
  if (type === 'market' || type === 'stop') {
    if (input.limitPrice !== undefined && input.limitPrice !== null) {
      issues.push({ path: 'limitPrice', message: `a ${type} order takes no limitPrice` });
    }
  }
  const takeProfit = positiveNumber(input.takeProfit, 'takeProfit', issues, false);
  const stopLoss = positiveNumber(input.stopLoss, 'stopLoss', issues, false);
  const stopLossLimit = positiveNumber(input.stopLossLimit, 'stopLossLimit', issues, false);
  if (stopLossLimit !== undefined && stopLoss === undefined) {
    issues.push({ path: 'stopLossLimit', message: 'stopLossLimit needs stopLoss' });
  }
  if (side.ok && takeProfit !== undefined && stopLoss !== undefined) {
    const wrong = side.value === 'buy' ? takeProfit <= stopLoss : takeProfit >= stopLoss;
    if (wrong) {
      issues.push({
        path: 'takeProfit',
        message: `for a ${side.value} entry the take-profit must be ${side.value === 'buy' ? 'above' : 'below'} the stop-loss (takeProfit=${takeProfit} stopLoss=${stopLoss})`,
      });
    }
  }
  let clientOrderId: string | undefined;
  if (input.clientOrderId === undefined || input.clientOrderId === null || input.clientOrderId === '') {
    clientOrderId = newId();
  } else if (typeof input.clientOrderId === 'string' && input.clientOrderId.length <= 128) {
    clientOrderId = input.clientOrderId;
  } else {
    issues.push({ path: 'clientOrderId', message: 'expected a string of at most 128 characters' });
  }
  let strategy: string | undefined;
  if (input.strategy !== undefined && input.strategy !== null) {
    if (typeof input.strategy === 'string' && input.strategy.length > 0 && input.strategy.length <= 64) {
      strategy = input.strategy;
    } else issues.push({ path: 'strategy', message: 'expected a non-empty string of at most 64 characters' });
  }
  if (input.extendedHours !== undefined && typeof input.extendedHours !== 'boolean') {
    issues.push({
      path: 'extendedHours',
      message: `expected true or false, got ${JSON.stringify(input.extendedHours)}`,
    });
  }
  if (issues.length > 0 || !side.ok) return fail(issues);

  // Built by assignment rather than conditional spreads: the same keys in the same order, with
  // no intermediate objects, on the path of every order and dry run.
  const intent: Mutable<OrderIntent> = {
    clientOrderId: clientOrderId!,
    symbol: symbol!,
    side: side.value,
    qty: qty!,
    type: type!,
    timeInForce: timeInForce!,
  };
  if (limitPrice !== undefined) intent.limitPrice = limitPrice;
  if (stopPrice !== undefined) intent.stopPrice = stopPrice;
  if (trailPercent !== undefined) intent.trailPercent = trailPercent;
  if (trailPrice !== undefined) intent.trailPrice = trailPrice;
  if (takeProfit !== undefined || stopLoss !== undefined) {
    const protection: Mutable<Protection> = {};
    if (takeProfit !== undefined) protection.takeProfit = takeProfit;
    if (stopLoss !== undefined) protection.stopLoss = stopLoss;
    if (stopLossLimit !== undefined) protection.stopLossLimit = stopLossLimit;
    intent.protection = protection;
  }
  if (strategy !== undefined) intent.strategy = strategy;
  if (input.extendedHours === true) intent.extendedHours = true;
  return ok(intent);
}
