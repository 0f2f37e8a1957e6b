/**
 * OCC (OSI) option symbols: root, expiry YYMMDD, C or P, and the strike in thousandths of a
 * dollar as 8 digits. The padded form fills the root to 6 characters with spaces (21 characters
 * in all, `AAPL  140606C00650000`); the compact form used by Alpaca drops the padding
 * (`AAPL140606C00650000`). Two-digit years are read as 2000–2099.
 */
import type { OptionTerms } from '../instrument.ts';
import { fail, type Issue, ok, type Parsed } from '../result.ts';
import { parseIsoDate } from './expiry-time.ts';

/** Which spelling of an OCC symbol to produce. */
export type OccSymbolStyle = 'compact' | 'padded';

const ROOT = /^[A-Z0-9]{1,6}$/;
const COMPACT = /^([A-Z0-9]{1,6})(\d{6})([CP])(\d{8})$/;
const PADDED = /^([A-Z0-9]{1,6}) *(\d{6})([CP])(\d{8})$/;
const EXAMPLE = "e.g. 'AAPL140606C00650000' or 'AAPL  140606C00650000'";
/** Largest strike the 8-digit field holds, in dollars. */
const MAX_STRIKE = 99_999.999;

function issue(path: string, message: string): Issue {
  return { path, message };
}

/**
 * Parses an OCC option symbol in its padded (21-character) or compact form. The root becomes
 * `underlying`; for adjusted contracts (a root such as `AAPL7`) the caller maps it to the
 * deliverable's symbol. Never throws: a malformed symbol returns every problem found.
 */
export function parseOccSymbol(symbol: string): Parsed<OptionTerms> {
  const padded = symbol.includes(' ');
  const match = (padded ? PADDED : COMPACT).exec(symbol);
  if (match === null || (padded && symbol.length !== 21)) {
    const hint = symbol !== symbol.toUpperCase() ? ' (letters must be upper case)' : '';
    return fail([
      issue(
        'symbol',
        `expected an OCC option symbol: root of 1-6 letters or digits, expiry YYMMDD, C or P, strike in thousandths as 8 digits (${EXAMPLE}), got '${symbol}'${hint}`,
      ),
    ]);
  }
  const [, root, yymmdd, cp, strikeDigits] = match as unknown as [string, string, string, string, string];
  const issues: Issue[] = [];
  const expiry = `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
  if (parseIsoDate(expiry) === undefined) {
    issues.push(issue('symbol.expiry', `expiry '${yymmdd}' is not a calendar date (YYMMDD)`));
  }
  const strike = Number(strikeDigits) / 1000;
  if (!(strike > 0)) issues.push(issue('symbol.strike', `strike must be positive, got '${strikeDigits}'`));
  if (issues.length > 0) return fail(issues);
  return ok({ underlying: root, expiry, strike, right: cp === 'C' ? 'call' : 'put' });
}

/**
 * Formats option terms as an OCC symbol, compact (Alpaca) by default. Never throws: terms that
 * no OCC symbol can express (root not 1–6 upper-case letters or digits, expiry outside
 * 2000–2099 or not a date, strike not a positive multiple of $0.001 below $100,000) return issues.
 */
export function formatOccSymbol(terms: OptionTerms, style: OccSymbolStyle = 'compact'): Parsed<string> {
  const issues: Issue[] = [];
  if (!ROOT.test(terms.underlying)) {
    issues.push(
      issue('underlying', `root must be 1-6 upper-case letters or digits, got '${terms.underlying}'`),
    );
  }
  const date = parseIsoDate(terms.expiry);
  if (date === undefined || date.year < 2000 || date.year > 2099) {
    issues.push(issue('expiry', `expected a date YYYY-MM-DD in 2000-2099, got '${terms.expiry}'`));
  }
  const thousandths = Math.round(terms.strike * 1000);
  if (
    !(terms.strike > 0 && terms.strike <= MAX_STRIKE) ||
    // Strikes arrive as binary fractions (e.g. 70.71 = 495/7 adjusted); accept float noise only.
    Math.abs(terms.strike * 1000 - thousandths) > 1e-6 * Math.max(1, thousandths)
  ) {
    issues.push(
      issue('strike', `strike must be a positive multiple of 0.001 up to ${MAX_STRIKE}, got ${terms.strike}`),
    );
  }
  if (terms.right !== 'call' && terms.right !== 'put') {
    issues.push(issue('right', `right must be 'call' or 'put', got '${String(terms.right)}'`));
  }
  if (issues.length > 0) return fail(issues);
  const root = style === 'padded' ? terms.underlying.padEnd(6, ' ') : terms.underlying;
  const yymmdd = terms.expiry.slice(2, 4) + terms.expiry.slice(5, 7) + terms.expiry.slice(8, 10);
  const cp = terms.right === 'call' ? 'C' : 'P';
  return ok(`${root}${yymmdd}${cp}${String(thousandths).padStart(8, '0')}`);
}
