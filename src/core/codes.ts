/**
 * The catalogue of denial and breaker codes. Codes are stable: clients match on them.
 * Custom rules may add their own SCREAMING_SNAKE codes.
 */
export const DENIAL_CODES = {
  TRADING_HALTED: 'The account is halted: only cancels (and, if configured, flattening exits) pass.',
  TRADING_REDUCING: 'The account is reducing: only orders that shrink a position pass.',
  LOSS_STREAK_COOLDOWN: 'Entries are paused after a losing streak until the cooldown ends.',
  STRATEGY_DISABLED: 'The strategy was disabled by the repeated-execution limit until a reset.',
  UNKNOWN_INSTRUMENT: 'The symbol is not a known instrument.',
  INSTRUMENT_NOT_TRADABLE: 'The instrument is not tradable.',
  NO_REFERENCE_PRICE: 'No reference price is available, so the order cannot be valued.',
  INVALID_REFERENCE_PRICE: 'The reference price is zero, negative or not a number.',
  STALE_REFERENCE_PRICE: 'The reference price is older than the allowed age.',
  INDEX_STALE:
    'A market index the risk checks need (e.g. the VIX) was never received or its last reading is older than the allowed age.',
  ORDER_QUANTITY_EXCEEDED: 'Order quantity is above the maximum.',
  ORDER_NOTIONAL_EXCEEDED: 'Order value is above the maximum.',
  PRICE_OUTSIDE_COLLAR: 'Limit or stop price is too far from the reference price.',
  PRICE_OFF_TICK: 'Price is not a multiple of the tick for its price band.',
  INSUFFICIENT_BUYING_POWER: 'Order value plus working orders exceeds buying power.',
  POSITION_QUANTITY_EXCEEDED: 'Resulting position quantity would exceed the maximum.',
  POSITION_NOTIONAL_EXCEEDED: 'Resulting position value would exceed the maximum.',
  SYMBOL_EXPOSURE_EXCEEDED: 'Exposure to the symbol, counting working orders, would exceed the limit.',
  SECTOR_EXPOSURE_EXCEEDED: 'Exposure to the sector, counting working orders, would exceed the limit.',
  GROSS_EXPOSURE_EXCEEDED: 'Gross exposure would exceed the cap.',
  NET_EXPOSURE_EXCEEDED: 'Net exposure would exceed the cap.',
  MAX_OPEN_POSITIONS: 'Opening another position would exceed the maximum number of open positions.',
  RATE_LIMIT_EXCEEDED: 'Too many orders in the window.',
  DUPLICATE_CLIENT_ORDER_ID: 'The client order id was already used within the window.',
  RESTRICTED_SYMBOL: 'The symbol is on the restricted list.',
  SHORT_NOT_ALLOWED: 'The order would open or increase a short position and shorting is not allowed.',
  PROTECTIVE_STOP_REQUIRED: 'Entries must carry a protective stop.',
  PROTECTIVE_STOP_INVALID: 'The protective stop is on the wrong side of the entry price.',
  REPEATED_EXECUTION_LIMIT: 'Too many fills for this strategy and symbol within the window.',
  RULE_ERROR: 'A rule threw an exception; the order is denied rather than let through unchecked.',
  STORE_UNAVAILABLE: 'Risk state cannot be persisted, so new entries are denied.',
  GREEKS_LIMIT_EXCEEDED:
    'The portfolio Greeks would exceed a limit (generic; the greeks-limits rule reports the specific codes below).',
  NET_DELTA_EXCEEDED:
    'Net delta (shares or dollars) of an underlying or the portfolio would exceed its limit.',
  GAMMA_EXCEEDED: 'Dollar gamma per 1% move of an underlying or the portfolio would exceed its limit.',
  VEGA_EXCEEDED: 'Dollar vega per vol point of an underlying or the portfolio would exceed its limit.',
  THETA_EXCEEDED: 'Time decay in dollars per day of an underlying or the portfolio would exceed its limit.',
  CONTRACTS_EXCEEDED: 'Option contracts on an underlying, or in one of its expiries, would exceed the limit.',
  NO_GREEKS_INPUT:
    'The Greeks cannot be computed (no or stale underlying price, no implied volatility), so the order is denied.',
} as const;

export type DenialCode = keyof typeof DENIAL_CODES;

export const BREAKER_CODES = {
  DAILY_LOSS_LIMIT: 'Loss since the start of the trading day exceeded the limit.',
  EQUITY_FLOOR: 'Equity fell below the floor.',
  MAX_DRAWDOWN: 'Drawdown from peak equity exceeded the limit.',
  LOSS_STREAK: 'Too many consecutive losing trades.',
  VIX_LEVEL: 'The VIX rose above its threshold.',
  CORRELATION: 'Average pairwise correlation of holdings rose above its threshold.',
  GREEKS_LIMIT: 'A market move pushed the portfolio Greeks beyond a limit.',
  KILL_SWITCH: 'An operator pulled the kill switch.',
  UNPROTECTED_POSITION: 'A position stayed without a protective stop beyond the grace period.',
} as const;

export type BreakerCode = keyof typeof BREAKER_CODES;
