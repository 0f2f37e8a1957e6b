import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { BarSeriesBuilder } from '../../src/backtest/data/bar-series.ts';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import type { Strategy } from '../../src/backtest/strategy.ts';
import { parseRiskProfileFile } from '../../src/core/config/load-profile.ts';
import type { ExitSignal } from '../../src/core/engine-types.ts';
import { describeWithShared, readCsvObjects } from '../support/shared-data.ts';
import { eventually, type Rig, startRig } from './harness.ts';

/**
 * One profile, one meaning: a day of real one-minute SPY bars replayed through the backtester and
 * through the gateway (over its HTTP API, in front of the simulated exchange quoted with the same
 * prices), under the same profile file. Its ATR counts 5m bars and its time exit 15m bars, which
 * the engine builds from the one-minute bars in both. Every decision (accept or deny, the codes,
 * the stop attached from the ATR) and every exit (reason, the bar it fired on, quantity) must be
 * the same.
 *
 * What is compared, and why: the gateway sees each minute as four quotes (open, high, low, close)
 * and builds the one-minute bar from them, so both engines count the same bars and compute the
 * same ATR. A one-minute bar is complete in the gateway only on the first quote of the next
 * minute, whereas the backtester hands a strategy the bar already complete, so orders are placed
 * on minutes that do not finish a 5m bar (where both know the same bars). The stop attached from
 * the ATR is compared on entries that open a position: an add goes to the exchange without a stop
 * of its own, since the gateway resizes the position's one protective stop. Fills are not compared:
 * the backtester fills at the bar's close and the exchange at its quote, moments apart. The ATR
 * stop is wide, so no stop is hit and every exit is a signal of the engine (a stop that fills at
 * the exchange is the exchange's execution, not an engine decision).
 */

const DAY = '2013-10-07';
const FILE = 'data/lean_minute_trade_SPY_IBM_BAC_AIG_2013-10-04_2013-10-11.csv';
const PROFILE = readFileSync(new URL('../fixtures/timeframe-parity.yaml', import.meta.url), 'utf8');
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

interface MinuteBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** The bot's orders: minute of the session (0 = 09:30) → side and shares. */
const SCRIPT: Readonly<Record<number, readonly { side: 'buy' | 'sell'; qty: number }[]>> = {
  3: [{ side: 'buy', qty: 100 }], // no 5m ATR yet: the attached stop cannot be computed
  17: [{ side: 'buy', qty: 100 }], // the ATR of three 5m bars is known
  18: [{ side: 'buy', qty: 5_000 }], // above orders.maxQuantity
  61: [
    { side: 'buy', qty: 100 },
    { side: 'buy', qty: 200 },
  ],
  62: [{ side: 'buy', qty: 200 }], // above the $60,000 symbol exposure
  200: [{ side: 'sell', qty: 50 }], // flat and long-only: a short is refused
  251: [{ side: 'buy', qty: 150 }],
  386: [{ side: 'buy', qty: 10 }], // held at the end: no exit
};

interface DecisionRecord {
  readonly minute: number;
  readonly side: string;
  readonly qty: number;
  readonly outcome: 'accept' | 'deny';
  readonly codes: readonly string[];
  readonly stop: number | null;
}

interface ExitRecord {
  readonly minute: number;
  readonly reason: string;
  readonly side: string;
  readonly qty: number;
}

