import { defineConfig } from 'vitest/config';

/**
 * Tests whose invariant includes a deadline measured on the wall clock (a position may wait for
 * its protective stop only as long as the gateway's grace period). They run after everything
 * else, one file at a time, so that a machine busy with the rest of the suite (browsers, package
 * installs, other gateways) does not starve the gateway under test and stand in for a defect.
 */
const DEADLINE_TESTS = ['test/gateway/protection-race.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: DEADLINE_TESTS,
        },
      },
      {
        extends: true,
        test: {
          name: 'deadlines',
          include: DEADLINE_TESTS,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
