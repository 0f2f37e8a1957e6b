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
import type { Store } from '../store/store.ts';
import { AlertBus } from './alerts/alert-bus.ts';
import { EventHub } from './alerts/event-hub.ts';
import { WebhookSender } from './alerts/webhook-sender.ts';
import { ApiKeyAuth } from './auth/api-key-auth.ts';
import { type GatewayConfig, GatewayConfigError } from './config/gateway-config.ts';
import type { GatewayContext } from './context.ts';
import { EMBEDDED_SYMBOLS, type EmbeddedSim, startEmbeddedSim } from './embedded/embedded-sim.ts';
import { buildServer } from './http/build-server.ts';
import { TradeStreamServer } from './http/trade-stream.ts';
import { GatewayMetrics } from './metrics/gateway-metrics.ts';
import { AccountMonitor } from './monitors/account-monitor.ts';
import { ProtectionMonitor } from './monitors/protection-monitor.ts';
import { Reconciler } from './monitors/reconciler.ts';
import { UnprotectedPositionBreaker } from './monitors/unprotected-breaker.ts';
import { OrderFlow } from './orders/order-flow.ts';
import { OrderIndex } from './orders/order-index.ts';
import { TradeUpdateHandler } from './orders/trade-update-handler.ts';
import { type HydrationReport, hydrateEngine } from './risk/hydrate-engine.ts';
import { fileSha256, ProfileService, storedProfileOverride } from './risk/profile-service.ts';
import { RiskActor } from './risk/risk-actor.ts';
import { RiskHolder } from './risk/risk-holder.ts';
import type { GatewayServices } from './services.ts';

/** How long audit events and equity marks gather before they are committed together, in ms. */
const AUDIT_BATCH_DELAY_MS = 20;

/** Options of {@link startGateway} beyond the configuration. */
export interface StartGatewayOptions {
  readonly config: GatewayConfig;
  /** Where the JSON logs go; default stdout. */
  readonly logDestination?: DestinationStream;
  /** Adapter options to override (tests tune retries and the circuit). */
  readonly brokerOverrides?: Partial<AlpacaBrokerOptions>;
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
  readonly hydration: HydrationReport;
  /** Stops accepting requests, stops the monitors, flushes the store, closes the broker. */
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
  if (config.broker.kind === 'alpaca' && (config.broker.mode === 'live') !== (profile.mode === 'live')) {
    throw new GatewayConfigError([
      {
        setting: '--alpaca-mode (RISKGATE_ALPACA_MODE)',
        problem: `broker mode ${config.broker.mode} does not match the profile's mode ${profile.mode}`,
        expected: 'the same paper/live choice in both',
      },
    ]);
  }

