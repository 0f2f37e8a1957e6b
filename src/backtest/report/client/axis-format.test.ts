import { describe, expect, it } from 'vitest';
import { formatTicks, formatValue } from './axis-format.js';

describe('axis labels', () => {
  it('show enough decimals for ticks close together to differ', () => {
    expect(formatTicks([1_000_000, 1_050_000, 1_100_000, 1_150_000], 'money')).toEqual([
      '$1.00M',
      '$1.05M',
      '$1.10M',
      '$1.15M',
    ]);
    expect(formatTicks([1_000_000, 1_025_000, 1_050_000], 'money')).toEqual([
      '$1.000M',
      '$1.025M',
      '$1.050M',
    ]);
    expect(formatTicks([990_000, 1_000_000, 1_010_000], 'money')).toEqual(['$0.99M', '$1.00M', '$1.01M']);
  });

  it('use whole units when the step allows, and k below a million', () => {
    expect(formatTicks([0, 2_000_000, 4_000_000], 'money')).toEqual(['$0M', '$2M', '$4M']);
    expect(formatTicks([95_000, 100_000, 105_000], 'money')).toEqual(['$95k', '$100k', '$105k']);
    expect(formatTicks([20, 40, 60], 'money')).toEqual(['$20', '$40', '$60']);
    expect(formatTicks([-2_000, 0, 2_000], 'money')).toEqual(['-$2k', '$0k', '$2k']);
  });

  it('format percentages and prices from the step', () => {
    expect(formatTicks([-10, -5, 0], 'percent')).toEqual(['-10%', '-5%', '0%']);
    expect(formatTicks([0, 0.5, 1], 'percent')).toEqual(['0.0%', '0.5%', '1.0%']);
    expect(formatTicks([101.25, 101.5, 101.75], 'price')).toEqual(['101.25', '101.50', '101.75']);
    expect(formatTicks([100, 150, 200], 'price')).toEqual(['100', '150', '200']);
  });

  it('survive floating-point steps and odd input', () => {
    expect(formatTicks([0.1, 0.2, 0.30000000000000004], 'price')).toEqual(['0.1', '0.2', '0.3']);
    expect(formatTicks([5], 'price')).toEqual(['5']);
    expect(formatTicks([], 'money')).toEqual([]);
  });

  it('print exact values for the legend', () => {
    expect(formatValue(1_053_212.345, 'money')).toBe('$1,053,212.35');
    expect(formatValue(-3.146, 'percent')).toBe('-3.15%');
    expect(formatValue(101.5, 'price')).toBe('101.50');
    expect(formatValue(null, 'money')).toBe('–');
    expect(formatValue(Number.NaN, 'price')).toBe('–');
  });
});
