import type { RiskEngine } from '../core/engine.ts';
import type { RiskEvent } from '../core/engine-types.ts';
import type { TradingState } from '../core/trading-state.ts';
import type { RiskActivity } from './backtest-types.ts';

const DAY_MS = 86_400_000;

/**
 * Collects what the risk engine did during a run from its event stream: denials by code, breaker
 * trips and trading-state changes.
 */
export class RiskActivityRecorder {
  readonly #denials = new Map<string, { count: number; example: string }>();
  readonly #trips: RiskActivity['trips'][number][] = [];
  readonly #changes: { state: TradingState; at: number; code: string; reason: string }[] = [];
  readonly #unsubscribe: () => void;
  /** When the account last left `active` (epoch ms); NaN while active. */
  latchedSince = Number.NaN;

  /** Breakers whose trips pause entries instead of latching the account. */
  readonly #pausing: ReadonlySet<string>;

  constructor(engine: RiskEngine) {
    this.#pausing = new Set(
      engine
        .snapshot()
        .breakers.filter((b) => b.action === 'pause')
        .map((b) => b.id),
    );
    this.#unsubscribe = engine.subscribe((event) => this.#on(event));
  }

  #on(event: RiskEvent): void {
    switch (event.type) {
      case 'decision': {
        if (event.decision.kind !== 'deny' || event.dryRun) return;
        for (const v of event.decision.violations) {
          const seen = this.#denials.get(v.code);
          if (seen === undefined) this.#denials.set(v.code, { count: 1, example: `${v.code}: ${v.message}` });
          else seen.count++;
        }
        return;
      }
      case 'trip':
        this.#trips.push({
          time: event.trip.at,
          code: event.trip.code,
          action: this.#pausing.has(event.trip.breakerId) ? 'pause' : event.trip.action,
          flatten: event.trip.flatten,
          message: event.trip.message,
        });
        return;
      case 'state':
        if (event.record.state === 'active') this.latchedSince = Number.NaN;
        else if (event.previous.state === 'active') this.latchedSince = event.record.at;
        this.#changes.push({
          state: event.record.state,
          at: event.record.at,
          code: event.record.code,
          reason: event.record.reason,
        });
        return;
      default:
        return;
    }
  }

  /**
   * Stops listening and summarises the run between `start` and `end` (epoch ms), with the exit
   * signals (by reason) that the engine's exit rules and breakers raised.
   */
  finish(start: number, end: number, exitSignals: ReadonlyMap<string, number>): RiskActivity {
    this.#unsubscribe();
    const states: { state: TradingState; from: number; to: number; code: string; reason: string }[] = [];
    let current = { state: 'active' as TradingState, at: start, code: 'INITIAL', reason: 'start of the run' };
    for (const change of this.#changes) {
      const at = Math.min(Math.max(change.at, start), end);
      if (at > current.at)
        states.push({
          state: current.state,
          from: current.at,
          to: at,
          code: current.code,
          reason: current.reason,
        });
      current = { ...change, at };
    }
    if (end > current.at || states.length === 0)
      states.push({
        state: current.state,
        from: current.at,
        to: end,
        code: current.code,
        reason: current.reason,
      });
    const span = Math.max(1, end - start);
    const timeInState = {
      active: { fraction: 0, days: 0 },
      reducing: { fraction: 0, days: 0 },
      halted: { fraction: 0, days: 0 },
    };
    for (const s of states) {
      timeInState[s.state].fraction += (s.to - s.from) / span;
      timeInState[s.state].days += (s.to - s.from) / DAY_MS;
    }
    return {
      denials: [...this.#denials]
        .map(([code, d]) => ({ code, count: d.count, example: d.example }))
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
      trips: this.#trips,
      states,
      timeInState,
      exitSignals: Object.fromEntries([...exitSignals].sort((a, b) => b[1] - a[1])),
    };
  }
}
