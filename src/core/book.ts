import type { OrderEffect } from './decision.ts';
import type { Instrument } from './instrument.ts';
import type { OrderIntent } from './order.ts';
import type { Position } from './position.ts';

/** An accepted order still working at the broker, as far as limits are concerned. */
export interface WorkingOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Quantity not yet filled. */
  remaining: number;
  /** Whether it can grow |position| (open, increase, flip); only those reserve exposure. */
  readonly increasesRisk: boolean;
  readonly strategy: string | undefined;
  /** Dollar price used to reserve buying power (limit, stop, or the reference at acceptance). */
  readonly valuationPrice: number;
  /** Protective levels requested with the order; they become the position's levels on fill. */
  readonly stopLoss: number | undefined;
  readonly takeProfit: number | undefined;
}

/** Per-symbol aggregate kept up to date on every fill, mark and order change. */
export interface SymbolBook {
  readonly symbol: string;
  readonly instrument: Instrument;
  position: Position | undefined;
  /**
   * The instrument's multiplier, sector and tradable flag, and the position's signed quantity (0 when flat),
   * kept beside the counters so a pre-trade check reads one object rather than three. The
   * quantity is brought up to date by {@link ExposureBook.refresh}, which every change to the
   * position goes through.
   */
  readonly multiplier: number;
  readonly sector: string;
  readonly tradable: boolean;
  qty: number;
  /** Working quantity of risk-increasing buys / sells. */
  workingBuy: number;
  workingSell: number;
  /** Working quantity of risk-reducing orders (exits) not yet filled. */
  workingExit: number;
  /**
   * The same exits by side. They count in the worst case too: an exit that fills after another
   * order already took the position past flat grows the new side.
   */
  workingExitBuy: number;
  workingExitSell: number;
  /** Latest price in dollars and its time (epoch ms). */
  price: number;
  priceTime: number;
  /** Exposure in dollars counting working orders (exits included): max(|q + buys|, |q − sells|) × price × multiplier. */
  exposure: number;
  /** Signed worst-case net contributions: (q + buys) and (q − sells), in dollars. */
  netUp: number;
  netDown: number;
  /** Flat with risk-increasing work: it would become a new position. */
  pendingOpen: boolean;
  /** |qty| × price × multiplier of the position, in dollars. */
  absValue: number;
  /** The running exposure total of this symbol's sector (shared by the sector's symbols). */
  readonly sectorTotal: { exposure: number };
}

/**
 * The book keeps exposures by symbol, sector, gross and net, incrementally: a change to one
 * symbol costs O(1), so a pre-trade check never walks the positions.
 */
export class ExposureBook {
  readonly symbols = new Map<string, SymbolBook>();
  readonly sectors = new Map<string, { exposure: number }>();
  readonly working = new Map<string, WorkingOrder>();
  gross = 0;
  netUp = 0;
  netDown = 0;
  /** Market value of positions in dollars (signed sum of qty × price × multiplier). */
  marketValue = 0;
  /** Gross market value of positions in dollars (sum of |qty| × price × multiplier). */
  positionsGross = 0;
  openPositions = 0;
  /** Symbols that are flat with risk-increasing working orders: would-be new positions. */
  pendingOpens = 0;
  /** Dollars reserved by risk-increasing working orders, at their valuation prices. */
  reserved = 0;

  entry(instrument: Instrument): SymbolBook {
    let book = this.symbols.get(instrument.symbol);
    if (book === undefined) {
      let sectorTotal = this.sectors.get(instrument.sector);
      if (sectorTotal === undefined) {
        sectorTotal = { exposure: 0 };
        this.sectors.set(instrument.sector, sectorTotal);
      }
      book = {
        symbol: instrument.symbol,
        instrument,
        position: undefined,
        multiplier: instrument.multiplier,
        sector: instrument.sector,
        tradable: instrument.tradable,
        qty: 0,
        workingBuy: 0,
        workingSell: 0,
        workingExit: 0,
        workingExitBuy: 0,
        workingExitSell: 0,
        price: Number.NaN,
        priceTime: Number.NEGATIVE_INFINITY,
        exposure: 0,
        netUp: 0,
        netDown: 0,
        pendingOpen: false,
        absValue: 0,
        sectorTotal,
      };
      this.symbols.set(instrument.symbol, book);
    }
    return book;
  }

  /** Recomputes one symbol's contribution and applies the difference to the totals. */
  refresh(book: SymbolBook): void {
    const q = book.position?.qty ?? 0;
    book.qty = q;
    const price = Number.isFinite(book.price) ? book.price : 0;
    const mult = book.instrument.multiplier;
    const up = (q + book.workingBuy + book.workingExitBuy) * price * mult;
    const down = (q - book.workingSell - book.workingExitSell) * price * mult;
    const exposure = Math.max(Math.abs(up), Math.abs(down));
    const dExposure = exposure - book.exposure;
    if (dExposure !== 0) {
      this.gross += dExposure;
      book.sectorTotal.exposure += dExposure;
    }
    this.netUp += up - book.netUp;
    this.netDown += down - book.netDown;
    const absValue = Math.abs(q) * price * mult;
    this.positionsGross += absValue - book.absValue;
    book.absValue = absValue;
    book.exposure = exposure;
    book.netUp = up;
    book.netDown = down;
  }

  /** Exposure of a sector in dollars, counting working orders. */
  sectorExposure(sector: string): number {
    return this.sectors.get(sector)?.exposure ?? 0;
  }

  /** Worst-case |net| exposure in dollars counting working orders. */
  get net(): number {
    return Math.max(Math.abs(this.netUp), Math.abs(this.netDown));
  }

  addWorking(order: OrderIntent, effect: OrderEffect, valuationPrice: number, book: SymbolBook): void {
    const increasesRisk = effect === 'open' || effect === 'increase' || effect === 'flip';
    const working: WorkingOrder = {
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      remaining: order.qty,
      increasesRisk,
      strategy: order.strategy,
      valuationPrice,
      stopLoss: order.protection?.stopLoss,
      takeProfit: order.protection?.takeProfit,
    };
    this.working.set(order.clientOrderId, working);
    this.applyWorking(book, working, +1);
  }

  /** Reduces a working order by a filled or released quantity; removes it at zero. */
  reduceWorking(clientOrderId: string, qty: number, book: SymbolBook): void {
    const working = this.working.get(clientOrderId);
    if (working === undefined) return;
    const release = Math.min(qty, working.remaining);
    this.applyWorking(book, working, -1);
    working.remaining -= release;
    if (working.remaining <= 1e-9) this.working.delete(clientOrderId);
    else this.applyWorking(book, working, +1);
  }

  private applyWorking(book: SymbolBook, w: WorkingOrder, sign: 1 | -1): void {
    if (!w.increasesRisk) {
      book.workingExit += sign * w.remaining;
      if (w.side === 'buy') book.workingExitBuy += sign * w.remaining;
      else book.workingExitSell += sign * w.remaining;
    } else {
      if (w.side === 'buy') book.workingBuy += sign * w.remaining;
      else book.workingSell += sign * w.remaining;
      this.reserved += sign * w.remaining * w.valuationPrice * book.instrument.multiplier;
    }
    this.updatePendingOpen(book);
    this.refresh(book);
  }

  /** Keeps the count of would-be new positions right after a symbol's position or work changes. */
  updatePendingOpen(book: SymbolBook): void {
    const pending = (book.position?.qty ?? 0) === 0 && book.workingBuy + book.workingSell > 1e-9;
    if (pending !== book.pendingOpen) {
      this.pendingOpens += pending ? 1 : -1;
      book.pendingOpen = pending;
    }
  }
}
