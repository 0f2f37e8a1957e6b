import type { Logger } from 'pino';
import type { LeaderLease, LeaseView } from '../../store/leader-lease.ts';

/** What an instance is to its account: the one that decides orders, or one that follows it. */
export type InstanceRole = 'leader' | 'standby';

/** The instance's view of leadership, for `/v1/state`, `/metrics` and the logs. */
export interface LeadershipView {
  readonly instanceId: string;
  readonly role: InstanceRole;
  /** `lease`: a PostgreSQL server shared by instances; `embedded`: PGlite, one process, always leader. */
  readonly mode: 'lease' | 'embedded';
  /** False while a leader's lease may have lapsed (renewals fail): it accepts nothing then. */
  readonly acting: boolean;
  /** Id of the instance that holds the lease, as last seen (null: none ever did, or unknown). */
  readonly leaderId: string | null;
  /** Epoch of that lease; this instance's own epoch while it leads. */
  readonly epoch: number | null;
  /** Time since the lease was last renewed, in ms, as last seen. */
  readonly leaseAgeMs: number | null;
  readonly leaseTtlMs: number;
  /** Epoch ms when this instance took its current role. */
  readonly since: number;
}

/** Options of {@link Leadership}. */
export interface LeadershipOptions {
  readonly instanceId: string;
  /** The store's lease; undefined for the embedded store, where this process always leads. */
  readonly lease: LeaderLease | undefined;
  readonly ttlMs: number;
  readonly log: Logger;
  /** Sets the epoch every later write carries (the store's fencing). */
  readonly setEpoch: (epoch: number | null) => void;
}

/**
 * Share of the TTL a leader trusts its lease for after sending a renewal. The database starts
 * the TTL when it runs the renewal (later than it was sent), so the leader stops acting before
 * any standby may take over, with room for the two clocks running at slightly different rates.
 */
const TRUST_SHARE = 0.8;

/**
 * Statement timeout of the lease's own connection for a lease of `ttlMs`, in ms: a quarter of
 * the TTL (between 250 ms and 5 s), the time between two renewals, so that a renewal that hangs
 * fails in time for the next one to try before the leader must stop acting.
 */
export function leaseStatementTimeoutMs(ttlMs: number): number {
  return Math.round(Math.min(5_000, Math.max(250, ttlMs / 4)));
}

/**
 * One leader per account. A standby tries to take the lease every few hundred ms; the leader
 * renews it four times per TTL and stops acting as soon as its lease may have lapsed, before a
 * standby can take over. A renewal that finds another epoch means the lead was lost for good.
 */
export class Leadership {
  readonly #options: LeadershipOptions;
  #role: InstanceRole;
  #epoch: number | null = null;
  /** `performance.now()` until which this leader may act. */
  #trustedUntil = 0;
  #seen: LeaseView | null = null;
  #seenAt = 0;
  #since = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #contending = false;
  #stepping = false;
  #failing = false;
  readonly #promoted = new Set<(epoch: number) => void>();
  readonly #lost = new Set<(view: LeaseView | null) => void>();

  constructor(options: LeadershipOptions) {
    this.#options = options;
    this.#role = options.lease === undefined ? 'leader' : 'standby';
  }

  get instanceId(): string {
    return this.#options.instanceId;
  }

  get role(): InstanceRole {
    return this.#role;
  }

  /** The epoch this instance leads under, or null. */
  get epoch(): number | null {
    return this.#role === 'leader' ? this.#epoch : null;
  }

