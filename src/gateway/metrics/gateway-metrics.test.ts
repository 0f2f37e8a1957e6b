import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../core/decision.ts';
import { GatewayMetrics } from './gateway-metrics.ts';

/** The block of one metric in a scrape (HELP, TYPE and its series). */
function block(text: string, name: string): string | undefined {
  return text
    .split('\n\n')
    .map((b) => b.trim())
    .find((b) => b.startsWith(`# HELP ${name} `));
}

/** prom-client's own metrics, fed one call at a time, as the hot-path series were before. */
function reference() {
  const registry = new Registry();
  const checkLatency = new Histogram({
    name: 'riskgate_check_duration_seconds',
    help: 'Time of one pre-trade risk check, in seconds',
    labelNames: ['endpoint'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [registry],
  });
  const dryRuns = new Counter({
    name: 'riskgate_dry_run_checks_total',
    help: 'Dry-run checks (POST /v1/orders/check) by outcome; they reserve nothing and are not audited',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return { registry, checkLatency, dryRuns };
}

describe('GatewayMetrics hot-path series', () => {
  it('scrape as prom-client histograms and counters observed on every check would', async () => {
    const call = fc.tuple(
      fc.constantFrom('check' as const, 'order' as const),
      fc.oneof(fc.constantFrom(0, 0.00005, 0.0001, 0.05), fc.double({ min: 0, max: 0.1, noNaN: true })),
      fc.constantFrom<Decision['kind']>('accept', 'accept-modified', 'deny'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(call, { maxLength: 50 }), fc.nat(50), async (calls, scrapeAt) => {
        const metrics = new GatewayMetrics();
        const ref = reference();
        const scrape = async () => {
          const [ours, theirs] = [await metrics.registry.metrics(), await ref.registry.metrics()];
          for (const name of ['riskgate_check_duration_seconds', 'riskgate_dry_run_checks_total']) {
            expect(block(ours, name)).toBe(block(theirs, name));
          }
        };
        for (const [i, [endpoint, seconds, outcome]] of calls.entries()) {
          // Scraped once midway too: a scrape must not change what later scrapes read.
          if (i === scrapeAt) await scrape();
          metrics.observeCheck(endpoint, seconds, endpoint === 'check' ? outcome : undefined);
          ref.checkLatency.labels({ endpoint }).observe(seconds);
          if (endpoint === 'check') ref.dryRuns.labels({ outcome }).inc();
        }
        await scrape();
      }),
    );
  });
});
