import type { Limit } from '../config/profile-schema.ts';
import type { Violation } from '../decision.ts';
import { UNKNOWN_SECTOR } from '../instrument.ts';
import type { CheckInput, PreTradeRule, RiskContext } from '../rule.ts';
import { dollarLimit, exceeds, shareOf, violation } from './limits.ts';

/** Caps one symbol's exposure, counting working orders, in percent of the basis and/or dollars. */
export function symbolExposureRule(limit: Limit): PreTradeRule {
  // The limit's parts read once (see dollarLimit).
  const share = shareOf(limit.percent);
  const usd = limit.usd ?? Number.POSITIVE_INFINITY;
  return {
    id: 'symbol-exposure',
    scope: 'entries',
    check(input, _ctx) {
      const max = dollarLimit(share, +usd, input.basis);
      return input.symbolExposureAfter > max && exceeds(input.symbolExposureAfter, max)
        ? symbolExposureExceeded(this.id, input, max)
        : null;
    },
  };
}

function symbolExposureExceeded(ruleId: string, input: CheckInput, max: number): Violation {
  return violation('SYMBOL_EXPOSURE_EXCEEDED', ruleId, {
    symbol: input.order.symbol,
    exposure: input.symbolExposureAfter,
    limit: max,
  });
}

/**
 * Caps a sector's exposure, counting working orders. Symbols without a sector fall in
 * `Unknown`, which has its own limit (by default the tighter of the sector and symbol limits).
 */
export function sectorExposureRule(limit: Limit | undefined, unknownLimit: Limit | undefined): PreTradeRule {
  // Both limits' parts read once (see dollarLimit).
  const unknown = unknownLimit ?? limit;
  const knownShare = shareOf(limit?.percent);
  const knownUsd = limit?.usd ?? Number.POSITIVE_INFINITY;
  const unknownShare = shareOf(unknown?.percent);
  const unknownUsd = unknown?.usd ?? Number.POSITIVE_INFINITY;
  return {
    id: 'sector-exposure',
    scope: 'entries',
    check(input, ctx) {
      const sector = input.book?.sector ?? input.instrument?.sector ?? UNKNOWN_SECTOR;
      const isUnknown = sector === UNKNOWN_SECTOR;
      if ((isUnknown ? unknown : limit) === undefined) return null;
      const share = isUnknown ? unknownShare : knownShare;
      const usd = isUnknown ? unknownUsd : knownUsd;
      const max = dollarLimit(share, +usd, input.basis);
      const after =
        (input.book?.sectorTotal.exposure ?? ctx.book.sectorExposure(sector)) + input.exposureIncrease;
      return after > max && exceeds(after, max)
        ? exposureExceeded('SECTOR_EXPOSURE_EXCEEDED', this.id, after, max, sector)
        : null;
    },
  };
}

/** Caps gross exposure (sum of |exposure| over symbols, working orders counted). */
export function grossExposureRule(limit: Limit): PreTradeRule {
  const share = shareOf(limit.percent);
  const usd = limit.usd ?? Number.POSITIVE_INFINITY;
  return {
    id: 'gross-exposure',
    scope: 'entries',
    check(input, ctx) {
      const max = dollarLimit(share, +usd, input.basis);
      const after = ctx.book.gross + input.exposureIncrease;
      return after > max && exceeds(after, max)
        ? exposureExceeded('GROSS_EXPOSURE_EXCEEDED', this.id, after, max)
        : null;
    },
  };
}

