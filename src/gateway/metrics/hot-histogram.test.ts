import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotHistogram } from './hot-histogram.ts';

const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];

function pair() {
  const reference = new Registry();
  const hot = new Registry();
  const config = {
    name: 'test_duration_seconds',
    help: 'A test "histogram"\nof durations',
    buckets: BUCKETS,
  };
  const histogram = new Histogram({ ...config, labelNames: ['endpoint'] as const, registers: [reference] });
  const fast = new HotHistogram({ ...config, labelName: 'endpoint', registers: [hot] });
  return { reference, hot, histogram, fast };
}

describe('HotHistogram', () => {
  it("reads at a scrape exactly as prom-client's Histogram fed the same values", async () => {
    const value = fc.oneof(
      fc.constantFrom(0, ...BUCKETS, 0.1, 7),
      fc.double({ min: 0, max: 0.2, noNaN: true }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('check', 'order', 'a"b\\c'), value), { maxLength: 60 }),
        async (observations) => {
          const { reference, hot, histogram, fast } = pair();
          const observers = new Map<string, { observe(v: number): void }>();
          for (const [endpoint, seconds] of observations) {
            histogram.labels({ endpoint }).observe(seconds);
            let observer = observers.get(endpoint);
            if (observer === undefined) {
              observer = fast.labels(endpoint);
              observers.set(endpoint, observer);
            }
            observer.observe(seconds);
          }
          expect(await hot.metrics()).toBe(await reference.metrics());
          expect(await hot.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
        },
      ),
    );
  });

  it('forgets its series on a registry reset, and refuses a value that is not a number', async () => {
    const { reference, hot, histogram, fast } = pair();
    histogram.labels({ endpoint: 'check' }).observe(0.001);
    fast.labels('check').observe(0.001);
    reference.resetMetrics();
    hot.resetMetrics();
    expect(await hot.metrics()).toBe(await reference.metrics());
    expect(() => fast.labels('check').observe(Number.NaN)).toThrow(TypeError);
  });
});
