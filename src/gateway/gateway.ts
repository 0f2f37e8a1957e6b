import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import { AlpacaBroker, type AlpacaBrokerOptions } from '../broker/alpaca/alpaca-broker.ts';
import type { TradeUpdate } from '../broker/trade-update.ts';
import { RiskEngine } from '../core/engine.ts';
import { type Instrument, stock, UNKNOWN_SECTOR } from '../core/instrument.ts';
import { loadRiskProfile } from '../platform/profile-file.ts';
import { systemClock } from '../platform/system-clock.ts';
import type { CreatedApiKey } from '../store/api-keys.ts';
import { openStore } from '../store/open-store.ts';
import type { PgliteThread } from '../store/pglite-database.ts';
import type { Store } from '../store/store.ts';
import { AlertBus } from './alerts/alert-bus.ts';
import { EventHub } from './alerts/event-hub.ts';
import { WebhookSender } from './alerts/webhook-sender.ts';
import { ApiKeyAuth } from './auth/api-key-auth.ts';
import { SessionStore } from './auth/session-store.ts';
import { checkBarLength } from './config/check-bar-length.ts';
import { type GatewayConfig, GatewayConfigError } from './config/gateway-config.ts';
import type { GatewayContext } from './context.ts';
import { GatewayDurability } from './durability/gateway-durability.ts';
import { openStoreRetrying } from './durability/open-store-retrying.ts';
import {
  EMBEDDED_STATE_FILE,
  EMBEDDED_SYMBOLS,
  type EmbeddedSim,
  startEmbeddedSim,
} from './embedded/embedded-sim.ts';
import { startEmbeddedVix } from './embedded/embedded-vix.ts';
import { buildServer } from './http/build-server.ts';
import { listenStarting } from './http/starting-server.ts';
import { TradeStreamServer } from './http/trade-stream.ts';
import { IndexBook } from './indices/index-book.ts';
import { registerIndexMetrics } from './indices/index-metrics.ts';
import { IndexPoller } from './indices/index-poller.ts';
import { gatewayIndexRules } from './indices/index-rules.ts';
import { ControlProcessor } from './leadership/control-requests.ts';
import { fenceBroker } from './leadership/fenced-broker.ts';
import { FollowerRiskState } from './leadership/follower-risk-state.ts';
import { Leadership, leaseStatementTimeoutMs } from './leadership/leadership.ts';
import { StandbyFollower } from './leadership/standby-follower.ts';
import { GatewayMetrics } from './metrics/gateway-metrics.ts';
import { AccountMonitor } from './monitors/account-monitor.ts';
import { ProtectionMonitor } from './monitors/protection-monitor.ts';
import { Reconciler } from './monitors/reconciler.ts';
import { UnprotectedPositionBreaker } from './monitors/unprotected-breaker.ts';
import { WatchList } from './monitors/watch-list.ts';
import { GreeksLive } from './options/greeks-live.ts';
import { instrumentLookup } from './options/option-instruments.ts';
import { logStateEvent } from './orders/decision-log.ts';
import { OrderFlow } from './orders/order-flow.ts';
import { OrderIndex } from './orders/order-index.ts';
import { TradeUpdateHandler } from './orders/trade-update-handler.ts';
import { isManaged } from './protection/coverage.ts';
import { ProtectionManager } from './protection/protection-manager.ts';
import { type HydrationReport, hydrateEngine } from './risk/hydrate-engine.ts';
import { fileSha256, ProfileService, storedProfileOverride } from './risk/profile-service.ts';
import { onRearm } from './risk/rearm-audit.ts';
import { RiskActor } from './risk/risk-actor.ts';
import { RiskHolder } from './risk/risk-holder.ts';
import type { GatewayServices } from './services.ts';
import type { StartTimings } from './start-timings.ts';

/** How long audit events and equity marks gather before they are committed together, in ms. */
const AUDIT_BATCH_DELAY_MS = 20;

/** Options of {@link startGateway} beyond the configuration. */
export interface StartGatewayOptions {
  readonly config: GatewayConfig;
  /** Where the JSON logs go; default stdout. */
  readonly logDestination?: DestinationStream;
  /** Adapter options to override (tests tune retries and the circuit). */
  readonly brokerOverrides?: Partial<AlpacaBrokerOptions>;
  /** Called once the port is open, before the store and the broker (which may take a while). */
  readonly onListening?: (url: string) => void;
  /** Aborting it gives up a start that is still waiting for the store. */
  readonly signal?: AbortSignal;
  /** Records when each start-up phase ended (diagnostics: RISKGATE_START_TIMINGS=1). */
  readonly timings?: StartTimings;
  /** Which thread runs the embedded store's engine; default a worker thread (benchmarks compare `main`). */
  readonly pgliteThread?: PgliteThread;
}

