import type { Side } from '../../core/side.ts';
import type { WireAccount, WirePosition } from '../wire/account-wire.ts';
import { assetClassOf } from '../wire/asset-class.ts';
import { numberToDecimal } from '../wire/decimal.ts';

/** Units of the underlying per unit of quantity: 100 for an option contract, 1 for anything else. */
export function contractMultiplier(symbol: string): number {
  return assetClassOf(symbol) === 'us_option' ? 100 : 1;
}

/** One position held by the simulated account. */
interface Holding {
  /** Signed quantity in shares. */
  qty: number;
  /** Average entry price in dollars. */
  avgEntry: number;
  /** First price seen for the symbol, the stand-in for yesterday's close. */
  lastdayPrice: number | undefined;
}

/** The money and positions of a {@link Ledger}, as saved between runs (dollars and shares). */
export interface LedgerSnapshot {
  readonly cash: number;
  /** Equity at the start, reported as `last_equity`. */
  readonly startEquity: number;
  readonly holdings: readonly {
    readonly symbol: string;
    readonly qty: number;
    readonly avgEntry: number;
    readonly lastdayPrice: number | undefined;
  }[];
}

/** Options of {@link Ledger}. */
export interface LedgerOptions {
  /** Starting cash in dollars. Default 100 000. */
  readonly cash?: number;
  /** Margin multiplier: 1 means cash-based buying power. Default 1. */
  readonly multiplier?: number;
  readonly shortingEnabled?: boolean;
  readonly accountId?: string;
}

/** Money and positions of the simulated account; prices come from a marking function. */
export class Ledger {
  #cash: number;
  #startEquity: number;
  readonly multiplier: number;
  readonly shortingEnabled: boolean;
  readonly accountId: string;
  readonly #holdings = new Map<string, Holding>();

  constructor(options: LedgerOptions = {}) {
    this.#cash = options.cash ?? 100_000;
    this.#startEquity = this.#cash;
    this.multiplier = options.multiplier ?? 1;
    this.shortingEnabled = options.shortingEnabled ?? true;
    this.accountId = options.accountId ?? '5a1e0000-0000-4000-8000-000000000001';
  }

  get cash(): number {
    return this.#cash;
  }

