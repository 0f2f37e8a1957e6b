import { Gauge, type Registry } from 'prom-client';
import type { IndexBook } from './index-book.ts';

/**
 * Registers the index gauges, computed at each scrape from the book: the last value of every
 * index, the age of its last reading (+Inf for a required index never received, so an alert
 * on the age fires), and whether a required index is stale.
 */
export function registerIndexMetrics(registry: Registry, book: IndexBook): void {
  const view = () => book.view(Date.now());
  new Gauge({
    name: 'riskgate_index_value',
    help: 'Last reading of each market index (e.g. VIX points)',
    labelNames: ['name'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const i of view()) if (i.value !== null) this.set({ name: i.name }, i.value);
    },
  });
  new Gauge({
    name: 'riskgate_index_age_seconds',
    help: "Age of each market index's last reading by its own time, in seconds (+Inf when a required index was never received)",
    labelNames: ['name'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const i of view()) {
        if (i.ageMs !== null) this.set({ name: i.name }, i.ageMs / 1000);
        else if (i.required) this.set({ name: i.name }, Number.POSITIVE_INFINITY);
      }
    },
  });
  new Gauge({
    name: 'riskgate_index_stale',
    help: '1 while a required market index is missing or older than the maximum age (entries are denied), 0 otherwise',
    labelNames: ['name'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const i of view()) if (i.required) this.set({ name: i.name }, i.stale ? 1 : 0);
    },
  });
}