  /** True when this instance may decide orders and write to the broker now. */
  canAct(): boolean {
    if (this.#options.lease === undefined) return true;
    return this.#role === 'leader' && performance.now() < this.#trustedUntil;
  }

  /** Called once this instance took the lead, with its epoch. */
  onPromoted(listener: (epoch: number) => void): () => void {
    this.#promoted.add(listener);
    return () => this.#promoted.delete(listener);
  }

  /** Called when a renewal found that another instance leads now (the lead is lost for good). */
  onLost(listener: (lease: LeaseView | null) => void): () => void {
    this.#lost.add(listener);
    return () => this.#lost.delete(listener);
  }

  view(): LeadershipView {
    const embedded = this.#options.lease === undefined;
    const seen = this.#seen;
    return {
      instanceId: this.instanceId,
      role: this.#role,
      mode: embedded ? 'embedded' : 'lease',
      acting: this.canAct(),
      leaderId: embedded ? this.instanceId : (seen?.holder ?? null),
      epoch: embedded ? null : (seen?.epoch ?? null),
      leaseAgeMs:
        seen === null ? null : Math.max(0, seen.now - seen.renewedAt + (performance.now() - this.#seenAt)),
      leaseTtlMs: this.#options.ttlMs,
      since: this.#since,
    };
  }

  /**
   * Makes a first attempt at the lead (so a lone instance leads at once). A leader then keeps
   * renewing in the background; a standby waits for {@link contend}, so that it cannot take the
   * lead before whoever acts on a promotion listens.
   */
  async start(): Promise<void> {
    if (this.#options.lease === undefined) return;
    await this.#step();
  }

  /** Lets a standby keep trying for the lead in the background (once its listeners are in place). */
  contend(): void {
    if (this.#options.lease === undefined || this.#contending) return;
    this.#contending = true;
    // A step in flight schedules the next one itself when it ends.
    if (this.#timer === undefined && !this.#stepping && !this.#stopped) this.#schedule();
  }

  /** Stops the loop and, when leading, releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const lease = this.#options.lease;
    const epoch = this.#epoch;
    if (lease === undefined || this.#role !== 'leader' || epoch === null) return;
    this.#trustedUntil = 0;
    await lease.release(this.instanceId, epoch).catch((error: unknown) => {
      this.#options.log.warn({ error: String(error) }, 'could not release the leadership lease');
    });
  }

  async #step(): Promise<void> {
    const lease = this.#options.lease;
    if (lease === undefined || this.#stopped) return;
    const ttl = this.#options.ttlMs;
    const sentAt = performance.now();
    this.#stepping = true;
    try {
      if (this.#role === 'leader' && this.#epoch !== null) {
        const outcome = await lease.renew(this.instanceId, this.#epoch, ttl);
        this.#saw(outcome.lease);
        // A renewal that lands after stop() is not trusted: the lease is being given up.
        if (outcome.held) {
          if (!this.#stopped) this.#trust(sentAt);
        } else this.#lose(outcome.lease);
      } else {
        const outcome = await lease.acquire(this.instanceId, ttl);
        this.#saw(outcome.lease);
        if (outcome.held && this.#stopped) {
          // Taken while shutting down: given straight back.
          await lease.release(this.instanceId, outcome.lease.epoch).catch(() => undefined);
        } else if (outcome.held) this.#promote(outcome.lease.epoch, sentAt);
      }
      if (this.#failing) this.#options.log.info('leadership lease reachable again');
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) {
        this.#options.log.error(
          { error: String(error), role: this.#role },
          this.#role === 'leader'
            ? 'cannot renew the leadership lease: orders are refused once it may have lapsed'
            : 'cannot read the leadership lease',
        );
      }
      this.#failing = true;
    }
    this.#stepping = false;
    this.#timer = undefined;
    if (this.#stopped || (this.#role !== 'leader' && !this.#contending)) return;
    this.#schedule();
  }

  #schedule(): void {
    const ttl = this.#options.ttlMs;
    // A leader renews four times per TTL; a standby looks often enough to take over quickly.
    const every = this.#role === 'leader' ? ttl / 4 : Math.min(250, ttl / 4);
    this.#timer = setTimeout(() => void this.#step(), every);
    this.#timer.unref();
  }

  #saw(lease: LeaseView | null): void {
    this.#seen = lease;
    this.#seenAt = performance.now();
  }

  #trust(sentAt: number): void {
    this.#trustedUntil = sentAt + this.#options.ttlMs * TRUST_SHARE;
  }

  #promote(epoch: number, sentAt: number): void {
    this.#options.setEpoch(epoch);
    this.#epoch = epoch;
    this.#role = 'leader';
    this.#since = Date.now();
    this.#trust(sentAt);
    this.#options.log.info({ instanceId: this.instanceId, epoch }, 'took the lead of the account');
    for (const listener of this.#promoted) listener(epoch);
  }

  #lose(lease: LeaseView | null): void {
    this.#role = 'standby';
    this.#trustedUntil = 0;
    this.#since = Date.now();
    this.#options.log.warn(
      { instanceId: this.instanceId, epoch: this.#epoch, leader: lease?.holder, leaderEpoch: lease?.epoch },
      'lost the lead of the account to another instance: stepping down',
    );
    for (const listener of this.#lost) listener(lease);
  }
}
