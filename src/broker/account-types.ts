/** The trading account in domain units (dollars as numbers). */
export interface BrokerAccount {
  readonly id: string;
  readonly accountNumber: string | undefined;
  readonly status: string;
  readonly currency: string;
  /** Cash in dollars. */
  readonly cash: number;
  /** Equity in dollars: cash plus the market value of positions. */
  readonly equity: number;
  /** Equity at the previous close, in dollars. */
  readonly lastEquity: number | undefined;
  /** Buying power in dollars as the broker computes it. */
  readonly buyingPower: number;
  readonly regtBuyingPower: number | undefined;
  readonly nonMarginableBuyingPower: number | undefined;
  readonly longMarketValue: number | undefined;
  readonly shortMarketValue: number | undefined;
  readonly initialMargin: number | undefined;
  readonly maintenanceMargin: number | undefined;
  /** Margin multiplier: 1, 2 or 4. */
  readonly multiplier: number;
  readonly tradingBlocked: boolean;
  readonly accountBlocked: boolean;
  readonly shortingEnabled: boolean | undefined;
  /** Removed by the broker in 2026-07; present only on older responses. */
  readonly patternDayTrader?: boolean;
  /** Removed by the broker in 2026-07; present only on older responses. */
  readonly daytradeCount?: number;
  /** Removed by the broker in 2026-07; dollars, present only on older responses. */
  readonly daytradingBuyingPower?: number;
}

/** An open position in domain units; a short has negative `qty` and `marketValue`. */
export interface BrokerPosition {
  readonly symbol: string;
  readonly assetId: string | undefined;
  readonly assetClass: string | undefined;
  readonly side: 'long' | 'short';
  /** Signed quantity in shares. */
  readonly qty: number;
  /** Shares not held by open orders. */
  readonly qtyAvailable: number | undefined;
  /** Average entry price in dollars. */
  readonly avgEntryPrice: number;
  /** Signed market value in dollars. */
  readonly marketValue: number | undefined;
  readonly costBasis: number | undefined;
  /** Unrealized profit in dollars. */
  readonly unrealizedPl: number | undefined;
  /** Unrealized profit as a fraction of cost (0.05 = 5 %). */
  readonly unrealizedPlpc: number | undefined;
  /** Latest price in dollars. */
  readonly currentPrice: number | undefined;
}

/** How much of a position to close: all of it, a share count, or a percentage (0–100). */
export type ClosePositionAmount = { readonly qty: number } | { readonly percentage: number } | undefined;

/** Result of closing one position in a close-all. */
export interface ClosePositionResult {
  readonly symbol: string;
  /** HTTP status of that close: 200 on success. */
  readonly status: number;
  /** Id of the closing order on success. */
  readonly orderId: string | undefined;
  /** The broker's message on failure. */
  readonly message: string | undefined;
}
