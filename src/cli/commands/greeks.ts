import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { OptionRight } from '../../core/instrument.ts';
import { bsmGreeks } from '../../core/options/black-scholes.ts';
import { type ImpliedVolatilityResult, impliedVolatility } from '../../core/options/implied-volatility.ts';
import type { Command } from '../command.ts';
import { formatCsvField, parseCsv } from '../csv.ts';

const USAGE = `Usage: riskgate greeks [options]

Black-Scholes-Merton price and Greeks, or implied volatility, of European options.

One option:
  --type call|put --S <spot> --K <strike> --T <years> [--r <rate>] [--q <yield>]
  then --sigma <vol> to value it, or --price <premium> to solve for its implied volatility.
  r and q are continuously compounded decimals (0.05 = 5%) and default to 0; T is in years.

A CSV file (use - for standard input):
  --csv <file>   columns type,S,K,T,r,q and sigma (to value) or price (to solve IV; a price
                 column means solving even if sigma is there too).
                 Every input column is kept; price,delta,gamma,vega,theta,rho or iv,iv_error
                 are appended. Lines starting with # are skipped.
  --out <file>   write there instead of standard output.

Output is in raw units: price in currency; delta; gamma per 1 of spot; vega per 1.00 of
volatility; theta per year (negative = decay); rho per 1.00 of rate; iv as a decimal.

Exit codes: 0 done; 1 no implied volatility for the one option given; 2 bad arguments or rows.`;

const GREEK_COLUMNS = ['price', 'delta', 'gamma', 'vega', 'theta', 'rho'] as const;

type Field = 'type' | 'S' | 'K' | 'T' | 'r' | 'q' | 'sigma' | 'price';

/** What each input field must be, for parsing and for error messages. */
const EXPECTED: Record<
  Exclude<Field, 'type'>,
  { readonly test: (x: number) => boolean; readonly what: string }
> = {
  S: { test: (x) => x > 0, what: 'a positive number' },
  K: { test: (x) => x > 0, what: 'a positive number' },
  T: { test: (x) => x >= 0, what: 'a number of years ≥ 0' },
  r: { test: () => true, what: 'a number (decimal rate)' },
  q: { test: () => true, what: 'a number (decimal yield)' },
  sigma: { test: (x) => x >= 0, what: 'a volatility ≥ 0 (decimal)' },
  price: { test: () => true, what: 'a number (option price)' },
};

/** Bad arguments or input rows: reported on stderr with exit code 2. */
class InputError extends Error {}

/** Names a field in an error message: `file:12: field 'S'` for a row, `--S` for a flag. */
type Locate = (name: Field) => string;

/** Reads one numeric field, or throws an InputError that says where and what was expected. */
function field(raw: string | undefined, name: Exclude<Field, 'type'>, locate: Locate): number {
  const text = (raw ?? '').trim();
  const rule = EXPECTED[name];
  const value = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !rule.test(value)) {
    throw new InputError(`${locate(name)}: expected ${rule.what}, got '${text}'`);
  }
  return value;
}

function right(raw: string | undefined, locate: Locate): OptionRight {
  const text = (raw ?? '').trim().toLowerCase();
  if (text === 'call' || text === 'put') return text;
  throw new InputError(`${locate('type')}: expected 'call' or 'put', got '${raw ?? ''}'`);
}

type Row = { [F in Field]?: string | undefined };

type Evaluation =
  | { readonly kind: 'greeks'; readonly values: readonly string[] }
  | { readonly kind: 'iv'; readonly result: ImpliedVolatilityResult };

/** Values one row (the six Greeks), or solves it for the implied volatility. */
function evaluate(row: Row, solve: boolean, locate: Locate): Evaluation {
  const type = right(row.type, locate);
  const spot = field(row.S, 'S', locate);
  const strike = field(row.K, 'K', locate);
  const time = field(row.T, 'T', locate);
  const rate = row.r === undefined ? 0 : field(row.r, 'r', locate);
  const dividendYield = row.q === undefined ? 0 : field(row.q, 'q', locate);
  if (solve) {
    const price = field(row.price, 'price', locate);
    return {
      kind: 'iv',
      result: impliedVolatility({
        right: type,
        price,
        spot,
        strike,
        timeToExpiry: time,
        rate,
        dividendYield,
      }),
    };
  }
  const volatility = field(row.sigma, 'sigma', locate);
  const g = bsmGreeks({ right: type, spot, strike, timeToExpiry: time, rate, dividendYield, volatility });
  return { kind: 'greeks', values: GREEK_COLUMNS.map((c) => String(g[c])) };
}

