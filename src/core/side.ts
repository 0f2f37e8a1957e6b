import { fail, ok, type Parsed } from './result.ts';

/** Order side as the broker understands it. */
export type Side = 'buy' | 'sell';

/**
 * Parses a side from user input: `buy`/`long` → buy, `sell`/`short` → sell, any case.
 * Anything else is an error that names the value and the accepted words.
 */
export function parseSide(input: unknown, path = 'side'): Parsed<Side> {
  if (typeof input === 'string') {
    switch (input.trim().toLowerCase()) {
      case 'buy':
      case 'long':
        return ok('buy');
      case 'sell':
      case 'short':
        return ok('sell');
    }
  }
  return fail([
    { path, message: `expected one of buy, sell, long, short (any case), got ${JSON.stringify(input)}` },
  ]);
}

/** +1 for buy, −1 for sell. */
export function sideSign(side: Side): 1 | -1 {
  return side === 'buy' ? 1 : -1;
}

export function oppositeSide(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}
