import { describe, expect, it } from 'vitest';
import { compileChecks } from './check-pipeline.ts';
import type { Violation } from './decision.ts';
import type { CheckInput, PreTradeRule, RiskContext } from './rule.ts';
import { violation } from './rules/limits.ts';

const input = { order: { symbol: 'AAPL' } } as unknown as CheckInput;
const ctx = {} as RiskContext;

function rule(id: string, scope: 'entries' | 'all', outcome: 'pass' | 'deny' | 'throw'): PreTradeRule {
  return {
    id,
    scope,
    check(this: PreTradeRule) {
      if (outcome === 'throw') throw new Error(`${this.id} broke`);
      return outcome === 'deny' ? violation('DENIED', this.id, { symbol: 'AAPL' }) : null;
    },
  };
}

const codes = (found: Violation[] | undefined) => found?.map((v) => `${v.ruleId}:${v.code}`);

describe('compileChecks', () => {
  it('returns undefined when every rule passes', () => {
    const run = compileChecks([rule('a', 'all', 'pass'), rule('b', 'entries', 'pass')]);
    expect(run(input, ctx, false)).toBeUndefined();
    expect(compileChecks([])(input, ctx, false)).toBeUndefined();
  });

  it('collects every violation in rule order, calling each check with its rule as this', () => {
    const run = compileChecks([
      rule('a', 'all', 'deny'),
      rule('b', 'entries', 'pass'),
      rule('c', 'entries', 'deny'),
      rule('d', 'all', 'deny'),
    ]);
    expect(codes(run(input, ctx, false))).toEqual(['a:DENIED', 'c:DENIED', 'd:DENIED']);
  });

  it('keeps the rule order and the entries-only scope across the generated groups of rules', () => {
    const outcomes = [
      'deny',
      'pass',
      'throw',
      'deny',
      'pass',
      'deny',
      'deny',
      'pass',
      'deny',
      'throw',
      'deny',
    ] as const;
    const rules = outcomes.map((outcome, i) => rule(`r${i}`, i % 3 === 0 ? 'entries' : 'all', outcome));
    const run = compileChecks(rules);
    const expected = (reducing: boolean) =>
      outcomes.flatMap((outcome, i) =>
        (reducing && i % 3 === 0) || outcome === 'pass'
          ? []
          : [`r${i}:${outcome === 'throw' ? 'RULE_ERROR' : 'DENIED'}`],
      );
    expect(codes(run(input, ctx, false))).toEqual(expected(false));
    expect(codes(run(input, ctx, true))).toEqual(expected(true));
  });

  it('skips entries-only rules for risk-reducing orders', () => {
    const run = compileChecks([rule('a', 'entries', 'deny'), rule('b', 'all', 'deny')]);
    expect(codes(run(input, ctx, true))).toEqual(['b:DENIED']);
  });

  it('turns an exception into a RULE_ERROR naming the rule, and runs the remaining rules', () => {
    const run = compileChecks([rule('a', 'all', 'throw'), rule('b', 'all', 'deny')]);
    const found = run(input, ctx, false);
    expect(codes(found)).toEqual(['a:RULE_ERROR', 'b:DENIED']);
    expect(found?.[0]?.message).toBe('rule=a error=a broke');
  });

  it('passes the input and context through unchanged', () => {
    const seen: unknown[] = [];
    const spy: PreTradeRule = {
      id: 'spy',
      scope: 'all',
      check(i, c) {
        seen.push(i, c);
        return null;
      },
    };
    compileChecks([spy])(input, ctx, false);
    expect(seen).toEqual([input, ctx]);
    expect(seen[0]).toBe(input);
    expect(seen[1]).toBe(ctx);
  });
});
