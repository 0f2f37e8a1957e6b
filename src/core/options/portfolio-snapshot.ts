/**
 * Read-only snapshots of the portfolio Greeks aggregator: risk per underlying and in total,
 * copied out so that callers can keep them while the portfolio moves on.
 */
import { type ContractBook, type ContractCount, summariseContracts } from './contract-counts.ts';
import { copyPositionGreeks, type PositionGreeks, zeroPositionGreeks } from './greek-units.ts';

/** Risk of everything held on one underlying; exposure fields in `PositionGreeks` units. */
export interface UnderlyingGreeks extends Readonly<PositionGreeks> {
  readonly underlying: string;
  /** Last underlying price, or undefined before the first. */
  readonly price: number | undefined;
  /** Positions held (options and stock). */
  readonly positions: number;
  /** Positions without the inputs to value them (contributing nothing above). */
  readonly unpriced: number;
  /** Option contracts on this underlying. */
  readonly contracts: ContractCount;
  /** Option contracts by expiry date `YYYY-MM-DD`. */
  readonly contractsByExpiry: Readonly<Record<string, ContractCount>>;
}

/**
 * Risk of the whole portfolio in dollars. Shares delta and gamma in shares are left out on
 * purpose: they only add up within one underlying (see {@link UnderlyingGreeks}).
 */
export interface PortfolioTotals
  extends Pick<
    Readonly<PositionGreeks>,
    'value' | 'dollarDelta' | 'dollarGamma' | 'dollarVega' | 'dollarThetaPerDay' | 'dollarRhoPerPercent'
  > {
  readonly positions: number;
  readonly unpriced: number;
  /** Underlyings with at least one position. */
  readonly underlyings: number;
  readonly contracts: ContractCount;
  readonly contractsByExpiry: Readonly<Record<string, ContractCount>>;
}

/** Builds the snapshot of one underlying from its sums, counts and contract book. */
export function underlyingSnapshot(
  underlying: string,
  price: number,
  sums: PositionGreeks,
  unpriced: number,
  positions: number,
  book: ContractBook,
): UnderlyingGreeks {
  const { contracts, byExpiry } = summariseContracts([book]);
  return {
    underlying,
    price: price > 0 ? price : undefined,
    ...copyPositionGreeks(zeroPositionGreeks(), sums),
    positions,
    unpriced,
    contracts,
    contractsByExpiry: byExpiry,
  };
}

/** Builds the portfolio totals snapshot from the summed exposure, counts and every underlying's contract book. */
export function totalsSnapshot(
  t: PositionGreeks,
  unpriced: number,
  positions: number,
  underlyings: number,
  books: Iterable<ContractBook>,
): PortfolioTotals {
  const { contracts, byExpiry } = summariseContracts(books);
  return {
    value: t.value,
    dollarDelta: t.dollarDelta,
    dollarGamma: t.dollarGamma,
    dollarVega: t.dollarVega,
    dollarThetaPerDay: t.dollarThetaPerDay,
    dollarRhoPerPercent: t.dollarRhoPerPercent,
    positions,
    unpriced,
    underlyings,
    contracts,
    contractsByExpiry: byExpiry,
  };
}