describeWithShared('one profile, one meaning: backtest and gateway', [FILE], ([file]) => {
  const bars: MinuteBar[] = readCsvObjects(file!)
    .filter((r) => r.symbol === 'SPY' && r.session === 'regular' && r.bar_start!.startsWith(DAY))
    .map((r) => ({
      time: Date.parse(r.bar_start!),
      open: Number(r.open),
      high: Number(r.high),
      low: Number(r.low),
      close: Number(r.close),
      volume: Number(r.volume),
    }));
  const t0 = bars[0]!.time;
  const minuteOf = (time: number, start = t0) => Math.floor((time - start) / MINUTE_MS);
  const parsed = parseRiskProfileFile(PROFILE);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  const profile = parsed.value;
  const exitRecord = (e: ExitSignal, start = t0): ExitRecord => ({
    minute: minuteOf(e.time, start),
    reason: e.reason,
    side: e.side,
    qty: e.qty,
  });

  function backtest(): { decisions: DecisionRecord[]; exits: ExitRecord[] } {
    const series = new BarSeriesBuilder('SPY', file!);
    for (const b of bars) series.push(b.time, b.open, b.high, b.low, b.close, b.volume);
    const decisions: DecisionRecord[] = [];
    const strategy: Strategy = {
      name: 'scripted-bot',
      onBar(bar, ctx) {
        const minute = minuteOf(bar.time);
        for (const o of SCRIPT[minute] ?? []) {
          const opens = ctx.position('SPY').qty === 0;
          const ticket = o.side === 'buy' ? ctx.buy('SPY', o.qty) : ctx.sell('SPY', o.qty);
          const d = ticket.decision;
          decisions.push({
            minute,
            ...o,
            outcome: d.kind === 'deny' ? 'deny' : 'accept',
            codes: ticket.violations.map((v) => v.code).sort(),
            stop: opens && d.kind === 'accept-modified' ? (d.order.protection?.stopLoss ?? null) : null,
          });
        }
      },
    };
    const result = runBacktest({
      data: { bars: [series.build('minute')], indexes: [], splits: [], quotes: [], sectors: {} },
      strategy,
      profile,
      execution: { marketFill: 'this-close' },
    });
    return { decisions, exits: result.exits.map((e) => exitRecord(e)) };
  }

  let rig: Rig | undefined;
  afterAll(() => rig?.close());

  async function gateway(): Promise<{ decisions: DecisionRecord[]; exits: ExitRecord[] }> {
    // The gateway measures how long a position is without a broker stop on the wall clock, from
    // the exchange's timestamps: the day is replayed starting within the last hour (whole hours
    // later, so every 5m and 15m bar holds the same minutes), and the grace is the longest allowed.
    const shift = Math.floor((Date.now() - t0) / HOUR_MS) * HOUR_MS;
    const start = t0 + shift;
    rig = await startRig({
      profile: PROFILE,
      // The exchange's time moves only when the test moves it; the monitor polls only when told to.
      simClock: { mode: 'manual', startMs: start - MINUTE_MS },
      flags: { markIntervalMs: '60000', stopGraceMs: '600000' },
    });
    const r = rig;
    const engine = () => r.gateway.services.ctx.risk.engine;
    const position = () => engine().book.symbols.get('SPY')?.position?.qty ?? 0;
    const signalled: ExitSignal[] = [];
    engine().subscribe((event) => {
      if (event.type === 'exit') signalled.push(event.exit);
    });
    // A dry run puts SPY on the watch list before its first quote.
    const check = { symbol: 'SPY', qty: '1', side: 'buy', type: 'market', time_in_force: 'day' };
    await r.http('POST', '/v1/orders/check', check);
    const decisions: DecisionRecord[] = [];
    const exits: ExitRecord[] = [];
    let seq = 0;
    /** Quotes the price again (same time) until `done`: the exchange matches orders on a quote. */
    const settle = (price: number, done: () => boolean, what: string) =>
      eventually(() => {
        r.sim.setQuote('SPY', price - 0.01, price + 0.01);
        return done();
      }, what);
    for (const bar of bars) {
      const minute = minuteOf(bar.time);
      const prices = [bar.open, bar.high, bar.low, bar.close];
      for (let q = 0; q < prices.length; q++) {
        r.sim.clock.advanceTo(bar.time + shift + q * 15_000);
        r.sim.setQuote('SPY', prices[q]! - 0.01, prices[q]! + 0.01);
        const before = signalled.length;
        await r.gateway.services.monitor.tick();
        if (signalled.length > before) {
          // A bar and the quote that finished it are one poll: one exit, sent once.
          exits.push(exitRecord(signalled[before]!, start));
          signalled.length = before;
          await settle(prices[q]!, () => position() === 0, `SPY flat after the exit at minute ${minute}`);
        }
      }
      for (const o of SCRIPT[minute] ?? []) {
        const held = position();
        const reply = await r.http('POST', '/v2/orders', {
          symbol: 'SPY',
          qty: String(o.qty),
          side: o.side,
          type: 'market',
          time_in_force: 'day',
          client_order_id: `parity-${minute}-${seq++}`,
        });
        const violations: { code: string }[] = reply.body?.riskgate?.violations ?? [];
        const stopLeg = (reply.body?.legs ?? []).find((l: { type: string }) => l.type === 'stop');
        decisions.push({
          minute,
          ...o,
          outcome: reply.status === 200 ? 'accept' : 'deny',
          // The bracket's stop leg: the stop the engine attached from the ATR.
          codes: violations.map((v) => v.code).sort(),
          stop: stopLeg === undefined ? null : Number(stopLeg.stop_price),
        });
        if (reply.status === 200) {
          const expected = held + (o.side === 'buy' ? o.qty : -o.qty);
          // The bracket's stop must be seen at the exchange before time moves on: the replay runs
          // minutes of exchange time in moments, far past the grace for an unprotected position.
          const covered = () => r.gateway.services.manager.coverage('SPY').stopCover >= Math.abs(expected);
          await settle(
            bar.close,
            () => position() === expected && covered(),
            `the fill and protection of the order at minute ${minute}`,
          );
        } else expect(reply.status, JSON.stringify(reply.body)).toBe(403);
      }
    }
    return { decisions, exits };
  }

  it('decides and exits the same in both, bar for bar', async () => {
    const expected = backtest();
    // The day exercises what is compared: accepts with an ATR stop, denials, time exits.
    expect(expected.decisions.filter((d) => d.outcome === 'accept').length).toBeGreaterThanOrEqual(4);
    expect(expected.decisions.filter((d) => d.outcome === 'deny').length).toBeGreaterThanOrEqual(4);
    expect(expected.decisions.filter((d) => d.stop !== null).length).toBeGreaterThanOrEqual(3);
    expect(expected.exits.length).toBeGreaterThanOrEqual(3);
    expect(expected.exits.every((e) => e.reason === 'time_exit')).toBe(true);
    const live = await gateway();
    expect(live.decisions).toEqual(expected.decisions);
    expect(live.exits).toEqual(expected.exits);
  }, 600_000);
});
