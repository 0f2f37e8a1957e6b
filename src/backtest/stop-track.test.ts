import { describe, expect, it } from 'vitest';
import { ExposureBook } from '../core/book.ts';
import { stock } from '../core/instrument.ts';
import type { Position } from '../core/position.ts';
import { StopTrack } from './stop-track.ts';

function hold(book: ExposureBook, symbol: string, qty: number, price: number, stop?: number): void {
  const entry = book.entry(stock(symbol, 'Tech'));
  entry.price = price;
  entry.position = { symbol, qty, stop } as unknown as Position;
  book.openPositions += qty !== 0 ? 1 : 0;
}

describe('StopTrack', () => {
  it('records stop changes per symbol and returns the gross value of the open positions', () => {
    const book = new ExposureBook();
    const track = new StopTrack();
    expect(track.record(1, book)).toBe(0);
    hold(book, 'AAA', 10, 20, 18);
    hold(book, 'BBB', -5, 30);
    hold(book, 'CCC', 0, 40, 35);
    expect(track.record(2, book)).toBe(10 * 20 + 5 * 30);
    book.symbols.get('AAA')!.position!.stop = 19;
    expect(track.record(3, book)).toBe(350);
    book.symbols.get('AAA')!.position!.qty = 0;
    book.openPositions = 1;
    expect(track.record(4, book)).toBe(150);
    expect(track.bySymbol).toEqual({ AAA: { time: [2, 3, 4], level: [18, 19, Number.NaN] } });
  });
});
