/** How a list of symbols is split into quote requests. */
export interface QuoteChunking {
  /** Symbols per request at most. */
  readonly maxSymbols: number;
  /**
   * Characters of the comma-separated `symbols` value per request at most. Servers commonly refuse
   * request lines past 8 KiB (Node's whole header block is limited to 16 KiB and answers 431);
   * 2,000 keeps a quote URL far below either.
   */
  readonly maxChars: number;
}

/** Default split: 200 symbols or 2,000 characters of symbols per request, whichever comes first. */
export const DEFAULT_QUOTE_CHUNKING: QuoteChunking = { maxSymbols: 200, maxChars: 2_000 };

/**
 * Splits symbols (deduplicated, in order) into groups that each fit one quote request. A single
 * symbol longer than `maxChars` still gets a request of its own: the broker judges it.
 */
export function chunkSymbols(symbols: Iterable<string>, options: Partial<QuoteChunking> = {}): string[][] {
  const maxSymbols = options.maxSymbols ?? DEFAULT_QUOTE_CHUNKING.maxSymbols;
  const maxChars = options.maxChars ?? DEFAULT_QUOTE_CHUNKING.maxChars;
  if (!(Number.isInteger(maxSymbols) && maxSymbols >= 1) || !(Number.isInteger(maxChars) && maxChars >= 1)) {
    throw new RangeError(
      `quote chunking: maxSymbols and maxChars must be integers >= 1, got ${maxSymbols} and ${maxChars}`,
    );
  }
  const chunks: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const symbol of new Set(symbols)) {
    // The separating comma is encoded as %2C in the URL: three characters.
    const cost = current.length === 0 ? symbol.length : symbol.length + 3;
    if (current.length > 0 && (current.length >= maxSymbols || chars + cost > maxChars)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    chars += current.length === 0 ? symbol.length : symbol.length + 3;
    current.push(symbol);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
