/** A tradable asset as the broker lists it. */
export interface BrokerAsset {
  readonly id: string;
  readonly symbol: string;
  readonly assetClass: string;
  readonly exchange: string;
  readonly name: string | undefined;
  readonly status: 'active' | 'inactive';
  readonly tradable: boolean;
  readonly marginable: boolean;
  readonly shortable: boolean;
  readonly fractionable: boolean;
  /** `easy_to_borrow` or `hard_to_borrow`; replaces the deprecated boolean. */
  readonly borrowStatus: string | undefined;
  /** Deprecated by the broker (removal 2026-09-22). */
  readonly easyToBorrow?: boolean;
}

/** Filters for listing assets. */
export interface AssetQuery {
  readonly status?: 'active' | 'inactive';
  readonly assetClass?: string;
}

/** The market clock. Times are epoch milliseconds. */
export interface MarketClock {
  readonly timestamp: number;
  readonly isOpen: boolean;
  readonly nextOpen: number;
  readonly nextClose: number;
}

/** Latest top-of-book quote for a symbol; prices in dollars, sizes in round lots as sent. */
export interface LatestQuote {
  readonly symbol: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
}
