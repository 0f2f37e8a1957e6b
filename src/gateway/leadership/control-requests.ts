import type { ControlKind, ControlRequest } from '../../store/control-requests.ts';
import { killSwitch, resetTrading } from '../risk/risk-controls.ts';
import type { GatewayServices } from '../services.ts';
import type { Leadership } from './leadership.ts';

/** How often the leader looks for requests when no notification arrived, in ms. */
const POLL_MS = 250;

/** How long an instance that received a request waits for the leader to carry it out, in ms. */
const HANDOFF_WAIT_MS = 1_500;

/** What a standby answers for a kill, reset or profile change it handed to the leader. */
export interface HandoffReply {
  readonly status: 200 | 202;
  readonly body: {
    readonly forwarded: true;
    readonly requestId: number;
    /** True when the leader carried it out within the wait. */
    readonly handled: boolean;
    readonly handledBy: string | null;
    readonly outcome: unknown;
    readonly message: string;
  };
}

/**
 * Persists a control request received by an instance that does not lead, announces it, and
 * waits a little for the leader to report it done. A request no leader handled yet stays
 * pending: whichever instance leads next carries it out before it accepts any order.
 */
export async function handOff(
  services: GatewayServices,
  leadership: Leadership,
  kind: ControlKind,
  payload: unknown,
  by: string,
): Promise<HandoffReply> {
  const store = services.ctx.store;
  const request = await store.control.submit({
    kind,
    payload,
    requestedBy: by,
    receivedBy: leadership.instanceId,
  });
  const deadline = performance.now() + HANDOFF_WAIT_MS;
  let seen: ControlRequest | null = request;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await store.control.get(request.id).catch(() => seen);
    if (seen?.handledAt !== null && seen?.handledAt !== undefined) {
      return {
        status: 200,
        body: {
          forwarded: true,
          requestId: request.id,
          handled: true,
          handledBy: seen.handledBy,
          outcome: seen.outcome,
          message: `carried out by the leader ${seen.handledBy} (epoch ${seen.handledEpoch})`,
        },
      };
    }
  }
  const leader = leadership.view().leaderId;
  return {
    status: 202,
    body: {
      forwarded: true,
      requestId: request.id,
      handled: false,
      handledBy: null,
      outcome: null,
      message:
        `persisted for the leader${leader === null ? '' : ` (${leader})`}, which has not reported it done yet; ` +
        'whichever instance leads next carries it out before it accepts any order',
    },
  };
}

/**
 * Carries out, on the leader, the control requests any instance received: in order, each once,
 * within a poll interval (at once when the `NOTIFY` arrives).
 */
export class ControlProcessor {
  readonly #services: GatewayServices;
  readonly #leadership: Leadership;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(services: GatewayServices, leadership: Leadership) {
    this.#services = services;
    this.#leadership = leadership;
  }

  /** Listens for new requests and polls as a fallback. */
  async start(): Promise<void> {
    const { store, log } = this.#services.ctx;
    try {
      this.#unlisten = await store.database.listen(store.control.channel, () => void this.drain());
    } catch (error) {
      log.warn({ error: String(error) }, 'cannot listen for control requests; polling only');
    }
    const tick = () => {
      if (this.#stopped) return;
      void this.drain().finally(() => {
        if (this.#stopped) return;
        this.#timer = setTimeout(tick, POLL_MS);
        this.#timer.unref();
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#unlisten?.();
    await this.#running;
  }

  /** Carries out every pending request (one pass at a time; a call during a pass runs another). */
  drain(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#pass();
        } while (this.#again && !this.#stopped);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #pass(): Promise<void> {
    const { ctx } = this.#services;
    const epoch = this.#leadership.epoch;
    if (!this.#leadership.canAct() || epoch === null) return;
    let pending: ControlRequest[];
    try {
      pending = await ctx.store.control.pending();
    } catch {
      return; // the store is down: the requests wait there
    }
    for (const request of pending) {
      if (!this.#leadership.canAct()) return;
      const outcome = await this.#execute(request).catch((error: unknown) => ({
        error: error instanceof Error ? error.message : String(error),
      }));
      await ctx.store.control
        .markHandled(request.id, this.#leadership.instanceId, epoch, outcome)
        .catch(() => undefined);
      ctx.log.info(
        {
          requestId: request.id,
          kind: request.kind,
          by: request.requestedBy,
          receivedBy: request.receivedBy,
        },
        'carried out a control request received by another instance',
      );
    }
  }

  async #execute(request: ControlRequest): Promise<unknown> {
    const services = this.#services;
    const { ctx } = services;
    const payload = (request.payload ?? {}) as Record<string, unknown>;
    const reason = typeof payload.reason === 'string' ? payload.reason : undefined;
    const via = `via ${request.receivedBy}`;
    switch (request.kind) {
      case 'kill': {
        const report = await killSwitch(ctx, services.actor, {
          by: request.requestedBy,
          reason: `${reason ?? 'kill switch'} (${via})`,
          flatten: payload.flatten === true,
        });
        services.monitor.refreshGauges();
        return report;
      }
      case 'reset': {
        const result = await resetTrading(ctx, {
          by: request.requestedBy,
          reason: `${reason ?? 'reset'} (${via})`,
        });
        services.monitor.refreshGauges();
        return { tradingState: result.record, durable: result.durable };
      }
      case 'profile': {
        const result = await services.profile.change(
          payload.profile,
          request.requestedBy,
          `${reason ?? ''} (${via})`,
        );
        return result.ok ? { applied: true, diff: result.diff } : { applied: false, issues: result.issues };
      }
    }
  }
}
