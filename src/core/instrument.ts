/** Asset classes riskgate knows. */
export type AssetClass = 'us_equity' | 'us_option' | 'crypto';

/** Right of an option contract. */
export type OptionRight = 'call' | 'put';

/** Contract terms of a listed option. */
export interface OptionTerms {
  readonly underlying: string;
  /** Expiry date as `YYYY-MM-DD` (the contract's last trading day). */
  readonly expiry: string;
  /** Strike price in dollars. */
  readonly strike: number;
  readonly right: OptionRight;
}

/** A tradable instrument and the facts the rules need about it. */
export interface Instrument {
  readonly symbol: string;
  readonly assetClass: AssetClass;
  /** Sector name; `Unknown` when the sector map has no entry. */
  readonly sector: string;
  /** Units of the underlying per contract: 1 for stock, usually 100 for options. */
  readonly multiplier: number;
  readonly tradable: boolean;
  readonly shortable: boolean;
  readonly option?: OptionTerms;
}

/** The sector assigned to symbols that the sector map does not list. */
export const UNKNOWN_SECTOR = 'Unknown';

/** Builds a stock instrument with sensible defaults. */
export function stock(
  symbol: string,
  sector: string = UNKNOWN_SECTOR,
  extra: Partial<Instrument> = {},
): Instrument {
  return {
    symbol,
    assetClass: 'us_equity',
    sector,
    multiplier: 1,
    tradable: true,
    shortable: true,
    ...extra,
  };
}
