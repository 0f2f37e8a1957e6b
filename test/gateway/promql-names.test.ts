import { describe, expect, it } from 'vitest';
import { metricNames } from './promql-names.ts';

describe('metricNames (the checker of the shipped rules and dashboard)', () => {
  it('finds the metrics of an expression and nothing else', () => {
    expect(metricNames('sum by (job) (riskgate_instance_acting) != 1')).toEqual(
      new Set(['riskgate_instance_acting']),
    );
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, endpoint) (rate(riskgate_check_duration_seconds_bucket{job="$job", code=~"a|b"}[$__rate_interval])))',
      ),
    ).toEqual(new Set(['riskgate_check_duration_seconds_bucket']));
    expect(
      metricNames(
        'riskgate_quote_age_seconds > on(instance, job) group_left riskgate_quote_max_age_seconds and on(instance, job) riskgate_instance_acting == 1',
      ),
    ).toEqual(
      new Set(['riskgate_quote_age_seconds', 'riskgate_quote_max_age_seconds', 'riskgate_instance_acting']),
    );
  });

  it('reports a misspelt metric, so an unknown name cannot pass unseen', () => {
    expect(metricNames('riskgate_equity_dolars > 0')).toEqual(new Set(['riskgate_equity_dolars']));
  });
});
