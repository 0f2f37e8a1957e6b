import type { RiskProfile } from '../config/load-profile.ts';
import type { PreTradeRule } from '../rule.ts';
import { duplicateOrderRule } from './duplicate-order.ts';
import {
  buyingPowerRule,
  grossExposureRule,
  maxOpenPositionsRule,
  netExposureRule,
  positionLimitRule,
  sectorExposureRule,
  symbolExposureRule,
} from './exposure.ts';
import { greeksLimitRules } from './greeks-limits.ts';
import { instrumentRule, restrictedSymbolsRule, shortSaleRule } from './instrument.ts';
import { tighterLimit } from './limits.ts';
import { orderNotionalRule, orderQuantityRule } from './order-size.ts';
import { priceCollarRule, tickRule } from './price-checks.ts';
import { protectiveStopRule } from './protective-stop.ts';
import { rateLimitRule } from './rate-limit.ts';
import { referencePriceRule } from './reference-price.ts';
import { repeatedExecutionRule } from './repeated-execution.ts';
import { stateGateRule } from './state-gate.ts';

/**
 * Builds the pre-trade rules a profile asks for, in evaluation order: cheap structural
 * checks first, then market data, size, exposure and throttles.
 */
export function buildPreTradeRules(profile: RiskProfile): PreTradeRule[] {
  const rules: PreTradeRule[] = [
    stateGateRule,
    instrumentRule,
    duplicateOrderRule(profile.orders.duplicateWindowSeconds * 1000),
  ];
  if (profile.restrictedSymbols.length > 0) rules.push(restrictedSymbolsRule(profile.restrictedSymbols));
  rules.push(shortSaleRule(profile.longOnly));
  rules.push(tickRule, referencePriceRule(profile.marketData.maxQuoteAgeMs));
  if (profile.protectiveStop?.required) rules.push(protectiveStopRule(profile.protectiveStop));
  rules.push(orderQuantityRule(profile.orders.maxQuantity), orderNotionalRule(profile.orders.maxNotional));
  if (profile.orders.priceCollarPercent !== undefined)
    rules.push(priceCollarRule(profile.orders.priceCollarPercent));
  rules.push(buyingPowerRule);
  const p = profile.positions;
  if (p.maxQuantity !== undefined || p.maxNotional !== undefined)
    rules.push(positionLimitRule(p.maxQuantity, p.maxNotional));
  if (p.maxOpen !== undefined) rules.push(maxOpenPositionsRule(p.maxOpen));
  const e = profile.exposure;
  if (e.symbol) rules.push(symbolExposureRule(e.symbol));
  if (e.sector || e.unknownSector || e.symbol)
    rules.push(sectorExposureRule(e.sector, e.unknownSector ?? tighterLimit(e.sector, e.symbol)));
  if (e.gross) rules.push(grossExposureRule(e.gross));
  if (e.net) rules.push(netExposureRule(e.net));
  if (profile.options) rules.push(...greeksLimitRules(profile.options));
  const rl = profile.orders.rateLimit;
  if (rl && (rl.perSecond !== undefined || rl.perMinute !== undefined))
    rules.push(rateLimitRule(rl.perSecond, rl.perMinute));
  if (profile.repeatedExecution) {
    rules.push(
      repeatedExecutionRule(
        profile.repeatedExecution.maxFills,
        profile.repeatedExecution.windowSeconds * 1000,
      ),
    );
  }
  return rules;
}
