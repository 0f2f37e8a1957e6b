/**
 * Black-Scholes-Merton price and Greeks over a struct-of-arrays batch: every input and output
 * field is its own typed array. This is the one implementation of the formulas; the scalar API
 * in `black-scholes.ts` runs it on a batch of one.
 *
 * Why struct-of-arrays: passing doubles to a function that V8 does not inline boxes each of them
 * on the heap, which for a full revaluation means millions of short-lived allocations. The kernel
 * takes the batch and a range of indices instead, reads the columns into locals once, and loops
 * reading its inputs from typed arrays and writing its outputs to typed arrays, so a revaluation
 * allocates nothing. N(±d) comes from {@link normalTailKernel}: Hart's single rational function
 * where most arguments fall and Cody's beyond, relative accuracy 5e-15.
 *
 * ln and the three exponentials are written out in the loop rather than called as `kernelLog` and
 * `kernelExp` (kernel-math.ts, the same steps, which the tests compare against): with the calls,
 * a 100k revaluation took 1.5–2.1× the C reference's CPU time in `npm run bench:greeks`, written
 * out 1.05–1.15× (three alternating runs each, same machine).
 *
 * Formulas (A = S·e^{−qT}, B = K·e^{−rT}, d1 = [ln(S/K) + (r − q + σ²/2)T]/(σ√T), d2 = d1 − σ√T):
 * call = A·N(d1) − B·N(d2), put = B·N(−d2) − A·N(−d1); Δ = e^{−qT}N(d1) | −e^{−qT}N(−d1);
 * Γ = e^{−qT}n(d1)/(Sσ√T); vega = A·n(d1)√T; θ = −A·n(d1)σ/(2√T) + qA·N(d1) − rB·N(d2) for a
 * call, −A·n(d1)σ/(2√T) − qA·N(−d1) + rB·N(−d2) for a put; ρ = TB·N(d2) | −TB·N(−d2).
 */
import {
  BITS_F64,
  BITS_I32,
  EXP_TABLE,
  INV_C_TABLE,
  INV_LN2_128,
  LN2_128_HI,
  LN2_128_LO,
  LN2_HI,
  LN2_LO,
  LOG_TABLE,
  POW2,
  POW2_OFFSET,
  ROUND_SHIFT,
} from './kernel-math.ts';
import { INV_SQRT_2PI, normalTailKernel } from './normal-distribution.ts';

/**
 * Inputs (set by the caller) and outputs (written by {@link revalueBatch}) of `size` options.
 * Raw units per ONE unit of underlying: see `Greeks` in `black-scholes.ts`.
 */
export interface GreeksBatch {
  readonly size: number;
  /** 1 for a call, 0 for a put. */
  readonly isCall: Uint8Array;
  /** Underlying price, currency, > 0. */
  readonly spot: Float64Array;
  /** Strike, currency, > 0. */
  readonly strike: Float64Array;
  /** Time to expiry, years (ACT/365); ≤ 0 means expired. */
  readonly timeToExpiry: Float64Array;
  /** Continuously compounded, decimal per year. */
  readonly rate: Float64Array;
  /** Continuously compounded, decimal per year. */
  readonly dividendYield: Float64Array;
  /** Decimal per √year, ≥ 0. */
  readonly volatility: Float64Array;
  /** Currency per unit of underlying. */
  readonly price: Float64Array;
  /** Dimensionless. */
  readonly delta: Float64Array;
  /** Per unit of spot. */
  readonly gamma: Float64Array;
  /** Per 1.00 of volatility. */
  readonly vega: Float64Array;
  /** Per year of calendar time (∂V/∂t; negative = decay). */
  readonly theta: Float64Array;
  /** Per 1.00 of rate. */
  readonly rho: Float64Array;
}

/** Allocates a batch of `size` options; inputs start at 0 (puts), outputs at 0. */
export function createGreeksBatch(size: number): GreeksBatch {
  const column = () => new Float64Array(size);
  return {
    size,
    isCall: new Uint8Array(size),
    spot: column(),
    strike: column(),
    timeToExpiry: column(),
    rate: column(),
    dividendYield: column(),
    volatility: column(),
    price: column(),
    delta: column(),
    gamma: column(),
    vega: column(),
    theta: column(),
    rho: column(),
  };
}

