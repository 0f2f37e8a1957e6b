import type { Side } from './side.ts';

/** An OHLCV bar for one symbol; `time` is the bar's start in epoch ms. */
export interface Bar {
  readonly kind: 'bar';
  readonly symbol: string;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /**
   * The bar's length in milliseconds (60 000 for a one-minute bar, 86 400 000 for a daily bar).
   * The engine builds the bars of each timeframe the profile counts in from it; when absent the
   * engine's `barMs` option applies (one minute by default).
   */
  readonly durationMs?: number;
}

/** A top-of-book quote. */
export interface Quote {
  readonly kind: 'quote';
  readonly symbol: string;
  readonly time: number;
  readonly bid: number;
  readonly ask: number;
}

/** A last-trade or mark price. */
export interface Mark {
  readonly kind: 'mark';
  readonly symbol: string;
  readonly time: number;
  readonly price: number;
}

/** A market-wide index reading such as the VIX level. */
export interface IndexLevel {
  readonly kind: 'index';
  readonly name: string;
  readonly time: number;
  readonly value: number;
}

/** A corporate action: a split with `ratio` new shares per old share (7 for a 7:1 split). */
export interface Split {
  readonly kind: 'split';
  readonly symbol: string;
  readonly time: number;
  readonly ratio: number;
}

/** An implied volatility for one option symbol, e.g. from a vendor's surface. */
export interface ImpliedVolatilityReading {
  readonly kind: 'iv';
  /** The option's symbol (compact OCC, as its instrument). */
  readonly symbol: string;
  readonly time: number;
  /** Implied volatility, fraction per √year (0.2 = 20 vol). */
  readonly value: number;
}

export type MarketEvent = Bar | Quote | Mark | IndexLevel | Split | ImpliedVolatilityReading;

/** An execution reported by the broker or the simulator. */
export interface Fill {
  /** Unique execution id; a repeated id is ignored. */
  readonly executionId: string;
  readonly clientOrderId?: string;
  readonly symbol: string;
  readonly side: Side;
  /** Filled quantity, positive. */
  readonly qty: number;
  /** Fill price in dollars. */
  readonly price: number;
  readonly time: number;
  /** Commission in dollars charged for this fill. */
  readonly commission?: number;
  readonly strategy?: string;
  /** Why the fill happened when it closed risk, e.g. `stop_loss`. */
  readonly reason?: string;
}

/** Account figures as the broker reports them. */
export interface AccountSnapshot {
  readonly time: number;
  /** Total equity in dollars (cash plus market value of positions). */
  readonly equity: number;
  readonly cash: number;
  /** Buying power in dollars as the broker computes it. */
  readonly buyingPower: number;
}
