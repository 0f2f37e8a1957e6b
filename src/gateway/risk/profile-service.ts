import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { barResolutionProblem } from '../../core/bars/profile-timeframes.ts';
import type { Breaker } from '../../core/breaker.ts';
import { parseProfile, type RiskProfile } from '../../core/config/load-profile.ts';
import { RiskEngine } from '../../core/engine.ts';
import type { Issue } from '../../core/result.ts';
import type { PreTradeRule } from '../../core/rule.ts';
import { changeAuditEvent } from '../../store/audit-events.ts';
import { type JsonChange, jsonDiff } from '../../store/json-diff.ts';
import type { GatewayContext } from '../context.ts';
import { hydrateEngine } from './hydrate-engine.ts';

/** The store counter that keeps a profile changed through the API across restarts. */
export const PROFILE_COUNTER = 'gateway.profile';

interface StoredProfile {
  readonly profile: RiskProfile;
  /** SHA-256 of the profile file the change was made over; a newer file wins. */
  readonly fileSha256: string;
  readonly by: string;
  readonly at: number;
}

/** Hashes a profile file's bytes (hex). */
export async function fileSha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/**
 * The profile stored by an earlier change through the API, if it was made over the same
 * profile file as the one in use now; otherwise null (the file was edited since and wins).
 */
export function storedProfileOverride(
  counters: Readonly<Record<string, unknown>>,
  sha: string,
): StoredProfile | null {
  const stored = counters[PROFILE_COUNTER] as StoredProfile | undefined;
  return stored !== undefined && stored.fileSha256 === sha ? stored : null;
}

/** A profile validated against the one in force: what would apply and what it changes, or every problem. */
export type ProfileCheck =
  | { readonly ok: true; readonly after: RiskProfile; readonly diff: JsonChange[] }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** What the gateway adds to each engine it builds, beyond the profile's own rules. */
export interface EngineParts {
  /** Extra pre-trade rules for an engine built for `profile`. */
  readonly rules?: (profile: RiskProfile) => PreTradeRule[];
  /** Called right after a new engine took over, before anything else can reach it. */
  readonly onSwapped?: (engine: RiskEngine) => void;
}

/**
 * Reads and changes the risk profile. A change is validated (every problem reported), audited
 * with a JSON diff and who made it, persisted, and applied by building a new engine from the
 * store's risk state and the broker's positions and orders, so no state is lost.
 */
export class ProfileService {
  readonly #ctx: GatewayContext;
  readonly #breakers: readonly Breaker[];
  readonly #fileSha: string;
  readonly #engineParts: EngineParts;
  source: 'file' | 'api';

  constructor(
    ctx: GatewayContext,
    breakers: readonly Breaker[],
    fileSha: string,
    source: 'file' | 'api',
    engineParts: EngineParts = {},
  ) {
    this.#ctx = ctx;
    this.#breakers = breakers;
    this.#fileSha = fileSha;
    this.source = source;
    this.#engineParts = engineParts;
  }

  get current(): RiskProfile {
    return this.#ctx.risk.engine.profile;
  }

  /**
   * Validates a new profile against the one in force, exactly as {@link change} does, and gives
   * the profile it would apply and the diff, changing nothing: a dry run.
   */
  check(input: unknown): ProfileCheck {
    const before = this.current;
    // The profile as GET returns it carries its mode; the mode itself is not changed here.
    let body = input;
    if (typeof input === 'object' && input !== null && 'mode' in input) {
      const { mode, ...rest } = input as Record<string, unknown>;
      if (mode !== before.mode) {
        return {
          ok: false,
          issues: [
            {
              path: 'mode',
              message: `stays ${before.mode}: switching paper/live needs the profile file and a restart`,
            },
          ],
        };
      }
      body = rest;
    }
    const parsed = parseProfile(body, before.mode);
    if (!parsed.ok) return { ok: false, issues: parsed.issues };
    const barProblem = barResolutionProblem(parsed.value, this.#ctx.config.monitor.barIntervalMs);
    if (barProblem !== null) return { ok: false, issues: [{ path: 'indicators', message: barProblem }] };
    // The sector map read from the profile's CSV stays unless the new profile names sectors itself.
    const after: RiskProfile =
      Object.keys(parsed.value.sectors).length === 0
        ? { ...parsed.value, sectors: before.sectors }
        : parsed.value;
    return { ok: true, after, diff: jsonDiff(before, after) };
  }

  /** Validates and applies a new profile; the mode (paper/live) cannot be changed here. */
  async change(
    input: unknown,
    by: string,
    reason: string,
  ): Promise<{ ok: true; diff: ReturnType<typeof jsonDiff> } | { ok: false; issues: readonly Issue[] }> {
    const ctx = this.#ctx;
    const before = this.current;
    const checked = this.check(input);
    if (!checked.ok) return checked;
    const { after, diff } = checked;
    const at = Date.now();
    const old = ctx.risk.engine;
    await old.flush();
    const next = await RiskEngine.create({
      profile: after,
      clock: ctx.clock,
      store: ctx.durability.riskState,
      instruments: (symbol) => old.instrument(symbol),
      breakers: this.#breakers,
      rules: this.#engineParts.rules?.(after) ?? [],
    });
    await hydrateEngine(ctx, next);
    ctx.risk.swap(next);
    this.#engineParts.onSwapped?.(next);
    await ctx.store.riskState.saveCounter(
      PROFILE_COUNTER,
      { profile: after, fileSha256: this.#fileSha, by, at },
      at,
    );
    await ctx.store.audit.append(
      changeAuditEvent({
        kind: 'profile-change',
        at,
        actor: by,
        before,
        after,
        message: `${diff.length} change(s): ${reason}`,
      }),
    );
    this.source = 'api';
    ctx.alerts.raise({
      code: 'PROFILE_CHANGED',
      severity: 'info',
      message: `risk profile changed by ${by} (${diff.length} change(s)): ${reason}`,
      data: { diff },
    });
    return { ok: true, diff };
  }
}