/** A running gateway. */
export interface RunningGateway {
  /** Base URL of the API, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Base URL of the embedded simulated exchange, when it runs. */
  readonly simUrl: string | undefined;
  readonly sim: EmbeddedSim | undefined;
  readonly services: GatewayServices;
  readonly store: Store;
  /** Keys created for a fresh embedded store (shown once). */
  readonly demoKeys: { readonly trader: CreatedApiKey; readonly riskOfficer: CreatedApiKey } | undefined;
  /** What the last hydration found (empty while this instance has not led). */
  readonly hydration: HydrationReport;
  /** This instance's part in the account's leadership. */
  readonly leadership: Leadership;
  /**
   * Resolves when this instance lost the lead to another one after it had led: close it and
   * start again, as a standby (its in-memory state is the former leader's).
   */
  readonly lost: Promise<string>;
  /** Resolves once this instance leads and accepts orders (at once for a leader). */
  readonly ready: Promise<void>;
  /** Stops accepting requests, stops the monitors, flushes the store, releases the lead, closes the broker. */
  close(): Promise<void>;
}

/** Builds the logger; broker and API secrets are redacted wherever they could appear. */
export function gatewayLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'riskgate' },
    redact: {
      paths: [
        'req.headers["apca-api-secret-key"]',
        'headers["apca-api-secret-key"]',
        'secretKey',
        '*.secretKey',
        'secret',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/**
 * Starts the gateway: store, broker (or the embedded simulated exchange), the engine restored
 * from the store and reconciled with the broker, the monitors and the HTTP API. Orders are
 * accepted only once reconciliation is done (`/readyz`).
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const mark = (phase: string) => options.timings?.mark(phase);
  const log = gatewayLogger(config.logLevel, options.logDestination);
  let profile = await loadRiskProfile(config.profilePath);
  if (profile.mode === 'live' && !config.liveSwitch) {
    throw new GatewayConfigError([
      {
        setting: '--live (RISKGATE_LIVE)',
        problem: 'the profile is in live mode but the live switch is off',
        expected: '--live or RISKGATE_LIVE=I_UNDERSTAND',
      },
    ]);
  }
  checkBarLength(profile, config.monitor.barIntervalMs);
  if (config.broker.kind === 'alpaca' && (config.broker.mode === 'live') !== (profile.mode === 'live')) {
    throw new GatewayConfigError([
      {
        setting: '--alpaca-mode (RISKGATE_ALPACA_MODE)',
        problem: `broker mode ${config.broker.mode} does not match the profile's mode ${profile.mode}`,
        expected: 'the same paper/live choice in both',
      },
    ]);
  }

  // The data directory holds the local journal (even when the store is a server), the embedded
  // store and the embedded exchange's state.
  mkdirSync(config.dataDir, { recursive: true });
  // Listening first: while the store or the broker is awaited, clients get a reason, not a refused connection.
  const starting = await listenStarting(config.host, config.port, 'opening the store');
  options.onListening?.(starting.url);
  mark('profile loaded, listening');
  let store: Store;
  try {
    store = await openStoreRetrying(
      () =>
        openStore({
          ...(config.databaseUrl !== undefined
            ? { databaseUrl: config.databaseUrl, namedStatements: config.namedStatements }
            : { dataDir: join(config.dataDir, 'data') }),
          ...(options.pgliteThread !== undefined ? { pgliteThread: options.pgliteThread } : {}),
          // Audit events and equity marks are never awaited on the order path; gathering them a little
          // longer keeps their commits out of an order's round trip and batches them under load.
          groupCommit: { maxDelayMs: AUDIT_BATCH_DELAY_MS },
          leaseStatementTimeoutMs: leaseStatementTimeoutMs(config.leadership.leaseTtlMs),
        }),
      {
        retry: config.databaseUrl !== undefined,
        log,
        signal: options.signal,
        onWaiting: (reason) => {
          starting.reason = reason;
        },
      },
    );
  } catch (error) {
    await starting.close();
    throw error;
  }
  mark('store opened and migrated');
  starting.reason = 'taking the lead of the account';
  const cleanup: (() => Promise<void>)[] = [() => store.close(), () => starting.close()];
  try {
    // With a server, instances share the account: one leads (lease + fencing epoch), the others
    // follow. The embedded store is one process's, which always leads.
    const leadership = new Leadership({
      instanceId: config.leadership.instanceId,
      lease: store.driver === 'postgres' ? store.lease : undefined,
      ttlMs: config.leadership.leaseTtlMs,
      log,
      setEpoch: (epoch) => {
        store.database.setEpoch(epoch);
        // What this process remembers of its orders holds only while it leads.
        store.orders.forgetKnown();
      },
    });
    await leadership.start();
    cleanup.unshift(() => leadership.stop());
    const leadingAtStart = leadership.role === 'leader';
    mark('leadership');
    starting.reason = 'restoring the engine and reconciling with the broker';
    const durability = new GatewayDurability({ dataDir: config.dataDir, store, log });
    cleanup.unshift(async () => durability.close());
    // Order records journalled while the store was down reach it before the engine is restored.
    if (leadingAtStart) await durability.orders.replay();
    const fileProfile = profile;
    const fileSha = await fileSha256(config.profilePath);
    /** The profile in force: the file's, or one changed through the API since the file last changed. */
    const profileInForce = async () => {
      const persisted = await store.riskState.load();
      const override = storedProfileOverride(persisted.counters, fileSha);
      return override;
    };
    const override = await profileInForce();
    if (override !== null) {
      profile = override.profile;
      log.warn(
        { by: override.by, at: override.at },
        'using the risk profile changed through the API (the file is unchanged since)',
      );
    }
    checkBarLength(profile, config.monitor.barIntervalMs);
    mark('journal replayed, profile in force');
    let sim: EmbeddedSim | undefined;
    const budgets = config.budgets;
    const circuit = {
      failureThreshold: budgets.circuitFailures,
      orderFailureThreshold: budgets.circuitOrderFailures,
      halfOpenAfterMs: budgets.circuitHalfOpenMs,
    };
    let brokerOptions: AlpacaBrokerOptions;
    if (config.broker.kind === 'sim') {
      sim = await startEmbeddedSim({
        seed: config.broker.seed,
        speed: config.broker.speed,
        barIntervalMs: config.monitor.barIntervalMs,
        // The account the percent limits are written for, so the exchange and the engine agree.
        startingCash: profile.startingEquity,
        stateFile: join(config.dataDir, EMBEDDED_STATE_FILE),
        onStateError: (error) => log.error({ error: error.message }, 'embedded exchange state not saved'),
      });
      const exchange = sim.exchange;
      mark('embedded exchange started');
      cleanup.unshift(() => exchange.close());
      brokerOptions = {
        baseUrl: exchange.url,
        keyId: exchange.keyId,
        secretKey: exchange.secretKey,
        // In process, with a limit of its own far above Alpaca's.
        requestsPerMinute: 1_000_000,
        maxConcurrent: 32,
        clientSharePercent: budgets.brokerClientSharePercent,
        circuit,
      };
    } else {
      brokerOptions = {
        baseUrl: config.broker.baseUrl,
        ...(config.broker.dataUrl !== undefined ? { dataUrl: config.broker.dataUrl } : {}),
        keyId: config.broker.keyId,
        secretKey: config.broker.secretKey,
        requestsPerMinute: budgets.brokerRequestsPerMinute,
        clientSharePercent: budgets.brokerClientSharePercent,
        circuit,
      };
    }
    // Nothing reaches the broker that would change anything unless this instance leads now.
    const broker = fenceBroker(new AlpacaBroker({ ...brokerOptions, ...options.brokerOverrides }), () =>
      leadership.canAct(),
    );
    cleanup.unshift(() => broker.close());

    const sectors = profile.sectors;
    const assets = new Map<string, Instrument>();
    for (const a of await broker.listAssets({ status: 'active' })) {
      assets.set(
        a.symbol,
        stock(a.symbol, sectors[a.symbol] ?? UNKNOWN_SECTOR, {
          tradable: a.tradable,
          shortable: a.shortable,
        }),
      );
    }
    const breaker = new UnprotectedPositionBreaker(config.monitor.unprotectedAction);
    // A standby's engine mirrors the stored state and writes nothing; the leader's persists.
    const buildEngine = (p: typeof profile, leading: boolean) =>
      RiskEngine.create({
        profile: p,
        clock: systemClock,
        store: leading ? durability.riskState : new FollowerRiskState(store.riskState),
        // Stocks from the broker's list; option contracts recognised from their OCC symbols.
        instruments: instrumentLookup(assets),
        breakers: [breaker],
        rules: gatewayIndexRules(config, p),
      });
    mark('broker assets listed');
    const engine = await buildEngine(profile, leadingAtStart);
    mark('engine restored');

    const metrics = new GatewayMetrics();
    metrics.observeStore(() => store.counters);
    const hub = new EventHub(config.http.eventBufferSize);
    const webhook =
      config.alerts.webhookUrl === undefined
        ? undefined
        : new WebhookSender({ url: config.alerts.webhookUrl, attempts: config.alerts.webhookAttempts }, log);
    const orders = new OrderIndex();
    const watchList = new WatchList({
      base: sim !== undefined ? Object.keys(EMBEDDED_SYMBOLS) : [],
      needed: function* () {
        // The current engine: a profile change replaces it.
        for (const p of ctx.risk.engine.snapshot().positions) yield p.symbol;
        for (const o of orders.live()) yield o.symbol;
      },
      orderSymbols: config.monitor.watchOrderSymbols,
      dryRunSymbols: config.monitor.watchDryRunSymbols,
    });
    const ctx: GatewayContext = {
      config,
      clock: systemClock,
      log,
      store,
      broker,
      risk: new RiskHolder(engine),
      orders,
      hub,
      alerts: new AlertBus(log, hub, metrics, webhook),
      metrics,
      auth: new ApiKeyAuth(store),
      sessions: new SessionStore(store.apiKeys, config.sessions),
      watchList,
      readiness: { ready: false, reason: 'restoring the engine and reconciling with the broker' },
      durability,
      leadership,
    };
    const manager = new ProtectionManager(ctx);
    const actor = new RiskActor(ctx, manager);
    const flow = new OrderFlow(ctx, (actions) => void actor.handle(actions, 'mark'), manager);
    const trades = new TradeUpdateHandler(ctx, flow, actor);
    const protection = new ProtectionMonitor(ctx, actor, breaker, manager);
    trades.onStopLost = (symbol, at) => protection.stopLost(symbol, at);
    manager.legs.onStopLost = (symbol, at) => protection.stopLost(symbol, at);
    cleanup.unshift(async () => manager.legs.close());
    trades.onApplied = (update, before) => {
      const symbol = update.order.symbol;
      if (update.event === 'fill' || update.event === 'partial_fill') {
        const tracked = ctx.orders.get(update.order.id);
        const after = manager.positionQty(symbol);
        const opened =
          Math.abs(after) > Math.abs(before) + 1e-9 ||
          (before !== 0 && Math.sign(after) === -Math.sign(before));
        if (tracked !== undefined && opened && isManaged(tracked, (id) => ctx.orders.get(id))) {
          ctx.alerts.raise({
            code: 'PROTECTIVE_ORDER_OPENED_POSITION',
            severity: 'critical',
            message: `protective order ${tracked.clientOrderId} filled on a ${before === 0 ? 'flat' : 'smaller or opposite'} position in ${symbol} (${before} → ${after}); the position it opened is closed`,
            data: { symbol, before, after, orderId: tracked.brokerOrderId },
          });
          void actor.closeOpenedByProtection(symbol);
        }
      }
      manager.legs.onUpdate(update);
      manager.schedule(symbol);
    };
    const monitor = new AccountMonitor(ctx, actor, protection, () => watchList.symbols());
    const reconciler = new Reconciler(ctx, trades);
    // Only the leader acts on what a reading triggers; a standby's engine only mirrors.
    const indices = new IndexBook(ctx, (actions, source) =>
      leadership.canAct() ? actor.handle(actions, source) : Promise.resolve(),
    );
    registerIndexMetrics(metrics.registry, indices);
    const profileService = new ProfileService(ctx, [breaker], fileSha, override === null ? 'file' : 'api', {
      rules: (p) => gatewayIndexRules(config, p),
      onSwapped: (next) => indices.replayInto(next),
    });
    const greeks = new GreeksLive(ctx, () => ctx.risk.engine.profile.options?.volatilitySurface);
    monitor.afterQuotes = (quotes) => greeks.afterQuotes(quotes);
    const services: GatewayServices = {
      ctx,
      flow,
      actor,
      protection,
      manager,
      reconciler,
      trades,
      monitor,
      profile: profileService,
      indices,
      greeks,
    };

    ctx.risk.subscribe((event) => {
      if (event.type === 'state') hub.publish('state', event.record, event.record.at);
      if (event.type === 'state') logStateEvent(log, ctx.auth, event);
      if (event.type === 'rearm') onRearm(ctx, event);
    });
    // Store outages and journal failures are alerted; failed writes are retried until they land.
    durability.connect(ctx);
    broker.onCircuitState((state) => {
      monitor.refreshGauges();
      if (state === 'open') {
        ctx.alerts.raise({
          code: 'BROKER_CIRCUIT_OPEN',
          severity: 'critical',
          message: 'the broker failed repeatedly: entries are refused, exits are queued',
        });
      } else log.info({ state }, 'broker circuit state');
    });
    broker.onStreamState((event) =>
      log.info({ state: event.state, attempt: event.attempt }, 'trade stream state'),
    );

    // The API takes over the server that has been answering "starting" since the beginning.
    let handler: Parameters<typeof starting.attach>[0] | undefined;
    const app = buildServer(services, {
      serverFactory: (h) => {
        handler = h;
        return starting.server;
      },
    });
    await app.ready();
    if (handler !== undefined) starting.attach(handler);
    mark('API server built');
    const tradeStream = new TradeStreamServer(ctx.auth, trades);
    app.server.on('upgrade', (request, socket, head) => {
      if (new URL(request.url ?? '/', 'http://x').pathname === '/stream')
        tradeStream.handleUpgrade(request, socket, head);
      else socket.destroy();
    });
    cleanup.unshift(async () => {
      tradeStream.close();
      await app.close();
      await starting.close();
    });
    const url = starting.url;

    let hydration: HydrationReport = {
      positions: 0,
      workingOrders: 0,
      mismatches: [],
      recoveredFills: 0,
      updatedOrders: 0,
    };
    let unsubscribe: () => void = () => undefined;
    const control = new ControlProcessor(services, leadership);
    let demoKeys: RunningGateway['demoKeys'];

    /** Set when shutdown begins: a promotion still under way stops at its next step. */
    let stopping = false;
    const stillRunning = (): void => {
      if (stopping) throw new Error('the gateway is shutting down');
    };
    /** The promotion under way, if any: shutdown waits for it to stop before tearing down. */
    let leading: Promise<void> | undefined;

    /** Everything a restart does before it accepts orders, run when this instance takes the lead. */
    const lead = async (promoted: boolean): Promise<void> => {
      ctx.readiness.ready = false;
      ctx.readiness.reason = 'restoring the engine and reconciling with the broker';
      let engine = ctx.risk.engine;
      if (promoted) {
        // The former leader's writes are all in the store now (its epoch is fenced out): start
        // from them exactly as a restart would, with whatever profile it had in force.
        await durability.orders.replay();
        const changed = await profileInForce();
        engine = await buildEngine(changed?.profile ?? fileProfile, true);
        profileService.source = changed === null ? 'file' : 'api';
        stillRunning();
        ctx.risk.swap(engine);
        indices.replayInto(engine);
      }
      // Updates that arrive while the engine is being restored are applied right after.
      const buffered: TradeUpdate[] = [];
      let live = false;
      unsubscribe = broker.subscribeTradeUpdates((u) => (live ? trades.handle(u) : buffered.push(u)));
      hydration = await hydrateEngine(ctx, engine, buffered);
      stillRunning();
      mark('engine hydrated from the broker');
      if (sim !== undefined) for (const bar of sim.history) engine.onMarket(bar);
      mark('embedded market history replayed');
      for (const m of hydration.mismatches) {
        ctx.alerts.raise({
          code: 'RECONCILIATION_MISMATCH',
          severity: 'warning',
          message: `at start: ${m}; the broker's view was taken`,
        });
      }
      live = true;
      for (const u of buffered.splice(0)) trades.handle(u);

      if (!promoted && config.demoKeys && config.databaseUrl === undefined)
        demoKeys = await createDemoKeys(store);
      mark('demo keys');
      // A kill pulled on any instance while nobody led is carried out before any order.
      await control.drain();
      await monitor.tick();
      mark('first marks and account');
      await reconciler.run();
      mark('reconciled');
      stillRunning();
      monitor.start();
      reconciler.start();
      await control.start();
      ctx.readiness.ready = true;
      ctx.readiness.reason = 'ready';
      mark('ready');
      resolveReady(undefined);
      log.info(
        {
          url,
          positions: hydration.positions,
          workingOrders: hydration.workingOrders,
          state: engine.tradingState,
          instanceId: leadership.instanceId,
          epoch: leadership.epoch,
        },
        'riskgate gateway ready',
      );
    };

    const { promise: ready, resolve: resolveReady } = deferred<void>();
    const { promise: lost, resolve: resolveLost } = deferred<string>();
    leadership.onLost((lease) => {
      const reason = `lost the lead to ${lease?.holder ?? 'another instance'} (epoch ${lease?.epoch ?? '?'})`;
      ctx.readiness.ready = false;
      ctx.readiness.reason = reason;
      resolveLost(reason);
    });

    // Index readings reach every instance's engine: a standby that takes over has them already.
    const indexPoller =
      config.indices.sourceUrl === undefined
        ? undefined
        : new IndexPoller(ctx, indices, config.indices.sourceUrl, config.indices.pollMs);
    if (indexPoller !== undefined) {
      cleanup.unshift(() => indexPoller.stop());
      indexPoller.start();
    } else if (config.broker.kind === 'sim') {
      // The embedded market has no VIX of its own; without one a VIX breaker would deny every entry.
      const stopVix = startEmbeddedVix(indices, config.broker.seed);
      cleanup.unshift(async () => stopVix());
    }

    const follower = new StandbyFollower({
      ctx,
      leadership,
      mirror: async () => buildEngine((await profileInForce())?.profile ?? fileProfile, false),
      onMirror: (mirror) => indices.replayInto(mirror),
    });
    if (leadingAtStart) await lead(false);
    else {
      // Follow the leader's state for reads until this instance takes the lead.
      await follower.start();
      leadership.onPromoted(() => {
        follower.stop();
        leading = lead(true).catch((error: unknown) => {
          unsubscribe();
          if (stopping) return;
          log.error({ error: String(error) }, 'taking the lead failed: stepping down');
          ctx.readiness.ready = false;
          ctx.readiness.reason = `taking the lead failed: ${String(error)}`;
          resolveLost(ctx.readiness.reason);
        });
      });
      // Only now may this standby take the lead: whatever a promotion must do is in place.
      leadership.contend();
      log.info(
        {
          url,
          instanceId: leadership.instanceId,
          leader: leadership.view().leaderId,
          epoch: leadership.view().epoch,
        },
        'riskgate gateway standby',
      );
    }

    let closing: Promise<void> | undefined;
    return {
      url,
      simUrl: sim?.exchange.url,
      sim,
      services,
      store,
      get demoKeys() {
        return demoKeys;
      },
      get hydration() {
        return hydration;
      },
      leadership,
      lost,
      ready,
      close() {
        stopping = true;
        closing ??= (async () => {
          ctx.readiness.ready = false;
          ctx.readiness.reason = 'shutting down';
          follower.stop();
          // A promotion under way stops at its next step; nothing it started may outlive the close.
          await Promise.race([leading, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
          unsubscribe();
          await control.stop();
          unsubscribe();
          reconciler.stop();
          await indexPoller?.stop();
          await monitor.stop();
          // Work behind an open broker circuit may wait long; shutdown does not wait for it.
          await Promise.race([manager.idle(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
          await trades.drain();
          await ctx.risk.engine.flush();
          // Batched acknowledgements, status changes, fills and audit events are committed too.
          await store.flush();
          // Once everything this instance wrote is in the store, a standby may take over at once.
          await leadership.stop();
          await webhook?.close();
          for (const step of cleanup)
            await step().catch((error: unknown) =>
              log.error({ error: String(error) }, 'shutdown step failed'),
            );
          log.info('riskgate gateway stopped');
          log.flush();
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const step of cleanup) await step().catch(() => undefined);
    throw error;
  }
}

/** Demo keys for a fresh embedded store (none when it has keys already): shown once by the banner. */
async function createDemoKeys(store: Store): Promise<RunningGateway['demoKeys']> {
  if ((await store.apiKeys.list()).length > 0) return undefined;
  const at = Date.now();
  return {
    trader: await store.apiKeys.create({ role: 'trader', label: 'demo trader', by: 'riskgate serve', at }),
    riskOfficer: await store.apiKeys.create({
      role: 'risk-officer',
      label: 'demo risk officer',
      by: 'riskgate serve',
      at,
    }),
  };
}

/** A promise with its resolve function. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