  if (config.databaseUrl === undefined) mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore({
    ...(config.databaseUrl !== undefined
      ? { databaseUrl: config.databaseUrl }
      : { dataDir: join(config.dataDir, 'data') }),
    // Audit events and equity marks are never awaited on the order path; gathering them a little
    // longer keeps their commits out of an order's round trip and batches them under load.
    groupCommit: { maxDelayMs: AUDIT_BATCH_DELAY_MS },
  });
  const cleanup: (() => Promise<void>)[] = [() => store.close()];
  try {
    const fileSha = await fileSha256(config.profilePath);
    const persisted = await store.riskState.load();
    const override = storedProfileOverride(persisted.counters, fileSha);
    if (override !== null) {
      profile = override.profile;
      log.warn(
        { by: override.by, at: override.at },
        'using the risk profile changed through the API (the file is unchanged since)',
      );
    }
    let sim: EmbeddedSim | undefined;
    let brokerOptions: AlpacaBrokerOptions;
    if (config.broker.kind === 'sim') {
      sim = await startEmbeddedSim({
        seed: config.broker.seed,
        speed: config.broker.speed,
        barIntervalMs: config.monitor.barIntervalMs,
        // The account the percent limits are written for, so the exchange and the engine agree.
        startingCash: profile.startingEquity,
      });
      const exchange = sim.exchange;
      cleanup.unshift(() => exchange.close());
      brokerOptions = {
        baseUrl: exchange.url,
        keyId: exchange.keyId,
        secretKey: exchange.secretKey,
        requestsPerMinute: 1_000_000,
        maxConcurrent: 32,
      };
    } else {
      brokerOptions = {
        baseUrl: config.broker.baseUrl,
        ...(config.broker.dataUrl !== undefined ? { dataUrl: config.broker.dataUrl } : {}),
        keyId: config.broker.keyId,
        secretKey: config.broker.secretKey,
      };
    }
    const broker = new AlpacaBroker({ ...brokerOptions, ...options.brokerOverrides });
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
    const breaker = new UnprotectedPositionBreaker();
    const engine = await RiskEngine.create({
      profile,
      clock: systemClock,
      store: store.riskState,
      instruments: (symbol) => assets.get(symbol),
      breakers: [breaker],
    });

    const metrics = new GatewayMetrics();
    const hub = new EventHub();
    const webhook =
      config.alerts.webhookUrl === undefined
        ? undefined
        : new WebhookSender({ url: config.alerts.webhookUrl, attempts: config.alerts.webhookAttempts }, log);
    const ctx: GatewayContext = {
      config,
      clock: systemClock,
      log,
      store,
      broker,
      risk: new RiskHolder(engine),
      orders: new OrderIndex(),
      hub,
      alerts: new AlertBus(log, hub, metrics, webhook),
      metrics,
      auth: new ApiKeyAuth(store),
      readiness: { ready: false, reason: 'restoring the engine and reconciling with the broker' },
    };
    const actor = new RiskActor(ctx);
    const flow = new OrderFlow(ctx, (actions) => void actor.handle(actions, 'mark'));
    const trades = new TradeUpdateHandler(ctx, flow, actor);
    const protection = new ProtectionMonitor(ctx, actor, breaker);
    trades.onStopLost = (symbol) => protection.stopLost(symbol);
    const watched = sim !== undefined ? Object.keys(EMBEDDED_SYMBOLS) : [];
    const monitor = new AccountMonitor(ctx, actor, protection, () => [...watched, ...flow.watched]);
    const reconciler = new Reconciler(ctx, trades);
    const profileService = new ProfileService(ctx, [breaker], fileSha, override === null ? 'file' : 'api');
    const services: GatewayServices = {
      ctx,
      flow,
      actor,
      protection,
      reconciler,
      trades,
      monitor,
      profile: profileService,
    };

    ctx.risk.subscribe((event) => {
      if (event.type === 'state') hub.publish('state', event.record, event.record.at);
      if (event.type === 'store-error') {
        ctx.alerts.raise({
          code: 'STORE_UNAVAILABLE',
          severity: 'critical',
          message: `risk state could not be persisted: ${String(event.error)}`,
        });
      }
    });
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

    const app = buildServer(services);
    const tradeStream = new TradeStreamServer(ctx.auth, trades);
    app.server.on('upgrade', (request, socket, head) => {
      if (new URL(request.url ?? '/', 'http://x').pathname === '/stream')
        tradeStream.handleUpgrade(request, socket, head);
      else socket.destroy();
    });
    await app.listen({ host: config.host, port: config.port });
    cleanup.unshift(async () => {
      tradeStream.close();
      await app.close();
    });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

    // Updates that arrive while the engine is being restored are applied right after.
    const buffered: TradeUpdate[] = [];
    let live = false;
    const unsubscribe = broker.subscribeTradeUpdates((u) => (live ? trades.handle(u) : buffered.push(u)));
    const hydration = await hydrateEngine(ctx, engine, buffered);
    if (sim !== undefined) for (const bar of sim.history) engine.onMarket(bar);
    for (const m of hydration.mismatches) {
      ctx.alerts.raise({
        code: 'RECONCILIATION_MISMATCH',
        severity: 'warning',
        message: `at start: ${m}; the broker's view was taken`,
      });
    }
    live = true;
    for (const u of buffered.splice(0)) trades.handle(u);

    let demoKeys: RunningGateway['demoKeys'];
    if (config.demoKeys && config.databaseUrl === undefined && (await store.apiKeys.list()).length === 0) {
      const at = Date.now();
      demoKeys = {
        trader: await store.apiKeys.create({
          role: 'trader',
          label: 'demo trader',
          by: 'riskgate serve',
          at,
        }),
        riskOfficer: await store.apiKeys.create({
          role: 'risk-officer',
          label: 'demo risk officer',
          by: 'riskgate serve',
          at,
        }),
      };
    }
    await monitor.tick();
    await reconciler.run();
    monitor.start();
    reconciler.start();
    ctx.readiness.ready = true;
    ctx.readiness.reason = 'ready';
    log.info(
      {
        url,
        positions: hydration.positions,
        workingOrders: hydration.workingOrders,
        state: engine.tradingState,
      },
      'riskgate gateway ready',
    );

    let closing: Promise<void> | undefined;
    return {
      url,
      simUrl: sim?.exchange.url,
      sim,
      services,
      store,
      demoKeys,
      hydration,
      close() {
        closing ??= (async () => {
          ctx.readiness.ready = false;
          ctx.readiness.reason = 'shutting down';
          unsubscribe();
          reconciler.stop();
          await monitor.stop();
          await trades.drain();
          await ctx.risk.engine.flush();
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
