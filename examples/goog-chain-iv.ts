/**
 * Implied volatilities of a real option chain: GOOG on 2015-12-24 (LEAN sample data, closing
 * quotes), solved from the mid of every two-sided quote.
 *
 *   npx tsx examples/goog-chain-iv.ts [path/to/lean_option_chain_GOOG_2015-12-24.csv]
 *
 * Inputs, chosen to match how the file's own `iv_mid_bs_derived` column was built:
 * - spot: the file's `underlying_close`, 748.40;
 * - r = 0.25% continuously compounded (the Fed funds target range had just moved to
 *   0.25–0.50% on 2015-12-16; 1-month bills yielded about 0.2%); q = 0 (GOOG paid no dividend);
 * - T = days_to_expiry / 365 (ACT/365). Options expiring that day have T = 0 and no volatility.
 * The contracts are American; with q = 0 an American call is worth its European value, and for
 * puts the early-exercise premium at r = 0.25% is small, so European Black-Scholes is used.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../src/cli/csv.ts';
import { impliedVolatility } from '../src/core/options/implied-volatility.ts';

const RATE = 0.0025;
const DIVIDEND_YIELD = 0;
const defaultPath = fileURLToPath(
  new URL('../../shared/data/lean_option_chain_GOOG_2015-12-24.csv', import.meta.url),
);
const path = process.argv[2] ?? defaultPath;

let text: string;
try {
  text = readFileSync(path, 'utf8');
} catch (error) {
  console.error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const table = parseCsv(text);
if (!table.ok) {
  console.error(`${path}:${table.line}: ${table.message}`);
  process.exit(2);
}
const column = (name: string) => {
  const index = table.header.indexOf(name);
  if (index < 0) throw new Error(`${path}: no column '${name}'`);
  return index;
};
const col = {
  spot: column('underlying_close'),
  expiry: column('expiry'),
  right: column('right'),
  strike: column('strike'),
  days: column('days_to_expiry'),
  mid: column('mid'),
  fileIv: column('iv_mid_bs_derived'),
};

interface Solved {
  readonly expiry: string;
  readonly days: number;
  readonly right: 'call' | 'put';
  readonly strike: number;
  readonly iv: number;
}

const outcomes = new Map<string, number>();
const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
const solved: Solved[] = [];
let spot = Number.NaN;
let compared = 0;
let maxDifference = 0;
let solvedHereOnly = 0;
let solvedThereOnly = 0;

for (const { fields } of table.records) {
  const get = (i: number) => fields[i] ?? '';
  spot = Number(get(col.spot));
  if (get(col.mid) === '') {
    count('no two-sided quote (skipped)');
    continue;
  }
  const right = get(col.right) === 'C' ? 'call' : 'put';
  const days = Number(get(col.days));
  const strike = Number(get(col.strike));
  const result = impliedVolatility({
    right,
    price: Number(get(col.mid)),
    spot,
    strike,
    timeToExpiry: days / 365,
    rate: RATE,
    dividendYield: DIVIDEND_YIELD,
  });
  const fileIv = get(col.fileIv) === '' ? undefined : Number(get(col.fileIv));
  if (result.ok) {
    count('solved');
    solved.push({ expiry: get(col.expiry), days, right, strike, iv: result.volatility });
    if (fileIv === undefined) solvedHereOnly++;
    else {
      compared++;
      maxDifference = Math.max(maxDifference, Math.abs(result.volatility - fileIv));
    }
  } else {
    count(
      result.code === 'INVALID_INPUT' && days === 0 ? 'INVALID_INPUT (expires today, T = 0)' : result.code,
    );
    if (fileIv !== undefined) solvedThereOnly++;
  }
}

const quoted = table.records.length - (outcomes.get('no two-sided quote (skipped)') ?? 0);
console.log(
  `GOOG option chain, 2015-12-24: ${table.records.length} contracts, spot ${spot}, r = ${RATE}, q = ${DIVIDEND_YIELD}`,
);
console.log(`two-sided quotes: ${quoted}`);
for (const [outcome, n] of [...outcomes].sort((a, b) => b[1] - a[1]))
  console.log(`  ${outcome.padEnd(40)} ${n}`);
console.log(
  `against the file's iv_mid_bs_derived: ${compared} solved by both, max |difference| ${maxDifference.toExponential(2)}; ` +
    `solved only here ${solvedHereOnly}, only there ${solvedThereOnly}`,
);

// At-the-money term structure: the out-of-the-money side (calls above the forward, puts below),
// interpolated linearly in strike to the forward F = S·e^{(r−q)T}.
console.log('\nat-the-money implied volatility by expiry (OTM quotes interpolated to the forward):');
console.log('expiry      days  forward   lower strike  upper strike  ATM IV   call/put IV at nearest strike');
const expiries = [...new Set(solved.map((s) => s.expiry))].sort();
for (const expiry of expiries) {
  const chain = solved.filter((s) => s.expiry === expiry);
  const days = chain[0]?.days ?? 0;
  const forward = spot * Math.exp(((RATE - DIVIDEND_YIELD) * days) / 365);
  const otm = chain.filter((s) => (s.right === 'call' ? s.strike >= forward : s.strike < forward));
  const below = otm.filter((s) => s.strike < forward).sort((a, b) => b.strike - a.strike)[0];
  const above = otm.filter((s) => s.strike >= forward).sort((a, b) => a.strike - b.strike)[0];
  if (below === undefined || above === undefined) continue;
  const w = (forward - below.strike) / (above.strike - below.strike);
  const atm = below.iv + w * (above.iv - below.iv);
  const nearest = [...new Set(chain.map((s) => s.strike))].sort(
    (a, b) => Math.abs(a - forward) - Math.abs(b - forward),
  )[0];
  const at = (right: 'call' | 'put') => chain.find((s) => s.strike === nearest && s.right === right)?.iv;
  const pct = (x: number | undefined) => (x === undefined ? '  -  ' : `${(100 * x).toFixed(1)}%`);
  console.log(
    `${expiry}  ${String(days).padStart(4)}  ${forward.toFixed(2).padStart(7)}  ${String(below.strike).padStart(12)}  ${String(above.strike).padStart(12)}  ${pct(atm).padStart(6)}   K=${nearest}: ${pct(at('call'))} / ${pct(at('put'))}`,
  );
}
