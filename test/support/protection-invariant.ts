/**
 * The PROTECTION INVARIANT, read from the simulated exchange's own state:
 *
 * 1. every non-flat position has live stop-type orders on its closing side whose remaining
 *    quantity sums to exactly |qty| (normally one stop; the count is reported), or else the
 *    gateway reports the position inside its grace period with the fallback monitor armed;
 * 2. no flat symbol has a live stop-type or gateway-owned order (orphans);
 * 3. live closing-side orders never hold more than |qty| (over-coverage could flip the position),
 *    and no stop-type or gateway-owned order rests on a position's opening side;
 * 4. no protective execution (gateway-owned, stop-type, or an exit leg) ever opened, enlarged or
 *    flipped a position (from the exchange's fill history, see {@link FillLog}).
 *
 * Protection is re-established asynchronously, so {@link settledInvariant} polls (bounded) until
 * the invariant holds; it never asserts how long that took.
 */
import type { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import type { SimOrder } from '../../src/broker/sim/sim-order.ts';
import { describeOrder, type PositionCoverage, readExchange } from './exchange-view.ts';
import { fillLog } from './fill-log.ts';

/** What the checker needs of a rig: the exchange, and HTTP to the gateway (for `/v1/state`). */
export interface InvariantRig {
  readonly sim: SimExchange;
  // biome-ignore lint/suspicious/noExplicitAny: the gateway's JSON is read loosely
  http(method: string, path: string): Promise<{ status: number; body: any }>;
  readonly gateway?: { readonly services?: { readonly ctx?: { readonly config?: unknown } } };
}

/** Options of the checks. */
export interface InvariantOptions {
  /** The gateway's grace period, ms; read from the gateway's config when omitted (else 1500). */
  readonly graceMs?: number;
  /** How long {@link settledInvariant} polls, ms; default 80 % of the grace period. */
  readonly timeoutMs?: number;
  /**
   * Count the bot's working non-stop exits (e.g. a limit sell) towards coverage. Default false:
   * strict, every share needs a stop (a limit exit then needs an OCO stop).
   */
  readonly exitsCountAsCoverage?: boolean;
  /**
   * Runs before each poll of {@link settledReport}, e.g. to re-quote symbols with resting market
   * orders: the simulated exchange matches only on quotes, where a real market trades on.
   */
  readonly beforeCheck?: () => void;
}

/** The gateway's view of one position's protection (the shape of `/v1/state`). */
interface GatewayProtection {
  readonly qty: number;
  readonly status: string;
  readonly unprotectedSince: number | null;
}

/** The outcome of one check. */
export interface InvariantReport {
  readonly ok: boolean;
  readonly violations: readonly string[];
  /** Per non-flat position: symbol, qty, how many stops and how many shares they cover. */
  readonly positions: ReadonlyArray<{ symbol: string; qty: number; stops: number; stopQty: number }>;
  /** Live protective orders on flat symbols. */
  readonly orphanOrders: number;
}

/** Thrown by {@link settledInvariant} when the invariant did not hold by the deadline. */
export class ProtectionInvariantError extends Error {
  constructor(readonly report: InvariantReport) {
    super(`protection invariant violated:\n  - ${report.violations.join('\n  - ')}`);
    this.name = 'ProtectionInvariantError';
  }
}

/** The grace period of the rig's gateway, ms. */
export function graceOf(rig: InvariantRig, options: InvariantOptions = {}): number {
  if (options.graceMs !== undefined) return options.graceMs;
  const config = rig.gateway?.services?.ctx?.config as { monitor?: { stopGraceMs?: number } } | undefined;
  return config?.monitor?.stopGraceMs ?? 1_500;
}

/** Checks the state invariants (1–3) once, now. The fill history (4) is left to the caller. */
export async function checkProtectionInvariant(
  rig: InvariantRig,
  options: InvariantOptions = {},
): Promise<InvariantReport> {
  const graceMs = graceOf(rig, options);
  const gateway = await gatewayProtection(rig);
  const view = readExchange(rig.sim); // after the await: the exchange is read as of now
  const now = Date.now();
  const violations: string[] = [];
  for (const p of view.positions) {
    violations.push(...positionViolations(p, gateway, now, graceMs, options.exitsCountAsCoverage ?? false));
  }
  for (const o of view.orphans) violations.push(`${o.symbol} is flat but has a live ${describeOrder(o)}`);
  return {
    ok: violations.length === 0,
    violations,
    positions: view.positions.map((p) => ({
      symbol: p.symbol,
      qty: p.qty,
      stops: p.stops.length,
      stopQty: p.stopQty,
    })),
    orphanOrders: view.orphans.length,
  };
}

function positionViolations(
  p: PositionCoverage,
  gateway: Map<string, GatewayProtection> | string,
  now: number,
  graceMs: number,
  exitsCount: boolean,
): string[] {
  const out: string[] = [];
  const size = Math.abs(p.qty);
  const label = `${p.symbol} ${p.qty > 0 ? 'long' : 'short'} ${size}`;
  const orders = (list: readonly SimOrder[]) =>
    list.length === 0 ? 'none' : list.map(describeOrder).join('; ');
  const covered = p.stopQty + (exitsCount ? p.otherExitQty : 0);
  if (Math.abs(covered - size) > 1e-9) {
    const excuse = fallbackExcuse(p, gateway, now, graceMs);
    if (excuse === undefined) {
      out.push(
        `${label}: live stops cover ${p.stopQty} of ${size} shares (${p.stops.length} stop(s)); gateway says ${gatewaySays(p.symbol, gateway, now)}; closing-side orders: ${orders(p.closingOrders)}`,
      );
    }
  }
  if (p.closingQty > size + 1e-9) {
    out.push(
      `${label}: closing-side orders hold ${p.closingQty} > ${size} shares (could flip it): ${orders(p.closingOrders)}`,
    );
  }
  for (const o of p.openingProtective)
    out.push(`${label}: protective order on the opening side: ${describeOrder(o)}`);
  return out;
}

/** Undefined unless the gateway shows the position inside its grace with the fallback armed. */
function fallbackExcuse(
  p: PositionCoverage,
  gateway: Map<string, GatewayProtection> | string,
  now: number,
  graceMs: number,
): string | undefined {
  if (typeof gateway === 'string') return undefined;
  const g = gateway.get(p.symbol);
  if (g === undefined || g.status !== 'protected_by_fallback' || Math.abs(g.qty - p.qty) > 1e-9)
    return undefined;
  if (g.unprotectedSince !== null && now - g.unprotectedSince > graceMs) return undefined;
  return 'fallback armed within the grace';
}

function gatewaySays(symbol: string, gateway: Map<string, GatewayProtection> | string, now: number): string {
  if (typeof gateway === 'string') return gateway;
  const g = gateway.get(symbol);
  if (g === undefined) return 'no position';
  const since = g.unprotectedSince === null ? '' : ` for ${now - g.unprotectedSince} ms`;
  return `qty=${g.qty} ${g.status}${since}`;
}

/** The gateway's protection per symbol, or a message when `/v1/state` could not be read. */
async function gatewayProtection(rig: InvariantRig): Promise<Map<string, GatewayProtection> | string> {
  try {
    const response = await rig.http('GET', '/v1/state');
    if (response.status !== 200) return `/v1/state answered ${response.status}`;
    const positions = (response.body?.positions ?? []) as Array<{
      symbol: string;
      qty: number;
      protection?: { status?: string; unprotectedSince?: number | null };
    }>;
    return new Map(
      positions.map((p) => [
        p.symbol,
        {
          qty: Number(p.qty),
          status: p.protection?.status ?? 'unknown',
          unprotectedSince: p.protection?.unprotectedSince ?? null,
        },
      ]),
    );
  } catch (error) {
    return `/v1/state unreadable: ${String(error)}`;
  }
}

/**
 * Polls until the state invariants hold twice in a row (50 ms apart) or `timeoutMs` elapses,
 * then adds the protective executions recorded since the previous call. Returns the report
 * when everything holds; throws {@link ProtectionInvariantError} naming every violation otherwise.
 */
export async function settledInvariant(
  rig: InvariantRig,
  options: InvariantOptions = {},
): Promise<InvariantReport> {
  const report = await settledReport(rig, options);
  if (!report.ok) throw new ProtectionInvariantError(report);
  return report;
}

/** As {@link settledInvariant}, but returns the report (with its violations) instead of throwing. */
export async function settledReport(
  rig: InvariantRig,
  options: InvariantOptions = {},
): Promise<InvariantReport> {
  const log = fillLog(rig.sim);
  const timeoutMs = options.timeoutMs ?? Math.round(graceOf(rig, options) * 0.8);
  const deadline = Date.now() + timeoutMs;
  let previousOk = false;
  let report: InvariantReport;
  for (;;) {
    options.beforeCheck?.();
    report = await checkProtectionInvariant(rig, options);
    if (report.ok && previousOk) break;
    if (Date.now() > deadline) break;
    previousOk = report.ok;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const history = log.takeViolations();
  if (history.length === 0) return report;
  return { ...report, ok: false, violations: [...report.violations, ...history] };
}