/** Computes options `start` (inclusive) to `end` (exclusive) of the batch. */
export function revalueBatch(batch: GreeksBatch, start = 0, end: number = batch.size): void {
  valueRange(batch, Math.max(start, 0), Math.min(end, batch.size));
}

/**
 * Values option `i` of the batch in place. Boundary behaviour, chosen so that put-call parity
 * and Δc − Δp = e^{−qT} hold everywhere:
 * - **Invalid input** (spot or strike not > 0, volatility < 0, any NaN): every output is NaN.
 * - **At or after expiry** (T ≤ 0): price = intrinsic max(±(S − K), 0); delta = 1{S>K} for a call,
 *   −1{S<K} for a put, ±½ exactly at the strike; gamma, vega, theta, rho = 0.
 * - **Zero volatility** (σ√T = 0, T > 0): the deterministic forward limit. A call is worth
 *   max(A − B, 0) and its delta, theta and rho are the forward's (e^{−qT}, qA − rB, TB) where A > B,
 *   0 where A < B and half of them at A = B; gamma = 0 (the limit is a point mass at the forward);
 *   vega = 0 except at A = B, where it keeps its limit A·√T·n(0). Puts likewise.
 *   Tiny positive volatilities use the ordinary formulas, which stay finite and accurate.
 */
export function valueOptionAt(b: GreeksBatch, i: number): void {
  valueRange(b, i, i + 1);
}

/**
 * The kernel: values options `first` to `last` (exclusive). The columns are read into locals
 * once per call, so the loop body touches only the typed arrays' elements.
 */
