/**
 * The protection benchmark: runs the bot-day workload (on both SDK lines) and the race workload
 * against a gateway in front of the simulated exchange at its default latency, and reports how
 * long positions spent without live broker stop coverage (from the exchange's own events), how
 * many protection-invariant violations were seen after the steps, and how many protective
 * orders were left live on flat symbols. It always runs to the end and reports what it saw.
 *
 *   npm run bench:protection                # human summary
 *   npm run bench:protection -- --json      # one JSON object
 *   npm run bench:protection -- --runs 20   # race interleavings (or RISKGATE_RACE_RUNS)
 */
import fc from 'fast-check';
import { startRig } from '../test/gateway/harness.ts';
import { SDK_LINES, sdk4Client } from '../test/support/bot-clients.ts';
import { BOT_DAY_STEPS, type BotDayContext, fillMarketOrders, openDay } from '../test/support/bot-day.ts';
import { fillLog } from '../test/support/fill-log.ts';
import { type InvariantReport, settledReport } from '../test/support/protection-invariant.ts';
import {
  RACE_PROFILE,
  RACE_QUOTES,
  type RaceContext,
  raceRun,
  resetRace,
  runRace,
} from '../test/support/race-workload.ts';
import { percentile, UnprotectedTime } from './unprotected-time.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const runsArg = args.indexOf('--runs');
const RUNS = Number(runsArg >= 0 ? args[runsArg + 1] : (process.env.RISKGATE_RACE_RUNS ?? 10));
const SEED = Number(process.env.RISKGATE_RACE_SEED ?? 20_261_206);

/** What one workload saw. */
interface Tally {
  steps: number;
  violations: number;
  violatingSteps: number;
  orphanOrders: number;
  stepProblems: number;
  episodesMs: number[];
  examples: string[];
}

function newTally(): Tally {
  return {
    steps: 0,
    violations: 0,
    violatingSteps: 0,
    orphanOrders: 0,
    stepProblems: 0,
    episodesMs: [],
    examples: [],
  };
}

function count(tally: Tally, label: string, report: InvariantReport, problems: readonly string[] = []): void {
  tally.steps += 1;
  tally.violations += report.violations.length;
  tally.violatingSteps += report.ok ? 0 : 1;
  tally.orphanOrders += report.orphanOrders;
  tally.stepProblems += problems.length;
  for (const message of [...problems, ...report.violations]) {
    if (tally.examples.length < 12) tally.examples.push(`${label}: ${message}`);
  }
}

async function botDay(tally: Tally): Promise<void> {
  for (const { sdk, client } of SDK_LINES) {
    const rig = await startRig();
    fillLog(rig.sim);
    const clock = new UnprotectedTime(rig.sim);
    openDay(rig.sim);
    const ctx: BotDayContext = {
      sim: rig.sim,
      bot: client({ url: rig.gateway.url, keyId: rig.trader.key.keyId, secret: rig.trader.secret }),
      kill: (body) => rig.http('POST', '/v1/kill', body, rig.officer),
      notes: [],
      workingExit: undefined,
    };
    try {
      for (const step of BOT_DAY_STEPS) {
        const problems = await step.run(ctx).catch((error: unknown) => [`threw: ${String(error)}`]);
        count(
          tally,
          `bot day ${sdk} "${step.name}"`,
          await settledReport(rig, { beforeCheck: () => fillMarketOrders(rig.sim) }),
          problems,
        );
      }
    } finally {
      clock.finish();
      tally.episodesMs.push(...clock.episodesMs);
      await rig.close();
    }
  }
}

async function race(tally: Tally): Promise<number> {
  const rig = await startRig({ profile: RACE_PROFILE });
  fillLog(rig.sim);
  for (const [symbol, bid] of Object.entries(RACE_QUOTES)) rig.sim.setQuote(symbol, bid, bid * 1.0002);
  const clock = new UnprotectedTime(rig.sim);
  const ctx: RaceContext = {
    rig,
    bot: sdk4Client({ url: rig.gateway.url, keyId: rig.trader.key.keyId, secret: rig.trader.secret }),
    exits: new Map(),
    refusals: [],
  };
  const runs = fc.sample(raceRun, { seed: SEED, numRuns: RUNS });
  try {
    for (const [index, run] of runs.entries()) {
      await resetRace(ctx);
      const steps = await runRace(ctx, run).catch((error: unknown) => {
        tally.examples.push(`race run ${index + 1}: threw ${String(error)}`);
        return [];
      });
      for (const step of steps) count(tally, `race run ${index + 1} "${step.label}"`, step.report);
    }
  } finally {
    clock.finish();
    tally.episodesMs.push(...clock.episodesMs);
    await rig.close();
  }
  return ctx.refusals.length;
}

const day = newTally();
const raced = newTally();
const started = performance.now();
await botDay(day);
const refusals = await race(raced);
const all = [...day.episodesMs, ...raced.episodesMs];
const figures = (t: Tally) => ({
  steps: t.steps,
  violations: t.violations,
  violatingSteps: t.violatingSteps,
  orphanOrders: t.orphanOrders,
  unprotectedEpisodes: t.episodesMs.length,
  unprotectedMsP50: round(percentile(t.episodesMs, 50)),
  unprotectedMsP99: round(percentile(t.episodesMs, 99)),
  unprotectedMsMax: round(Math.max(0, ...t.episodesMs)),
});
const result = {
  steps: day.steps + raced.steps,
  violations: day.violations + raced.violations,
  unprotectedMsP50: round(percentile(all, 50)),
  unprotectedMsP99: round(percentile(all, 99)),
  unprotectedMsMax: round(Math.max(0, ...all)),
  orphanOrders: day.orphanOrders + raced.orphanOrders,
  unprotectedEpisodes: all.length,
  botDay: { ...figures(day), stepProblems: day.stepProblems },
  race: { ...figures(raced), runs: RUNS, seed: SEED, botCallsRefused: refusals },
  wallSeconds: round((performance.now() - started) / 1000),
};

if (json) console.log(JSON.stringify(result));
else {
  console.log('protection benchmark (simulated exchange, default latency)');
  for (const [name, t] of [
    ['bot day (SDK 4.x and 3.x)', day],
    [`race (${RUNS} runs, seed ${SEED})`, raced],
  ] as const) {
    const f = figures(t);
    console.log(
      `  ${name}: ${f.steps} steps, ${f.violations} violations in ${f.violatingSteps} steps, ${f.orphanOrders} orphan orders; ` +
        `${f.unprotectedEpisodes} unprotected episodes, p50 ${f.unprotectedMsP50} ms, p99 ${f.unprotectedMsP99} ms, max ${f.unprotectedMsMax} ms`,
    );
  }
  console.log(
    `  total: ${result.steps} steps, ${result.violations} violations, ${result.orphanOrders} orphan orders, unprotected p50 ${result.unprotectedMsP50} ms / p99 ${result.unprotectedMsP99} ms / max ${result.unprotectedMsMax} ms (goal: 0, 0, p99 ≤ 1000 ms)`,
  );
  const examples = [...day.examples, ...raced.examples];
  if (examples.length > 0) console.log(`  first problems:\n    ${examples.slice(0, 16).join('\n    ')}`);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
