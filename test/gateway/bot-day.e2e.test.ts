/**
 * The bot-day conformance suite: a bot on the official Alpaca SDK (4.x and 3.x) trades an
 * ordinary day through the gateway, in front of the simulated exchange, with protection on.
 * Every step must succeed as it would at Alpaca without riskgate, and after every step the
 * protection invariant must hold at the exchange (test/support/protection-invariant.ts).
 * Steps run in order and share the exchange; a failed step does not stop the later ones, which
 * size their orders from the exchange's positions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK_LINES } from '../support/bot-clients.ts';
import { BOT_DAY_STEPS, type BotDayContext, fillMarketOrders, openDay } from '../support/bot-day.ts';
import { fillLog } from '../support/fill-log.ts';
import { settledReport } from '../support/protection-invariant.ts';
import { type Rig, startRig } from './harness.ts';

describe.each(SDK_LINES)('bot day on the official SDK $sdk', ({ client }) => {
  let rig: Rig;
  let ctx: BotDayContext;

  beforeAll(async () => {
    rig = await startRig();
    fillLog(rig.sim); // from the first order on
    openDay(rig.sim);
    const r = rig;
    ctx = {
      sim: r.sim,
      bot: client({ url: r.gateway.url, keyId: r.trader.key.keyId, secret: r.trader.secret }),
      kill: (body) => r.http('POST', '/v1/kill', body, r.officer),
      notes: [],
      workingExit: undefined,
    };
  });

  afterAll(async () => {
    if (ctx?.notes.length) console.log(`bot day notes:\n  ${ctx.notes.join('\n  ')}`);
    await rig?.close();
  });

  it.each(BOT_DAY_STEPS.map((step, index) => ({ step, label: `${index + 1}. ${step.name}` })))(
    '$label',
    async ({ step }) => {
      const problems = await step.run(ctx);
      const report = await settledReport(rig, { beforeCheck: () => fillMarketOrders(rig.sim) });
      const found = [...problems, ...report.violations.map((v) => `invariant: ${v}`)];
      expect(found, `step "${step.name}"`).toEqual([]);
    },
    60_000,
  );
});