  /** The account's money and positions, for saving. */
  snapshot(): LedgerSnapshot {
    return {
      cash: this.#cash,
      startEquity: this.#startEquity,
      holdings: [...this.#holdings].map(([symbol, h]) => ({ symbol, ...h })),
    };
  }

  /** Replaces the account's money and positions with saved ones. */
  restore(snapshot: LedgerSnapshot): void {
    this.#cash = snapshot.cash;
    this.#startEquity = snapshot.startEquity;
    this.#holdings.clear();
    for (const h of snapshot.holdings) {
      if (h.qty === 0) continue;
      this.#holdings.set(h.symbol, { qty: h.qty, avgEntry: h.avgEntry, lastdayPrice: h.lastdayPrice });
    }
  }

  /** Signed position in shares; 0 when flat. */
  positionQty(symbol: string): number {
    return this.#holdings.get(symbol)?.qty ?? 0;
  }

  symbols(): string[] {
    return [...this.#holdings.keys()];
  }

  /** Books an execution: cash moves by the trade value, the average entry follows the position. */
  applyFill(symbol: string, side: Side, qty: number, price: number): number {
    const signed = side === 'buy' ? qty : -qty;
    // Option prices are per unit of underlying: a contract costs price × 100.
    this.#cash -= signed * price * contractMultiplier(symbol);
    const holding = this.#holdings.get(symbol) ?? { qty: 0, avgEntry: 0, lastdayPrice: price };
    const next = holding.qty + signed;
    if (holding.qty === 0 || Math.sign(holding.qty) === Math.sign(signed)) {
      holding.avgEntry = (holding.avgEntry * Math.abs(holding.qty) + price * qty) / Math.abs(next);
    } else if (Math.sign(next) !== Math.sign(holding.qty) && next !== 0) {
      holding.avgEntry = price; // the position flipped: what remains was opened at this price
    }
    holding.qty = Math.abs(next) < 1e-9 ? 0 : next;
    if (holding.qty === 0) this.#holdings.delete(symbol);
    else this.#holdings.set(symbol, holding);
    return holding.qty;
  }

  /** Market values: long and short (negative) totals at the given marks. */
  marketValues(mark: (symbol: string) => number | undefined): { long: number; short: number } {
    let long = 0;
    let short = 0;
    for (const [symbol, h] of this.#holdings) {
      const value = h.qty * (mark(symbol) ?? h.avgEntry) * contractMultiplier(symbol);
      if (value >= 0) long += value;
      else short += value;
    }
    return { long, short };
  }

  /** Equity in dollars: cash plus signed market value. */
  equity(mark: (symbol: string) => number | undefined): number {
    const { long, short } = this.marketValues(mark);
    return this.#cash + long + short;
  }

  /** Buying power in dollars before open orders: cash at 1x, else equity × multiplier − gross value. */
  baseBuyingPower(mark: (symbol: string) => number | undefined): number {
    if (this.multiplier <= 1) return Math.max(0, this.#cash);
    const { long, short } = this.marketValues(mark);
    return Math.max(0, this.equity(mark) * this.multiplier - (long - short));
  }

  /** Renders `GET /v2/account`; `reserved` is the value of open buy orders, in dollars. */
  renderAccount(mark: (symbol: string) => number | undefined, reserved: number): WireAccount {
    const { long, short } = this.marketValues(mark);
    const equity = this.equity(mark);
    const buyingPower = Math.max(0, this.baseBuyingPower(mark) - reserved);
    const initialMargin = (long - short) * (this.multiplier > 1 ? 0.5 : 1);
    const money = (n: number) => numberToDecimal(Math.round(n * 100) / 100);
    return {
      id: this.accountId,
      account_number: 'PA3SIMULATED',
      status: 'ACTIVE',
      currency: 'USD',
      cash: money(this.#cash),
      portfolio_value: money(equity),
      equity: money(equity),
      last_equity: money(this.#startEquity),
      buying_power: money(buyingPower),
      regt_buying_power: money(buyingPower),
      non_marginable_buying_power: money(Math.max(0, this.#cash - reserved)),
      options_buying_power: money(Math.max(0, this.#cash - reserved)),
      long_market_value: money(long),
      short_market_value: money(short),
      initial_margin: money(initialMargin),
      maintenance_margin: money(initialMargin * 0.6),
      last_maintenance_margin: '0',
      sma: '0',
      multiplier: String(this.multiplier),
      trading_blocked: false,
      account_blocked: false,
      transfers_blocked: false,
      trade_suspended_by_user: false,
      shorting_enabled: this.shortingEnabled,
      created_at: '2024-01-02T14:30:00.000000000Z',
    };
  }

  /** Renders one position, or undefined when flat. */
  renderPosition(
    symbol: string,
    assetId: string,
    price: number | undefined,
    heldForOrders: number,
  ): WirePosition | undefined {
    const h = this.#holdings.get(symbol);
    if (h === undefined) return undefined;
    h.lastdayPrice ??= price;
    const current = price ?? h.avgEntry;
    const multiplier = contractMultiplier(symbol);
    const marketValue = h.qty * current * multiplier;
    const costBasis = h.qty * h.avgEntry * multiplier;
    const pl = marketValue - costBasis;
    const plpc = costBasis === 0 ? 0 : pl / Math.abs(costBasis);
    const lastday = h.lastdayPrice ?? current;
    const intradayPl = h.qty * (current - lastday) * multiplier;
    const round = (n: number, places = 2) => numberToDecimal(Number(n.toFixed(places)));
    return {
      asset_id: assetId,
      symbol,
      exchange: 'NASDAQ',
      asset_class: assetClassOf(symbol),
      asset_marginable: true,
      avg_entry_price: round(h.avgEntry, 4),
      qty: numberToDecimal(h.qty),
      qty_available: numberToDecimal(Math.sign(h.qty) * Math.max(0, Math.abs(h.qty) - heldForOrders)),
      side: h.qty > 0 ? 'long' : 'short',
      market_value: round(marketValue),
      cost_basis: round(costBasis),
      unrealized_pl: round(pl),
      unrealized_plpc: round(plpc, 6),
      unrealized_intraday_pl: round(intradayPl),
      unrealized_intraday_plpc: round(
        lastday === 0 ? 0 : intradayPl / Math.abs(h.qty * lastday * multiplier),
        6,
      ),
      current_price: round(current, 4),
      lastday_price: round(lastday, 4),
      change_today: round(lastday === 0 ? 0 : (current - lastday) / lastday, 6),
    };
  }
}
