import type { GatewayServices } from '../services.ts';
import { riskLimits } from './risk-limits.ts';

/**
 * The full risk state as `/v1/state` returns it: trading state and why, each breaker and limit
 * with its value and headroom, exposures, P&L, peak and day-start equity, working orders,
 * positions with their protection, and the health of the store and the broker.
 */
export async function riskStateView(services: GatewayServices): Promise<Record<string, unknown>> {
  const { ctx, protection, reconciler, monitor } = services;
  const engine = ctx.risk.engine;
  const snap = engine.snapshot();
  // The public fields only: the subject is for readers that group limits (the gauges).
  const limits = riskLimits(snap, engine.profile).map(({ name, value, limit, headroom }) => ({
    name,
    value,
    limit,
    headroom,
  }));
  const protections = new Map(protection.report().map((p) => [p.symbol, p]));
  const storeHealth = await ctx.store
    .health()
    .catch((error: unknown) => ({ available: false, error: String(error) }));
  return {
    time: snap.time,
    mode: snap.mode,
    ready: ctx.readiness.ready,
    instance: ctx.leadership.view(),
    tradingState: snap.tradingState,
    pause: snap.pause,
    breakers: [
      ...snap.breakers.map((br) => ({
        ...br,
        trip: snap.trippedBreakers.find((t) => t.breakerId === br.id) ?? null,
      })),
      ...snap.trippedBreakers
        .filter((t) => !snap.breakers.some((br) => br.id === t.breakerId))
        .map((t) => ({ id: t.breakerId, code: t.code, action: t.action, tripped: true, trip: t })),
    ],
    limits,
    equity: snap.equity,
    cash: snap.cash,
    buyingPower: snap.buyingPower,
    peakEquity: snap.peakEquity,
    dayStart: snap.dayStart,
    pnl: { daily: snap.dailyPnl, drawdownPercent: snap.drawdownPercent },
    exposure: snap.exposure,
    workingOrders: snap.workingOrders,
    positions: snap.positions.map((p) => ({
      symbol: p.symbol,
      qty: p.qty,
      avgPrice: p.avgPrice,
      lastPrice: p.lastPrice,
      unrealizedPnl: (p.lastPrice - p.avgPrice) * p.qty,
      stop: p.stop ?? null,
      target: p.target ?? null,
      protection: protections.get(p.symbol) ?? { status: 'unprotected' },
    })),
    disabledStrategies: snap.disabledStrategies,
    indices: services.indices.stateView(Date.now()),
    health: {
      store: { ...storeHealth, engineWritesOk: snap.storeAvailable },
      durability: ctx.durability.status(),
      broker: {
        circuit: ctx.broker.circuitState ?? 'closed',
        lastPollAt: monitor.lastTickAt || null,
        lastPollError: monitor.lastError,
      },
      reconciliation: { lastRunAt: reconciler.lastRunAt || null, mismatches: reconciler.lastMismatches },
    },
    profileSource: services.profile.source,
    // Totals and underlyings only; `/v1/greeks` has the positions, expiries and limits.
    greeks: snap.greeks ?? null,
  };
}
