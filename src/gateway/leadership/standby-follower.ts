import type { RiskEngine } from '../../core/engine.ts';
import type { GatewayContext } from '../context.ts';
import type { Leadership } from './leadership.ts';

/** How often a standby refreshes its view of the leader's state from the store, in ms. */
const FOLLOW_MS = 1_000;

/** Options of {@link StandbyFollower}. */
export interface StandbyFollowerOptions {
  readonly ctx: GatewayContext;
  readonly leadership: Leadership;
  /** Builds a read-only engine with the profile in force, its latch, peak and counters from the store. */
  readonly mirror: () => Promise<RiskEngine>;
  /** Called with each mirror once it is in force (e.g. to replay the last index readings into it). */
  readonly onMirror?: (engine: RiskEngine) => void;
}

/**
 * Keeps a standby's engine a mirror of the leader's stored state (latch, counters, profile,
 * positions), refreshed every second, so reads on any instance show the account, and keeps the
 * readiness reason naming the leader. Stops once this instance leads.
 */
export class StandbyFollower {
  readonly #options: StandbyFollowerOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: StandbyFollowerOptions) {
    this.#options = options;
  }

  /** Refreshes once, then every second until {@link stop} or the lead is taken. */
  async start(): Promise<void> {
    this.#options.ctx.readiness.reason = this.#reason();
    await this.refresh();
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** One refresh from the store; a failure keeps the previous view (the store may be down). */
  async refresh(): Promise<void> {
    const { ctx, leadership } = this.#options;
    if (this.#done()) return;
    try {
      const mirror = await this.#options.mirror();
      const recovered = await ctx.store.recover();
      const now = Date.now();
      for (const p of recovered.positions.positions) {
        mirror.restorePosition({ symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice, time: now });
      }
      if (this.#done()) return;
      ctx.risk.swap(mirror);
      this.#options.onMirror?.(mirror);
      ctx.readiness.reason = this.#reason();
    } catch (error) {
      ctx.log.debug(
        { error: String(error), leader: leadership.view().leaderId },
        'standby could not refresh its view of the state',
      );
    }
  }

  #done(): boolean {
    return this.#stopped || this.#options.leadership.role === 'leader';
  }

  #schedule(): void {
    if (this.#done()) return;
    this.#timer = setTimeout(() => void this.refresh().finally(() => this.#schedule()), FOLLOW_MS);
    this.#timer.unref();
  }

  #reason(): string {
    const v = this.#options.leadership.view();
    return `standby: the account is led by ${v.leaderId ?? 'another instance'} (epoch ${v.epoch ?? '?'}); orders go to the leader`;
  }
}
