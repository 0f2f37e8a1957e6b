import type { RiskEngine } from '../core/engine.ts';
import type { RiskEvent } from '../core/engine-types.ts';
import { sessionDate } from '../core/session.ts';
import type { TradingState } from '../core/trading-state.ts';
import type { LatchReport, RiskActivity } from './backtest-types.ts';
import { type BreakerPolicy, latchWarnings } from './latch-summary.ts';

const DAY_MS = 86_400_000;

/** Who the simulated operator is in the trading-state records (`resetAfterDays`). */
export const OPERATOR = 'backtest-operator';

/**
 * Collects what the risk engine did during a run from its event stream: denials by code, breaker
 * trips and trading-state changes.
 */
export class RiskActivityRecorder {
  readonly #denials = new Map<string, { count: number; example: string }>();
  readonly #trips: RiskActivity['trips'][number][] = [];
  readonly #changes: { state: TradingState; at: number; code: string; reason: string; heldBy: string }[] = [];
  readonly #rearms: LatchReport['rearms'][number][] = [];
  /** The latches in force, by breaker id, with their code and action (as the engine holds them). */
  readonly #held = new Map<string, { code: string; action: TradingState }>();
  readonly #policies: readonly BreakerPolicy[];
  readonly #resetAfterDays: number | null;
  #operatorResets = 0;
  readonly #unsubscribe: () => void;
  /** When the account last left `active` (epoch ms); NaN while active. */
  latchedSince = Number.NaN;

  /** Breakers whose trips pause entries instead of latching the account. */
  readonly #pausing: ReadonlySet<string>;

  constructor(engine: RiskEngine, resetAfterDays: number | null = null) {
    const breakers = engine.snapshot().breakers;
    this.#pausing = new Set(breakers.filter((b) => b.action === 'pause').map((b) => b.id));
    this.#policies = breakers
      .filter((b) => b.action !== 'pause')
      .map((b) => ({ id: b.id, code: b.code, rearm: b.rearm }));
    this.#resetAfterDays = resetAfterDays;
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
        if (!this.#pausing.has(event.trip.breakerId))
          this.#held.set(event.trip.breakerId, { code: event.trip.code, action: event.trip.action });
        this.#trips.push({
          time: event.trip.at,
          code: event.trip.code,
          action: this.#pausing.has(event.trip.breakerId) ? 'pause' : event.trip.action,
          flatten: event.trip.flatten,
          message: event.trip.message,
        });
        return;
      case 'rearm':
        this.#held.delete(event.breakerId);
        this.#rearms.push({ time: event.time, code: event.code, policy: event.policy, reason: event.reason });
        return;
      case 'state':
        if (event.record.code === 'RESET') {
          this.#held.clear();
          if (event.record.by === OPERATOR) this.#operatorResets++;
        }
        if (event.record.state === 'active') this.latchedSince = Number.NaN;
        else if (event.previous.state === 'active') this.latchedSince = event.record.at;
        this.#changes.push({
          state: event.record.state,
          at: event.record.at,
          code: event.record.code,
          reason: event.record.reason,
          heldBy: this.#holder(event.record.state) ?? event.record.code,
        });
        return;
      default:
        return;
    }
  }

  /** The code of the latch in force with the given severity (the latest such trip). */
  #holder(state: TradingState): string | undefined {
    let code: string | undefined;
    for (const held of this.#held.values()) if (held.action === state) code = held.code;
    return code;
  }

  /**
   * Stops listening and summarises the run between `start` and `end` (epoch ms), with the exit
   * signals (by reason) that the engine's exit rules and breakers raised.
   */
  finish(start: number, end: number, exitSignals: ReadonlyMap<string, number>): RiskActivity {
    this.#unsubscribe();
    const states: { state: TradingState; from: number; to: number; code: string; reason: string }[] = [];
    let current = {
      state: 'active' as TradingState,
      at: start,
      code: 'INITIAL',
      reason: 'start of the run',
      heldBy: 'INITIAL',
    };
    const latchedBy: Record<string, { fraction: number; days: number }> = {};
    const span = Math.max(1, end - start);
    const addLatched = (code: string, from: number, to: number) => {
      const entry = (latchedBy[code] ??= { fraction: 0, days: 0 });
      entry.fraction += (to - from) / span;
      entry.days += (to - from) / DAY_MS;
    };
    for (const change of this.#changes) {
      const at = Math.min(Math.max(change.at, start), end);
      if (at > current.at && current.state !== 'active') addLatched(current.heldBy, current.at, at);
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
    if (end > current.at && current.state !== 'active') addLatched(current.heldBy, current.at, end);
    if (end > current.at || states.length === 0)
      states.push({
        state: current.state,
        from: current.at,
        to: end,
        code: current.code,
        reason: current.reason,
      });
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
      latch: this.#latchReport(current, timeInState, latchedBy),
    };
  }

  #latchReport(
    last: { state: TradingState; at: number; code: string; heldBy: string },
    timeInState: RiskActivity['timeInState'],
    latchedBy: LatchReport['latchedBy'],
  ): LatchReport {
    const latchedFraction = timeInState.reducing.fraction + timeInState.halted.fraction;
    const end = { state: last.state, code: last.heldBy, since: last.at };
    const operator = { resetAfterDays: this.#resetAfterDays, resets: this.#operatorResets };
    return {
      policies: this.#policies,
      operator,
      rearms: this.#rearms,
      latchedFraction,
      latchedBy,
      end,
      warnings: latchWarnings(end, latchedFraction, latchedBy, this.#policies, operator, sessionDate),
    };
  }
}
