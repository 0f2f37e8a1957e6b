/**
 * Table-driven `exp` and `ln` for the Black-Scholes kernel, written so that the kernel can
 * carry them inline. V8 compiles `Math.exp` and `Math.log` into out-of-line calls to C++,
 * which cost more than the functions themselves on the kernel's critical path (every live
 * double is spilled around each call); the same steps written into the loop body are plain
 * arithmetic and two table loads that overlap with the rest of the option's work.
 *
 * exp(y) (Tang's method): y = (k/128)·ln 2 + r with |r| ≤ ln2/256, k = 128m + j;
 * exp(y) = 2^m · 2^(j/128) · e^r, e^r by its Taylor polynomial of degree 5 (truncation below
 * 6e-19). Within 1.5 units in the last place of `Math.exp` (3.1e-16 relative) for
 * −708 < y < 709; outside that range (and for NaN) the kernel falls back to `Math.exp`.
 *
 * ln(u): u = 2^e·m with m in [1, 2); c = 1 + j/128 is the table point nearest m (j ≤ 128) and
 * r = (m − c)/c, |r| ≤ 1/256; ln u = n·ln 2 + ln(c') + ln(1 + r) with c' = c (n = e) for
 * j ≤ 64 and c' = c/2 (n = e + 1) above, so that u near 1 has n = 0 and no cancellation;
 * ln(1 + r) by its series to r⁶ (truncation below 1e-18). Within 1.2e-16 absolute of `Math.log`
 * where |ln u| < 1 and 2.5e-16 relative above, for 1e-300 < u < 1e300 (outside, `Math.log`);
 * `ln(1)` is exactly 0.
 */

/** 2^(j/128), j = 0 … 127. */
export const EXP_TABLE = new Float64Array(128);
/** 2^m at index m + POW2_OFFSET, m = −1100 … 1099 (exact powers of two, subnormals included). */
export const POW2 = new Float64Array(2200);
export const POW2_OFFSET = 1100;
/** 1.5·2^52: adding and subtracting it rounds a double of magnitude < 2^51 to an integer. */
export const ROUND_SHIFT = 6755399441055744;
export const INV_LN2_128 = 128 / Math.LN2;
/** ln2/128 split so that k·LN2_128_HI is exact for |k| < 2^20 (its low 32 bits are zero). */
export const LN2_128_HI = (() => {
  const f = new Float64Array([Math.LN2 / 128]);
  new Int32Array(f.buffer)[0] = 0;
  return f[0] as number;
})();
/** ln 2 as a double and the rest of it. */
export const LN2_HI = Math.LN2;
export const LN2_LO = 2.3190468138462996e-17;
/** The rest of ln2/128. */
export const LN2_128_LO = (Math.LN2 - LN2_128_HI * 128) / 128 + LN2_LO / 128;
/** ln(c') for c = 1 + j/128, j = 0 … 128 (c' = c for j ≤ 64, c/2 above). */
export const LOG_TABLE = new Float64Array(129);
/** 1/c for c = 1 + j/128. */
export const INV_C_TABLE = new Float64Array(129);
/** Scratch for reading a double's exponent and leading mantissa bits. */
export const BITS_F64 = new Float64Array(1);
export const BITS_I32 = new Int32Array(BITS_F64.buffer);

for (let j = 0; j < 128; j++) EXP_TABLE[j] = 2 ** (j / 128);
for (let m = -POW2_OFFSET; m < POW2_OFFSET; m++) POW2[m + POW2_OFFSET] = 2 ** m;
for (let j = 0; j <= 128; j++) {
  const c = 1 + j / 128;
  LOG_TABLE[j] = j > 64 ? Math.log(c / 2) : Math.log(c);
  INV_C_TABLE[j] = 1 / c;
}

/**
 * e^y, the same steps as the kernel's inline copy (kept here for tests and as the
 * reference for that copy). Dimensionless.
 */
export function kernelExp(y: number): number {
  if (!(y > -708 && y < 709)) return Math.exp(y);
  const kf = y * INV_LN2_128 + ROUND_SHIFT - ROUND_SHIFT;
  const r = y - kf * LN2_128_HI - kf * LN2_128_LO;
  const k = kf | 0;
  const t = EXP_TABLE[k & 127] as number;
  const p = r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return (POW2[(k >> 7) + POW2_OFFSET] as number) * (t + t * p);
}

/** ln(u), the same steps as the kernel's inline copy. */
export function kernelLog(u: number): number {
  if (!(u > 1e-300 && u < 1e300)) return Math.log(u);
  BITS_F64[0] = u;
  const w = BITS_I32[1] as number;
  const j = ((w & 0xfffff) + 0x1000) >> 13;
  const e = (w >> 20) - 1023;
  const r = (u * (POW2[POW2_OFFSET - e] as number) - (1 + j * 0.0078125)) * (INV_C_TABLE[j] as number);
  const p = r * r * (-0.5 + r * (1 / 3 + r * (-0.25 + r * (0.2 + r * (-1 / 6)))));
  const n = e + ((64 - j) >>> 31);
  return n * LN2_HI + (LOG_TABLE[j] as number) + (r + (p + n * LN2_LO));
}
