import type { EntryLevels, ExitProposal, ExitRule, LevelUpdate } from '../exit-rule.ts';
import type { Position } from '../position.ts';
import type { RiskContext } from '../rule.ts';

/** A band of a regime measure and the exit rules that apply inside it. */
export interface RegimeBand {
  readonly name: string;
  /** The band applies while the measure is below this value; the last band may omit it. */
  readonly below?: number | undefined;
  readonly rules: readonly ExitRule[];
}

/**
 * Different exit rules for different regimes, e.g. tighter stops when the VIX is high.
 * The measure is the VIX level or the symbol's annualized realized volatility in percent.
 * While the measure is unknown the last (most defensive) band applies.
 */
export function regimeExit(by: 'vix' | 'realizedVolatility', bands: readonly RegimeBand[]): ExitRule {
  const pick = (position: Position, ctx: RiskContext): RegimeBand => {
    const measure = by === 'vix' ? ctx.indexLevel('VIX') : ctx.realizedVolatility(position.symbol) * 100;
    if (Number.isFinite(measure)) {
      for (const band of bands) if (band.below === undefined || measure < band.below) return band;
    }
    return bands[bands.length - 1]!;
  };
  return {
    id: 'regime',
    onEntry(position, instrument, ctx) {
      const band = pick(position, ctx);
      position.ruleState['regime.entryBand'] = bands.indexOf(band);
      let stop: number | undefined;
      let target: number | undefined;
      const long = position.qty > 0;
      for (const rule of band.rules) {
        const l = rule.onEntry?.(position, instrument, ctx);
        if (!l) continue;
        // The tightest stop wins; the first target proposed is kept.
        if (l.stop !== undefined)
          stop = stop === undefined ? l.stop : long ? Math.max(l.stop, stop) : Math.min(l.stop, stop);
        target ??= l.target;
      }
      const levels: EntryLevels | null =
        stop === undefined && target === undefined
          ? null
          : { ...(stop !== undefined ? { stop } : {}), ...(target !== undefined ? { target } : {}) };
      return levels;
    },
    evaluate(position, tick, ctx) {
      let update: LevelUpdate | null = null;
      for (const rule of pick(position, ctx).rules) {
        const r = rule.evaluate?.(position, tick, ctx);
        if (r?.kind === 'exit') return r satisfies ExitProposal;
        if (r?.kind === 'levels' && update === null) update = r;
      }
      return update;
    },
  };
}
