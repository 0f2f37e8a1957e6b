import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { describeWithShared } from './support/shared-data.ts';

const root = new URL('..', import.meta.url).pathname;

describeWithShared(
  'GOOG 2015-12-24 chain example',
  ['data/lean_option_chain_GOOG_2015-12-24.csv'],
  ([path]) => {
    it('solves the implied volatilities the data README describes', () => {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', 'examples/goog-chain-iv.ts', path as string],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      expect(out).toContain('two-sided quotes: 1888');
      expect(out).toMatch(/solved\s+1702/);
      expect(out).toMatch(/INVALID_INPUT \(expires today, T = 0\)\s+109/);
      expect(out).toMatch(/PRICE_BELOW_INTRINSIC\s+77/);
      expect(out).toMatch(
        /1702 solved by both, max \|difference\| [0-9.]+e-5; solved only here 0, only there 0/,
      );
      // README: ATM IV about 14% at one week, 26% at six months, 28% at two years.
      expect(out).toMatch(/2015-12-31 .* 14\.\d%/);
      expect(out).toMatch(/2016-06-17 .* 25\.9%/);
      expect(out).toMatch(/2018-01-19 .* 27\.6%/);
    });
  },
);
