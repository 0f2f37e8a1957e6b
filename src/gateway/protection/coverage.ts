import type { Side } from '../../core/side.ts';
import type { TrackedOrder } from '../orders/order-index.ts';

/** Client order id prefix of the protective orders the gateway places itself. */
export const PROTECTIVE_ID_PREFIX = 'rgstop';

const STOP_TYPES: ReadonlySet<string> = new Set(['stop', 'stop_limit', 'trailing_stop']);

/** True for the order types that protect a position by triggering on a price. */
export function isStopType(type: string): boolean {
  return STOP_TYPES.has(type);
}

/**
 * Orders on the closing side of one position that act together: a lone order, or the exit legs
 * of one bracket/OTO entry, or the two halves of an OCO. A group holds the largest remaining
 * quantity of its members (the broker fills only one of them) and covers with its stop.
 */
export interface ExitGroup {
  /** Broker id of the group's root: the OCO parent, the bracket's entry, or the lone order. */
  readonly key: string;
  readonly members: readonly TrackedOrder[];
  /** True when the gateway manages the group: its own protection, or the exit legs of an entry. */
  readonly owned: boolean;
  /** Shares the group holds at the broker. */
  readonly held: number;
  /** Shares its stop member covers. */
  readonly stopCover: number;
  /** Stop level of its stop member, in dollars. */
  readonly stopPrice: number | undefined;
}

/** How one position is covered at the broker, from the gateway's view of the orders. */
export interface Coverage {
  /** Side that reduces the position. */
  readonly closingSide: Side;
  readonly groups: readonly ExitGroup[];
  /** Groups the gateway manages (normally at most one). */
  readonly owned: readonly ExitGroup[];
  /** Shares held by the bot's own exit orders, which the gateway leaves alone. */
  readonly heldByBot: number;
  /** Shares every live stop covers, whoever placed it. */
  readonly stopCover: number;
  /** Shares the gateway's own groups hold and cover. */
  readonly ownedHeld: number;
  readonly ownedStopCover: number;
  /** Gateway-managed orders that would open or increase a position (wrong side, or the symbol is flat). */
  readonly strays: readonly TrackedOrder[];
}

/** The facts {@link computeCoverage} needs about the orders of one symbol. */
export interface CoverageInput {
  /** Signed position in shares. */
  readonly positionQty: number;
  /**
   * Live orders of the symbol, legs included; those that count for nothing (see
   * `OrderIndex.coverageCandidates`) may be left out.
   */
  readonly live: readonly TrackedOrder[];
  /** Looks up any order, live or not, by broker id (to find a leg's parent). */
  readonly get: (brokerOrderId: string) => TrackedOrder | undefined;
}

const EPSILON = 1e-9;

function remaining(o: TrackedOrder): number {
  return Math.max(0, o.qty - o.filledQty);
}

/** True when an order is (part of) protection the gateway manages. */
export function isManaged(o: TrackedOrder, get: CoverageInput['get']): boolean {
  if (o.clientOrderId.startsWith(PROTECTIVE_ID_PREFIX)) return true;
  if (o.parentId === undefined) return false;
  const parent = get(o.parentId);
  if (parent === undefined) return false;
  if (parent.clientOrderId.startsWith(PROTECTIVE_ID_PREFIX)) return true;
  // The exit legs of an entry bracket/OTO become the position's protection once the entry fills.
  return parent.side !== o.side;
}

/**
 * True for an exit leg of an entry that has not filled: it protects and holds nothing yet, and
 * is no stray either (it goes with its entry).
 */
export function isDormantLeg(o: TrackedOrder, get: CoverageInput['get']): boolean {
  if (o.parentId === undefined) return false;
  const parent = get(o.parentId);
  return parent !== undefined && parent.side !== o.side && parent.status !== 'filled';
}

/** The side that reduces a position of signed quantity `qty`; undefined when it is flat. */
export function closingSideOf(qty: number): Side | undefined {
  if (Math.abs(qty) <= EPSILON) return undefined;
  return qty > 0 ? 'sell' : 'buy';
}

/**
 * Groups the live orders of a symbol into exits and says how much of the position they hold and
 * cover. Pure: the protection manager decides what to cancel or place from this.
 */
export function computeCoverage(input: CoverageInput): Coverage {
  const closing = closingSideOf(input.positionQty);
  // A flat symbol's closing side is taken as a buy's, as the side to report.
  const closingSide: Side = closing ?? 'buy';
  const strays: TrackedOrder[] = [];
  const byKey = new Map<string, TrackedOrder[]>();
  for (const o of input.live) {
    if (isDormantLeg(o, input.get)) continue;
    if (o.side !== closing) {
      // A managed order on a flat symbol or on the opening side can only open a position.
      if (isManaged(o, input.get)) strays.push(o);
      continue;
    }
    const key = o.parentId ?? o.brokerOrderId;
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [o]);
    else list.push(o);
  }
  const groups: ExitGroup[] = [];
  for (const [key, members] of byKey) {
    const stop = members.find((m) => isStopType(m.type));
    groups.push({
      key,
      members,
      owned: members.every((m) => isManaged(m, input.get)),
      held: Math.max(...members.map(remaining)),
      stopCover: stop === undefined ? 0 : remaining(stop),
      stopPrice: stop?.stopPrice,
    });
  }
  const owned = groups.filter((g) => g.owned);
  const sum = (list: readonly ExitGroup[], pick: (g: ExitGroup) => number) =>
    list.reduce((total, g) => total + pick(g), 0);
  return {
    closingSide,
    groups,
    owned,
    heldByBot: sum(
      groups.filter((g) => !g.owned),
      (g) => g.held,
    ),
    stopCover: sum(groups, (g) => g.stopCover),
    ownedHeld: sum(owned, (g) => g.held),
    ownedStopCover: sum(owned, (g) => g.stopCover),
    strays,
  };
}