/** Caps worst-case |net| exposure (long minus short, working orders counted). */
export function netExposureRule(limit: Limit): PreTradeRule {
  const share = shareOf(limit.percent);
  const usd = limit.usd ?? Number.POSITIVE_INFINITY;
  return {
    id: 'net-exposure',
    scope: 'entries',
    check(input, ctx) {
      const max = dollarLimit(share, +usd, input.basis);
      const book = ctx.book;
      // Value the order at the price the book marks it at (as the symbol and gross checks do),
      // not at its limit: a buy limited below the market would otherwise be undercounted.
      const price = Number.isFinite(input.referencePrice) ? input.referencePrice : input.valuationPrice;
      const value = input.order.qty * price * input.multiplier;
      const delta = input.order.side === 'buy' ? value : -value;
      const after = Math.max(
        Math.abs(book.netUp + Math.max(delta, 0)),
        Math.abs(book.netDown + Math.min(delta, 0)),
      );
      return after > max && exceeds(after, max)
        ? exposureExceeded('NET_EXPOSURE_EXCEEDED', this.id, after, max)
        : null;
    },
  };
}

/**
 * The sector, gross and net violations; `sector` only for the sector's. Built outside the checks,
 * so the checks stay small enough for V8 to inline into the compiled pipeline.
 */
function exposureExceeded(
  code: string,
  ruleId: string,
  exposure: number,
  limit: number,
  sector?: string,
): Violation {
  return violation(code, ruleId, sector === undefined ? { exposure, limit } : { sector, exposure, limit });
}

/** Caps the position per symbol in shares and/or dollars, counting working orders. */
export function positionLimitRule(
  maxQuantity: number | undefined,
  maxNotional: Limit | undefined,
): PreTradeRule {
  const share = shareOf(maxNotional?.percent);
  const usd = maxNotional?.usd ?? Number.POSITIVE_INFINITY;
  return {
    id: 'position-limit',
    scope: 'entries',
    check(input, _ctx) {
      const qty = Math.abs(input.positionQtyAfter);
      if (maxQuantity !== undefined && qty > maxQuantity && exceeds(qty, maxQuantity))
        return positionQuantityExceeded(this.id, input, qty, maxQuantity);
      if (maxNotional !== undefined) {
        const max = dollarLimit(share, +usd, input.basis);
        const value = qty * input.valuationPrice * input.multiplier;
        if (value > max && exceeds(value, max)) return positionNotionalExceeded(this.id, input, value, max);
      }
      return null;
    },
  };
}

function positionQuantityExceeded(ruleId: string, input: CheckInput, qty: number, maxQty: number): Violation {
  return violation('POSITION_QUANTITY_EXCEEDED', ruleId, { symbol: input.order.symbol, qty, maxQty });
}

function positionNotionalExceeded(
  ruleId: string,
  input: CheckInput,
  notional: number,
  limit: number,
): Violation {
  return violation('POSITION_NOTIONAL_EXCEEDED', ruleId, { symbol: input.order.symbol, notional, limit });
}

/** Caps the number of open positions, counting flat symbols with working entries. */
export function maxOpenPositionsRule(maxOpen: number): PreTradeRule {
  return {
    id: 'max-open-positions',
    scope: 'entries',
    check(input, ctx) {
      if (input.effect !== 'open' || input.book?.pendingOpen === true) return null;
      const open = ctx.book.openPositions + ctx.book.pendingOpens;
      return open + 1 > maxOpen ? maxOpenExceeded(this.id, open, maxOpen) : null;
    },
  };
}

function maxOpenExceeded(ruleId: string, open: number, maxOpen: number): Violation {
  return violation('MAX_OPEN_POSITIONS', ruleId, { open, maxOpen });
}

/** Order value plus risk-increasing working orders must fit in buying power. */
export const buyingPowerRule: PreTradeRule = {
  id: 'buying-power',
  scope: 'entries',
  check(input, ctx) {
    const needed = input.notional + ctx.book.reserved;
    const buyingPower = ctx.buyingPower;
    return needed > buyingPower && exceeds(needed, buyingPower)
      ? buyingPowerShort(this.id, input, ctx)
      : null;
  },
};

function buyingPowerShort(ruleId: string, input: CheckInput, ctx: RiskContext): Violation {
  return violation('INSUFFICIENT_BUYING_POWER', ruleId, {
    notional: input.notional,
    reserved: ctx.book.reserved,
    buyingPower: ctx.buyingPower,
  });
}
