import type { ExecutionOptions } from '../../backtest/backtest-types.ts';
import type { Values } from './backtest.ts';

/** A bad command line: which flag, what was wrong and what was expected. */
export class UsageError extends Error {}

/** The execution flags as {@link ExecutionOptions}; a bad value throws a {@link UsageError}. */
export function executionOptions(v: Values): ExecutionOptions {
  const fill = oneOf(v.fill, '--fill', ['next-open', 'this-close'] as const);
  const intrabar = oneOf(v.intrabar, '--intrabar', ['stop-first', 'target-first', 'bar-shape'] as const);
  const bps = number(v['slippage-bps'], '--slippage-bps', { min: 0, max: 10_000 });
  const spreadBps = number(v['spread-bps'], '--spread-bps', { min: 0, max: 10_000 });
  const commission = {
    perShare: number(v['commission-per-share'], '--commission-per-share', { min: 0 }),
    perOrder: number(v['commission-per-order'], '--commission-per-order', { min: 0 }),
    bps: number(v['commission-bps'], '--commission-bps', { min: 0, max: 10_000 }),
    minimum: number(v['commission-min'], '--commission-min', { min: 0 }),
    maximumPercent: number(v['commission-max-percent'], '--commission-max-percent', { min: 0, max: 100 }),
  };
  const k = number(v['impact-k'], '--impact-k', { min: 0, max: 100 });
  const window = number(v['impact-window'], '--impact-window', { integer: true, min: 2, max: 1000 });
  if (window !== undefined && k === undefined)
    throw new UsageError('--impact-window: only with --impact-k (the impact model is off without it)');
  const borrowRate = number(v['borrow-rate'], '--borrow-rate', { min: 0, max: 100 });
  const participation = number(v['max-participation'], '--max-participation', { min: 0, max: 1 });
  if (participation === 0)
    throw new UsageError('--max-participation: expected a fraction above 0 and at most 1, got 0');
  return {
    ...(fill !== undefined ? { marketFill: fill } : {}),
    ...(intrabar !== undefined ? { intrabarPath: intrabar } : {}),
    slippage: {
      ...(bps !== undefined ? { bps } : {}),
      ...(spreadBps !== undefined ? { spreadBps } : {}),
      ...(k !== undefined ? { impact: { k, ...(window !== undefined ? { window } : {}) } } : {}),
    },
    commission: Object.fromEntries(Object.entries(commission).filter(([, x]) => x !== undefined)),
    ...(participation !== undefined ? { maxParticipation: participation } : {}),
    ...(borrowRate !== undefined ? { borrow: { annualPercent: borrowRate } } : {}),
    roundToTick: v['no-tick-rounding'] !== true,
  };
}

/** Parses a numeric flag, checking its range. */
export function number(
  text: string | undefined,
  flag: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  const kind = range.integer ? 'an integer' : 'a number';
  const span =
    range.min !== undefined && range.max !== undefined
      ? ` from ${range.min} to ${range.max}`
      : range.min !== undefined
        ? ` ≥ ${range.min}`
        : '';
  if (text.trim() === '' || !Number.isFinite(n) || (range.integer && !Number.isInteger(n)))
    throw new UsageError(`${flag}: expected ${kind}${span}, got "${text}"`);
  if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max))
    throw new UsageError(`${flag}: expected ${kind}${span}, got ${text}`);
  return n;
}

/** Checks a flag against its allowed values. */
export function oneOf<T extends string>(
  text: string | undefined,
  flag: string,
  allowed: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got "${text}"`);
}
