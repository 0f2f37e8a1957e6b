import type { MarketEvent, Quote } from '../../core/market.ts';
import { FINAL, isLive, type SimOrder } from './sim-order.ts';
import type { VenueState } from './venue-state.ts';

/**
 * Turns a market event into the quotes orders are matched against. A bar becomes its price path
 * (open, the extreme nearer the open first, then the other extreme, close) with zero spread, so a
 * gap at the open fills a stop at the open price.
 */
export function quotesOf(event: MarketEvent): Quote[] {
  if (event.kind === 'quote') return [event];
  if (event.kind === 'mark') {
    return [{ kind: 'quote', symbol: event.symbol, time: event.time, bid: event.price, ask: event.price }];
  }
  if (event.kind === 'bar') {
    const path =
      event.close >= event.open
        ? [event.open, event.low, event.high, event.close]
        : [event.open, event.high, event.low, event.close];
    return path.map((price) => ({
      kind: 'quote',
      symbol: event.symbol,
      time: event.time,
      bid: price,
      ask: price,
    }));
  }
  return [];
}

/** The price the order executes at against this quote, or undefined when it does not execute. */
export function executionPrice(order: SimOrder, quote: Quote): number | undefined {
  const buy = order.side === 'buy';
  const touch = buy ? quote.ask : quote.bid;
  const limitOk = (limit: number) => (buy ? touch <= limit : touch >= limit);
  const stopHit = (stop: number) => (buy ? touch >= stop : touch <= stop);
  switch (order.type) {
    case 'market':
      return touch;
    case 'limit':
      return limitOk(order.limitPrice!) ? touch : undefined;
    case 'stop':
      // The first quote through the stop sets the price: a gap fills at the gap price.
      return stopHit(order.stopPrice!) ? touch : undefined;
    case 'stop_limit':
      if (!order.triggered && stopHit(order.stopPrice!)) order.triggered = true;
      return order.triggered && limitOk(order.limitPrice!) ? touch : undefined;
    case 'trailing_stop': {
      order.hwm =
        order.hwm === undefined ? touch : buy ? Math.min(order.hwm, touch) : Math.max(order.hwm, touch);
      const offset = order.trailPrice ?? (order.hwm * (order.trailPercent ?? 0)) / 100;
      order.stopPrice = buy ? order.hwm + offset : order.hwm - offset;
      return stopHit(order.stopPrice) ? touch : undefined;
    }
  }
}

/** Matches every live order of the quote's symbol against it, in arrival order. */
export function matchQuote(state: VenueState, quote: Quote): void {
  state.quotes.set(quote.symbol, quote);
  for (const order of state.liveOrders(quote.symbol)) {
    if (!isLive(order)) continue; // a fill earlier in this loop may have cancelled it
    const price = executionPrice(order, quote);
    if (price !== undefined) fill(state, order, price);
  }
}

/** Executes (part of) an order at a price and applies the group rules of brackets, OTOs and OCOs. */
export function fill(state: VenueState, order: SimOrder, price: number): void {
  const remaining = order.qty - order.filledQty;
  const fraction = state.hooks.partialFillFraction(order.symbol);
  let qty = remaining;
  if (fraction !== undefined) {
    const part = Math.floor(remaining * fraction);
    if (part >= 1 && part < remaining) qty = part;
  }
  const now = state.clock.now();
  const before = order.filledQty;
  order.filledQty += qty;
  order.filledAvgPrice = ((order.filledAvgPrice ?? 0) * before + price * qty) / order.filledQty;
  order.updatedAt = now;
  const complete = order.filledQty >= order.qty - 1e-9;
  order.status = complete ? 'filled' : 'partially_filled';
  if (complete) order.filledAt = now;
  const positionQty = state.ledger.applyFill(order.symbol, order.side, qty, price);
  state.emit(complete ? 'fill' : 'partial_fill', order, { price, qty, positionQty });

  if (order.role === 'entry') {
    if (complete) activateLegs(state, order);
    return;
  }
  if (order.role === 'take_profit' || order.role === 'stop_loss') {
    for (const sibling of state.siblingsOf(order)) {
      if (FINAL.has(sibling.status) || sibling.role === 'entry') continue;
      if (complete) {
        state.finish(sibling, 'canceled');
        state.emit('canceled', sibling);
      } else {
        // The other exit shrinks to what is still open, so the pair never over-sells.
        sibling.qty = order.qty - order.filledQty;
        sibling.updatedAt = now;
      }
    }
  }
}

/** Entry filled: the take-profit starts working and the stop-loss stays `held` but armed. */
function activateLegs(state: VenueState, entry: SimOrder): void {
  for (const leg of state.legsOf(entry)) {
    if (leg.status !== 'held') continue;
    if (leg.role === 'take_profit') {
      leg.status = 'new';
      leg.updatedAt = state.clock.now();
      state.emit('new', leg);
    } else {
      leg.armed = true;
    }
  }
}