function valueRange(b: GreeksBatch, first: number, last: number): void {
  const spotOf = b.spot;
  const strikeOf = b.strike;
  const timeToExpiryOf = b.timeToExpiry;
  const rateOf = b.rate;
  const dividendYieldOf = b.dividendYield;
  const volatilityOf = b.volatility;
  const isCallOf = b.isCall;
  const priceOf = b.price;
  const deltaOf = b.delta;
  const gammaOf = b.gamma;
  const vegaOf = b.vega;
  const thetaOf = b.theta;
  const rhoOf = b.rho;
  const expTable = EXP_TABLE;
  const pow2 = POW2;
  const logTable = LOG_TABLE;
  const invC = INV_C_TABLE;
  const bitsF64 = BITS_F64;
  const bitsI32 = BITS_I32;
  for (let i = first; i < last; i++) {
    const spot = spotOf[i] as number;
    const strike = strikeOf[i] as number;
    const time = timeToExpiryOf[i] as number;
    const rate = rateOf[i] as number;
    const q = dividendYieldOf[i] as number;
    const sigma = volatilityOf[i] as number;
    const isCall = isCallOf[i] === 1;
    let price: number;
    let delta: number;
    let gamma = 0;
    let vega = 0;
    let theta = 0;
    let rho = 0;
    if (!(spot > 0 && strike > 0 && sigma >= 0) || Number.isNaN(time + rate + q)) {
      price = delta = gamma = vega = theta = rho = Number.NaN;
    } else if (time <= 0) {
      // Expired: the payoff, with the step's midpoint at the strike.
      const step = spot > strike ? 1 : spot < strike ? 0 : 0.5;
      price = isCall ? Math.max(spot - strike, 0) : Math.max(strike - spot, 0);
      delta = isCall ? step : step - 1;
    } else {
      // ln(S/K) first, while few values are live. ln(F/K) from ln(S/K) rather than ln(a/bk):
      // exactly 0 for an at-the-money forward. Inline `kernelLog` (kernel-math.ts).
      const u = spot / strike;
      let lnSK: number;
      if (u > 1e-300 && u < 1e300) {
        bitsF64[0] = u;
        const w = bitsI32[1] as number;
        const j = ((w & 0xfffff) + 0x1000) >> 13;
        const e = (w >> 20) - 1023;
        const r = (u * (pow2[POW2_OFFSET - e] as number) - (1 + j * 0.0078125)) * (invC[j] as number);
        const p = r * r * (-0.5 + r * (1 / 3 + r * (-0.25 + r * (0.2 + r * (-1 / 6)))));
        const n = e + ((64 - j) >>> 31);
        lnSK = n * LN2_HI + (logTable[j] as number) + (r + (p + n * LN2_LO));
      } else lnSK = Math.log(u);
      const sqrtT = Math.sqrt(time);
      // The discount factors e^{−qT} and e^{−rT}: inline `kernelExp` (kernel-math.ts).
      let dq: number;
      const yq = -q * time;
      if (yq > -708 && yq < 709) {
        const kf = yq * INV_LN2_128 + ROUND_SHIFT - ROUND_SHIFT;
        const r = yq - kf * LN2_128_HI - kf * LN2_128_LO;
        const k = kf | 0;
        const t = expTable[k & 127] as number;
        const p = r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
        dq = (pow2[(k >> 7) + POW2_OFFSET] as number) * (t + t * p);
      } else dq = Math.exp(yq);
      let dr: number;
      const yr = -rate * time;
      if (yr > -708 && yr < 709) {
        const kf = yr * INV_LN2_128 + ROUND_SHIFT - ROUND_SHIFT;
        const r = yr - kf * LN2_128_HI - kf * LN2_128_LO;
        const k = kf | 0;
        const t = expTable[k & 127] as number;
        const p = r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
        dr = (pow2[(k >> 7) + POW2_OFFSET] as number) * (t + t * p);
      } else dr = Math.exp(yr);
      const a = spot * dq; // discounted forward of the underlying
      const bk = strike * dr; // discounted strike
      const s = sigma * sqrtT; // total volatility σ√T
      const invS = s > 0 ? 1 / s : 0;
      const x = lnSK + (rate - q) * time;
      const d1 =
        s > 0 ? x * invS + 0.5 * s : x > 0 ? Number.POSITIVE_INFINITY : x < 0 ? Number.NEGATIVE_INFINITY : 0;
      const d2 = d1 - s;
      // e^{−d1²/2} from the exact square d1² = hi + lo (Dekker), so far tails keep full relative
      // accuracy; written out here because this is the hot path.
      const hi = d1 * d1;
      const split = 134217729 * d1;
      const d1h = split - (split - d1);
      const d1l = d1 - d1h;
      const lo = d1h * d1h - hi + 2 * d1h * d1l + d1l * d1l;
      // e^{−hi/2}: inline `kernelExp`.
      let eh: number;
      const yh = -0.5 * hi;
      if (yh > -708) {
        const kf = yh * INV_LN2_128 + ROUND_SHIFT - ROUND_SHIFT;
        const r = yh - kf * LN2_128_HI - kf * LN2_128_LO;
        const k = kf | 0;
        const t = expTable[k & 127] as number;
        const p = r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
        eh = (pow2[(k >> 7) + POW2_OFFSET] as number) * (t + t * p);
      } else eh = Math.exp(yh);
      const g1 = Math.abs(d1) < 1e150 ? eh * (1 - 0.5 * lo) : 0;
      // a·n(d1) = bk·n(d2) identically, which saves an exponential; once n(d1) has underflowed the
      // identity carries no information and n(d2) is computed on its own.
      const g2 = g1 > 1e-280 ? (g1 * a) / bk : Math.exp(-0.5 * d2 * d2);
      const nd1 = INV_SQRT_2PI * g1;
      const tail1 = normalTailKernel(Math.abs(d1), g1); // N(−|d1|)
      const tail2 = normalTailKernel(Math.abs(d2), g2); // N(−|d2|)
      gamma = s > 0 ? (dq * nd1 * invS) / spot : 0;
      vega = a * nd1 * sqrtT;
      const decay = -0.5 * a * nd1 * sigma * sigma * invS; // −A·n(d1)·σ/(2√T)
      if (isCall) {
        const n1 = d1 >= 0 ? 1 - tail1 : tail1; // N(d1)
        const n2 = d2 >= 0 ? 1 - tail2 : tail2; // N(d2)
        price = a * n1 - bk * n2;
        delta = dq * n1;
        theta = decay + q * a * n1 - rate * bk * n2;
        rho = time * bk * n2;
      } else {
        const m1 = d1 >= 0 ? tail1 : 1 - tail1; // N(−d1)
        const m2 = d2 >= 0 ? tail2 : 1 - tail2; // N(−d2)
        price = bk * m2 - a * m1;
        delta = -dq * m1;
        theta = decay - q * a * m1 + rate * bk * m2;
        rho = -time * bk * m2;
      }
    }
    // One store site for every path, with no helper call: a call V8 does not inline would box
    // each double.
    priceOf[i] = price;
    deltaOf[i] = delta;
    gammaOf[i] = gamma;
    vegaOf[i] = vega;
    thetaOf[i] = theta;
    rhoOf[i] = rho;
  }
}
