import type { OptionRight } from '../core/instrument.ts';

/** One listed option contract, as `GET /v2/options/contracts` describes it. Prices in dollars. */
export interface OptionContract {
  readonly id: string;
  /** Compact OCC symbol, e.g. `AAPL270115C00200000`. */
  readonly symbol: string;
  readonly name: string;
  readonly status: 'active' | 'inactive';
  readonly tradable: boolean;
  /** Last trading day, `YYYY-MM-DD`. */
  readonly expirationDate: string;
  readonly rootSymbol: string;
  readonly underlyingSymbol: string;
  readonly type: OptionRight;
  readonly style: 'american' | 'european';
  /** Strike price in dollars. */
  readonly strikePrice: number;
  /** Units of the underlying per contract (100 for a standard contract). */
  readonly multiplier: number;
  /** Contract size in units of the underlying. */
  readonly size: number;
  readonly openInterest: number | undefined;
  /** Last close in dollars per unit of underlying, when the broker has one. */
  readonly closePrice: number | undefined;
}

/** Filters of {@link OptionContract} listings; every filter is optional and they combine with AND. */
export interface OptionContractQuery {
  readonly underlyingSymbols?: readonly string[];
  readonly status?: 'active' | 'inactive';
  /** Exact expiry, `YYYY-MM-DD`. */
  readonly expirationDate?: string;
  readonly expirationDateGte?: string;
  readonly expirationDateLte?: string;
  readonly type?: OptionRight;
  /** Strike bounds in dollars, inclusive. */
  readonly strikePriceGte?: number;
  readonly strikePriceLte?: number;
  readonly rootSymbol?: string;
  /** Contracts per page (the broker allows up to 10,000; default 100). */
  readonly limit?: number;
  readonly pageToken?: string;
}

/** One page of option contracts and the token of the next page, if any. */
export interface OptionContractPage {
  readonly contracts: readonly OptionContract[];
  readonly nextPageToken: string | undefined;
}
