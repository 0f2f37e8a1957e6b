/** Gross and net option contracts, overall or for one expiry. */
export interface ContractCount {
  /** Σ|qty|, contracts. */
  readonly gross: number;
  /** Σqty, contracts (negative when short). */
  readonly net: number;
}

/** Option contracts of one underlying by expiry date (`YYYY-MM-DD`). */
export type ContractBook = Map<string, { gross: number; net: number }>;

/** Adds (sign 1) or removes (sign −1) a position of `qty` contracts expiring on `expiry`. */
export function countContracts(book: ContractBook, expiry: string, qty: number, sign: 1 | -1): void {
  const count = book.get(expiry) ?? { gross: 0, net: 0 };
  count.gross += sign * Math.abs(qty);
  count.net += sign * qty;
  if (count.gross === 0) book.delete(expiry);
  else book.set(expiry, count);
}

/** A deep copy of a book, for hypothetical changes. */
export function copyContractBook(book: ContractBook): ContractBook {
  return new Map([...book].map(([expiry, count]) => [expiry, { ...count }]));
}

/** Totals over several books: overall and by expiry. */
export function summariseContracts(books: Iterable<ContractBook>): {
  readonly contracts: ContractCount;
  readonly byExpiry: Readonly<Record<string, ContractCount>>;
} {
  const byExpiry: Record<string, { gross: number; net: number }> = {};
  let gross = 0;
  let net = 0;
  for (const book of books) {
    for (const [expiry, count] of book) {
      const total = byExpiry[expiry] ?? { gross: 0, net: 0 };
      total.gross += count.gross;
      total.net += count.net;
      byExpiry[expiry] = total;
      gross += count.gross;
      net += count.net;
    }
  }
  return { contracts: { gross, net }, byExpiry };
}
