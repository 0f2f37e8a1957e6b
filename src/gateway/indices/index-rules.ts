import type { RiskProfile } from '../../core/config/load-profile.ts';
import type { PreTradeRule } from '../../core/rule.ts';
import { indexFreshnessRule, requiredIndexNames } from '../../core/rules/index-freshness.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';

/**
 * The pre-trade rules the gateway adds to every engine it builds for `profile`: entries need
 * each required index (the profile's and the configured ones) fresher than the maximum age.
 */
export function gatewayIndexRules(config: GatewayConfig, profile: RiskProfile): PreTradeRule[] {
  const names = requiredIndexNames(profile, config.indices.required);
  return names.length === 0 ? [] : [indexFreshnessRule(names, config.indices.maxAgeMs)];
}
