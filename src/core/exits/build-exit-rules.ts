import type { ExitsConfig, RegimeConfig } from '../config/profile-schema.ts';
import type { ExitRule } from '../exit-rule.ts';
import {
  atrStopExit,
  breakevenExit,
  fixedStopExit,
  partialTakeProfitExit,
  takeProfitExit,
  trailingStopExit,
} from './price-exits.ts';
import { regimeExit } from './regime-exit.ts';
import { timeExit } from './time-exit.ts';

type Exits = ReturnType<typeof ExitsConfig.parse>;
type Regime = ReturnType<typeof RegimeConfig.parse>;

/** Builds the exit rules a profile's `exits` section asks for. */
export function buildExitRules(exits: Exits): ExitRule[] {
  const rules: ExitRule[] = [];
  if (exits.fixedStop) rules.push(fixedStopExit(exits.fixedStop));
  if (exits.atrStop) rules.push(atrStopExit(exits.atrStop));
  if (exits.takeProfit) rules.push(takeProfitExit(exits.takeProfit));
  if (exits.trailingStop) rules.push(trailingStopExit(exits.trailingStop));
  if (exits.breakeven) rules.push(breakevenExit(exits.breakeven));
  if (exits.partialTakeProfit) rules.push(partialTakeProfitExit(exits.partialTakeProfit));
  if (exits.timeExit) rules.push(timeExit(exits.timeExit));
  return rules;
}

/** Builds the regime rule from a profile's `regime` section. */
export function buildRegimeRule(regime: Regime): ExitRule {
  return regimeExit(
    regime.by,
    regime.bands.map((b) => ({ name: b.name, below: b.below, rules: buildExitRules(b.exits) })),
  );
}
