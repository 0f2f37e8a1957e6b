import { resolveLimit } from '../../core/rules/limits.ts';
import type { GatewayServices } from '../services.ts';

interface LimitView {
  readonly name: string;
  /** Current value in dollars (or a count). */
  readonly value: number;
  readonly limit: number;
  /** limit − value; negative when over. */
  readonly headroom: number;
}

function limitView(name: string, value: number, limit: number): LimitView | null {
  return Number.isFinite(limit) ? { name, value, limit, headroom: limit - value } : null;
}

/**
 * The full risk state as `/v1/state` returns it: trading state and why, each breaker and limit
 * with its value and headroom, exposures, P&L, peak and day-start equity, working orders,
 * positions with their protection, and the health of the store and the broker.
 */
export async function riskStateView(services: GatewayServices): Promise<Record<string, unknown>> {
  const { ctx, protection, reconciler, monitor } = services;
  const engine = ctx.risk.engine;
  const snap = engine.snapshot();
  const profile = engine.profile;
  const basis = snap.exposure.basis;
  const b = profile.breakers;
  const dayStart = snap.dayStart?.equity ?? Number.NaN;
  const limits = [
    b.dailyLoss &&
      limitView(
        'breakers.dailyLoss',
        Math.max(0, dayStart - snap.equity),
        resolveLimit(b.dailyLoss, Number.isFinite(dayStart) ? dayStart : snap.equity),
      ),
    b.equityFloor && {
      name: 'breakers.equityFloor',
      value: snap.equity,
      limit: b.equityFloor.usd,
      headroom: snap.equity - b.equityFloor.usd,
    },
    b.maxDrawdown && limitView('breakers.maxDrawdown (percent)', snap.drawdownPercent, b.maxDrawdown.percent),
    profile.exposure.gross &&
      limitView('exposure.gross', snap.exposure.gross, resolveLimit(profile.exposure.gross, basis)),
    profile.exposure.net &&
      limitView('exposure.net', snap.exposure.net, resolveLimit(profile.exposure.net, basis)),
    profile.positions.maxOpen !== undefined &&
      limitView('positions.maxOpen', snap.positions.length, profile.positions.maxOpen),
    ...Object.entries(snap.exposure.bySymbol).map(
      ([symbol, value]) =>
        profile.exposure.symbol &&
        limitView(`exposure.symbol.${symbol}`, value, resolveLimit(profile.exposure.symbol, basis)),
    ),
    ...Object.entries(snap.exposure.bySector).map(
      ([sector, value]) =>
        profile.exposure.sector &&
        limitView(`exposure.sector.${sector}`, value, resolveLimit(profile.exposure.sector, basis)),
    ),
  ].filter((l): l is LimitView => typeof l === 'object' && l !== null);
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
