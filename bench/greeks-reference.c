/*
 * C reference for bench:greeks: the same 100,000-option book (same generator and seed) valued
 * with the same Black-Scholes-Merton formulas, written the way one would in plain C with libm
 * (exp, log, sqrt, erfc). Prints the median wall-clock and CPU milliseconds of 51 full
 * revaluations after 30 warm-up runs, the fastest run, and a checksum of the outputs (which also
 * keeps the work from being optimised away).
 *
 *   cc -O2 -o greeks-reference bench/greeks-reference.c -lm && ./greeks-reference
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define POSITIONS 100000
#define OPTIONS_PER_UNDERLYING 1000

static double spot[POSITIONS], strike[POSITIONS], tte[POSITIONS], rate[POSITIONS], divy[POSITIONS],
    vol[POSITIONS];
static unsigned char is_call[POSITIONS];
static double price[POSITIONS], delta[POSITIONS], gamma_[POSITIONS], vega[POSITIONS], theta[POSITIONS],
    rho[POSITIONS];

static double state = 20151224;
static double next_random(void) {
  state = fmod(state * 16807, 2147483647);
  return (state - 1) / 2147483646;
}

static double norm_cdf(double x) { return 0.5 * erfc(-x * M_SQRT1_2); }

static void revalue(void) {
  for (int i = 0; i < POSITIONS; i++) {
    double s0 = spot[i], k = strike[i], t = tte[i], r = rate[i], q = divy[i], sigma = vol[i];
    double sqrt_t = sqrt(t);
    double dq = exp(-q * t), dr = exp(-r * t);
    double a = s0 * dq, b = k * dr, s = sigma * sqrt_t;
    double d1 = (log(s0 / k) + (r - q) * t) / s + 0.5 * s;
    double d2 = d1 - s;
    double pdf = exp(-0.5 * d1 * d1) * 0.3989422804014327;
    double gam = dq * pdf / (s0 * s);
    double veg = a * pdf * sqrt_t;
    double decay = -a * pdf * sigma / (2 * sqrt_t);
    if (is_call[i]) {
      double n1 = norm_cdf(d1), n2 = norm_cdf(d2);
      price[i] = a * n1 - b * n2;
      delta[i] = dq * n1;
      theta[i] = decay + q * a * n1 - r * b * n2;
      rho[i] = t * b * n2;
    } else {
      double m1 = norm_cdf(-d1), m2 = norm_cdf(-d2);
      price[i] = b * m2 - a * m1;
      delta[i] = -dq * m1;
      theta[i] = decay - q * a * m1 + r * b * m2;
      rho[i] = -t * b * m2;
    }
    gamma_[i] = gam;
    vega[i] = veg;
  }
}

static int compare(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

int main(void) {
  static const double expiry_days[10] = {7, 14, 30, 45, 60, 90, 180, 270, 365, 730};
  for (int i = 0; i < POSITIONS; i++) {
    int underlying = i / OPTIONS_PER_UNDERLYING;
    double s0 = 20 + 5 * underlying;
    is_call[i] = i % 2;
    spot[i] = s0;
    strike[i] = round(s0 * (0.6 + 0.8 * next_random()) * 2) / 2;
    tte[i] = expiry_days[i % 10] / 365;
    rate[i] = 0.04;
    divy[i] = (0.03 * (underlying % 4)) / 3;
    vol[i] = 0.15 + 0.45 * next_random();
  }
  for (int w = 0; w < 30; w++) revalue();
  double samples[51], cpu[51];
  for (int n = 0; n < 51; n++) {
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    revalue();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    samples[n] = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    cpu[n] = (c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6;
  }
  qsort(samples, 51, sizeof(double), compare);
  qsort(cpu, 51, sizeof(double), compare);
  double checksum = 0;
  for (int i = 0; i < POSITIONS; i++) checksum += price[i] + delta[i] + gamma_[i] + vega[i] + theta[i] + rho[i];
  printf("{\"revalueMs\":%.4f,\"fastestMs\":%.4f,\"cpuMs\":%.4f,\"checksum\":%.6f}\n", samples[25], samples[0],
         cpu[25], checksum);
  return 0;
}