async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFileSync(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Processes a CSV text; returns the output text, or throws an InputError listing every bad row. */
function processCsv(text: string, name: string): string {
  const table = parseCsv(text);
  if (!table.ok) throw new InputError(`${name}:${table.line}: ${table.message}`);
  const { header, records } = table;
  const solve = header.includes('price');
  const required = ['type', 'S', 'K', 'T', 'r', 'q', solve ? 'price' : 'sigma'];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      `${name}:1: header needs columns type,S,K,T,r,q and sigma (to value) or price (to solve IV); missing ${missing.join(', ')}`,
    );
  }
  const appended = solve ? ['iv', 'iv_error'] : [...GREEK_COLUMNS];
  const lines = [[...header, ...appended].map(formatCsvField).join(',')];
  const problems: string[] = [];
  for (const record of records) {
    const row: Row = {};
    header.forEach((column, i) => {
      if (column in EXPECTED || column === 'type') row[column as Field] = record.fields[i];
    });
    try {
      const evaluation = evaluate(row, solve, (f) => `${name}:${record.line}: field '${f}'`);
      const out =
        evaluation.kind === 'greeks'
          ? evaluation.values
          : evaluation.result.ok
            ? [String(evaluation.result.volatility), '']
            : ['', evaluation.result.code];
      lines.push([...record.fields, ...out].map(formatCsvField).join(','));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more bad rows`);
    throw new InputError(shown.join('\n'));
  }
  return `${lines.join('\n')}\n`;
}

/** One option from flags: a two-column table (name, value) in raw units. */
function processFlags(values: Record<string, string | boolean | undefined>): { text: string; code: number } {
  const flag = (name: Field) => values[name] as string | undefined;
  for (const name of ['type', 'S', 'K', 'T'] as const) {
    if (flag(name) === undefined) throw new InputError(`missing --${name} (see --help)`);
  }
  const sigma = flag('sigma');
  const price = flag('price');
  if ((sigma === undefined) === (price === undefined)) {
    throw new InputError(
      'give exactly one of --sigma (to value the option) or --price (to solve for its implied volatility)',
    );
  }
  const row: Row = {
    type: flag('type'),
    S: flag('S'),
    K: flag('K'),
    T: flag('T'),
    r: flag('r'),
    q: flag('q'),
    sigma,
    price,
  };
  const evaluation = evaluate(row, price !== undefined, (f) => `--${f}`);
  if (evaluation.kind === 'greeks') {
    return { text: GREEK_COLUMNS.map((n, i) => `${n.padEnd(6)}${evaluation.values[i]}\n`).join(''), code: 0 };
  }
  const { result } = evaluation;
  return result.ok
    ? { text: `iv    ${result.volatility}\n`, code: 0 }
    : { text: `${result.message}\n`, code: 1 };
}

/** `riskgate greeks`: Black-Scholes-Merton values or implied volatilities from flags or a CSV file (see USAGE). */
export const greeksCommand: Command = {
  name: 'greeks',
  summary: 'Black-Scholes-Merton price and Greeks, or implied volatility, for one option or a CSV file.',
  async run(args) {
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({
        args: [...args],
        strict: true,
        allowPositionals: false,
        options: {
          type: { type: 'string' },
          S: { type: 'string' },
          K: { type: 'string' },
          T: { type: 'string' },
          r: { type: 'string' },
          q: { type: 'string' },
          sigma: { type: 'string' },
          price: { type: 'string' },
          csv: { type: 'string' },
          out: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }).values;
    } catch (error) {
      console.error(`riskgate greeks: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
      return 2;
    }
    if (values.help === true) {
      console.log(USAGE);
      return 0;
    }
    try {
      const csv = values.csv as string | undefined;
      let result: { text: string; code: number };
      if (csv !== undefined) {
        const single = ['type', 'S', 'K', 'T', 'r', 'q', 'sigma', 'price'].filter(
          (f) => values[f] !== undefined,
        );
        if (single.length > 0) throw new InputError(`--csv cannot be combined with --${single.join(', --')}`);
        let text: string;
        try {
          text = await readInput(csv);
        } catch (error) {
          throw new InputError(
            `cannot read '${csv}': ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        result = { text: processCsv(text, csv === '-' ? '<stdin>' : csv), code: 0 };
      } else {
        result = processFlags(values);
      }
      if (result.code !== 0) {
        process.stderr.write(`riskgate greeks: ${result.text}`);
        return result.code;
      }
      const out = values.out as string | undefined;
      if (out === undefined) process.stdout.write(result.text);
      else writeFileSync(out, result.text);
      return 0;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      console.error(
        error.message
          .split('\n')
          .map((line) => `riskgate greeks: ${line}`)
          .join('\n'),
      );
      return 2;
    }
  },
};
