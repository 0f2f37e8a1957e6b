import { parseArgs } from 'node:util';
import { ManualClock } from '../../core/clock.ts';
import type { Decision } from '../../core/decision.ts';
import { RiskEngine } from '../../core/engine.ts';
import type { RiskActions } from '../../core/engine-types.ts';
import { stock } from '../../core/instrument.ts';
import { MemoryRiskStateStore } from '../../core/memory-state-store.ts';
import type { OrderIntent } from '../../core/order.ts';
import { newYorkToEpoch } from '../../core/session.ts';
import { EXAMPLE_PROFILE_PATH, loadRiskProfile } from '../../platform/profile-file.ts';
import type { Command } from '../command.ts';
import { createPrinter } from '../demo-printer.ts';

/** Daily bars before the demo day (AAPL, JPM, XOM), so ATR-based stops have history. */
const HISTORY: Record<string, number[]> = {
  AAPL: [
    178.2, 177.1, 175.9, 176.8, 174.2, 173.5, 172.9, 174.0, 175.3, 173.1, 171.2, 170.4, 172.6, 173.9, 172.0,
    171.1, 173.3, 172.4,
  ],
  JPM: [
    183.1, 184.0, 185.2, 184.7, 186.3, 187.0, 186.1, 187.9, 188.5, 187.6, 189.0, 188.2, 189.4, 190.1, 189.2,
    188.8, 189.9, 190.0,
  ],
  MSFT: [
    409.1, 410.3, 412.0, 411.2, 413.6, 415.1, 414.0, 416.2, 417.9, 416.5, 418.3, 417.0, 419.4, 420.8, 419.6,
    421.0, 420.2, 421.5,
  ],
  XOM: [
    104.2, 105.1, 106.0, 105.4, 107.3, 108.0, 107.6, 109.1, 110.4, 109.8, 111.0, 110.6, 111.9, 112.8, 112.1,
    113.0, 112.6, 113.2,
  ],
};

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Walk through the risk engine on a scripted trading day (no setup needed).',
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: { profile: { type: 'string' }, 'no-color': { type: 'boolean' }, help: { type: 'boolean' } },
    });
    if (values.help) {
      console.log(
        'Usage: riskgate demo [--profile <file>] [--no-color]\n\nReplays a scripted trading day through the engine with the example paper profile.',
      );
      return 0;
    }
    const out = createPrinter(process.stdout.isTTY === true && values['no-color'] !== true);
    const profile = await loadRiskProfile(values.profile ?? EXAMPLE_PROFILE_PATH);
    const store = new MemoryRiskStateStore();
    const clock = new ManualClock(newYorkToEpoch('2024-03-14', '16:00'));
    const instruments = [...Object.keys(HISTORY), 'GME', 'NVDA'].map((s) =>
      stock(s, profile.sectors[s] ?? 'Unknown'),
    );
    let engine = await RiskEngine.create({ profile, clock, instruments, store });

    out.title(`riskgate demo: one trading day under the example ${profile.mode} profile`);
    out.note(
      `starting equity ${out.usd(profile.startingEquity)}; symbol limit ${profile.exposure.symbol?.percent}% / ${out.usd(profile.exposure.symbol?.usd ?? 0)}; ` +
        `daily loss ${profile.breakers.dailyLoss?.percent}% / ${out.usd(profile.breakers.dailyLoss?.usd ?? 0)} → ${profile.breakers.dailyLoss?.action}`,
    );

    // History: 18 daily bars so ATR exists before the open (a live gateway warms up the same way).
    const warmUp = (e: RiskEngine) => {
      for (let day = 0; day < 18; day++) {
        const t = newYorkToEpoch('2024-02-16', '09:30') + day * 86_400_000;
        for (const [symbol, closes] of Object.entries(HISTORY)) {
          const close = closes[day]!;
          const prev = closes[day - 1] ?? close;
          const bar = {
            kind: 'bar',
            symbol,
            time: t,
            open: prev,
            high: Math.max(prev, close) * 1.006,
            low: Math.min(prev, close) * 0.994,
            close,
            volume: 1e6,
          } as const;
          e.onMarket(bar);
        }
      }
    };
    warmUp(engine);
    const at = (time: string) => clock.set(newYorkToEpoch('2024-03-15', time));
    const mark = (symbol: string, price: number) =>
      engine.onMarket({ kind: 'mark', symbol, time: clock.now(), price });
    const last: Record<string, number> = {};
    const marks = (prices: Record<string, number>) => {
      const actions: RiskActions[] = [];
      for (const [symbol, price] of Object.entries(prices)) {
        last[symbol] = price;
        actions.push(mark(symbol, price));
      }
      return actions;
    };
    let n = 0;
    const intent = (
      symbol: string,
      side: 'buy' | 'sell',
      qty: number,
      extra: Partial<OrderIntent> = {},
    ): OrderIntent => ({
      clientOrderId: `demo-${++n}`,
      symbol,
      side,
      qty,
      type: 'market',
      timeInForce: 'day',
      strategy: 'momentum',
      ...extra,
    });
    const send = (o: OrderIntent, fillPrice?: number, reason?: string): Decision => {
      const d = engine.validateOrder(o);
      out.decision(clock.now(), o, d);
      if (d.kind !== 'deny' && fillPrice !== undefined) {
        const sent = d.kind === 'accept-modified' ? d.order : o;
        const result = engine.onFill({
          executionId: `exec-${sent.clientOrderId}`,
          clientOrderId: sent.clientOrderId,
          symbol: sent.symbol,
          side: sent.side,
          qty: sent.qty,
          price: fillPrice,
          time: clock.now(),
          strategy: 'momentum',
          ...(reason ? { reason } : {}),
        });
        out.fill(clock.now(), sent, fillPrice, result.position?.stop, result.closedTrade);
      }
      return d;
    };
    const react = (actions: RiskActions) => {
      for (const trip of actions.trips) out.trip(trip.at, trip.code, trip.action, trip.message);
      for (const exit of actions.exits) {
        out.exit(exit.time, exit);
        send(
          intent(exit.symbol, exit.side, exit.qty, { strategy: 'risk-exit' }),
          exit.price ?? last[exit.symbol],
          exit.reason,
        );
      }
    };

    out.section('09:30  Opening marks and first entries');
    at('09:30');
    marks({ AAPL: 172.5, JPM: 190.2, XOM: 113.4, MSFT: 421.3, GME: 14.1, NVDA: 878.4 });
    send(intent('AAPL', 'buy', 30), 172.55);
    send(intent('JPM', 'buy', 27), 190.25);
    send(intent('XOM', 'buy', 45, { type: 'limit', limitPrice: 113.4 }), 113.4);

    out.section('09:45  Orders the engine refuses, and why');
    at('09:45');
    marks({ AAPL: 172.8, JPM: 190.4, XOM: 113.6, MSFT: 421.0, GME: 14.3 });
    send(intent('AAPL', 'buy', 40));
    send(intent('GME', 'buy', 100));
    send(intent('JPM', 'buy', 2, { type: 'limit', limitPrice: 190.123 }));
    send(intent('XOM', 'buy', 5000));
    send(intent('MSFT', 'buy', 5, { type: 'limit', limitPrice: 445 }));
    send(intent('NVDA', 'buy', 1)); // its last price is 15 minutes old
    const retry = intent('AAPL', 'sell', 10);
    send(retry, 172.8);
    send({ ...retry }); // a retried request with the same client order id
    out.sizing(clock.now(), engine.suggestSize({ symbol: 'MSFT', side: 'buy' }), 'MSFT');

    out.section('13:05  Bad news: the market gaps down through the stops');
    for (const [time, prices] of [
      ['11:00', { AAPL: 171.2, JPM: 189.1, XOM: 112.9 }],
      ['13:05', { AAPL: 160.4, JPM: 172.6, XOM: 102.3 }],
    ] as const) {
      at(time);
      for (const actions of marks(prices)) react(actions);
      out.equity(clock.now(), engine.snapshot());
    }

    out.section('13:30  The latch holds: new entries denied, exits still pass');
    at('13:30');
    marks({ AAPL: 161.0, JPM: 173.4, XOM: 103.1, MSFT: 409.9 });
    send(intent('MSFT', 'buy', 5));
    send(intent('AAPL', 'sell', 5)); // opening a short is not risk-reducing
    out.state(clock.now(), engine.snapshot().tradingState);

    out.section('Next morning  A restart before the open reloads the latch from the store');
    await engine.flush();
    clock.set(newYorkToEpoch('2024-03-18', '08:00'));
    engine = await RiskEngine.create({ profile, clock, instruments, store });
    warmUp(engine);
    // Positions and cash come from the broker after a restart; the latch comes from the store.
    engine.onAccount({ time: clock.now(), equity: 53_783.45, cash: 53_783.45, buyingPower: 53_783.45 });
    marks({ AAPL: 160.1 });
    out.state(clock.now(), engine.snapshot().tradingState);
    send(intent('AAPL', 'buy', 10));

    out.section('09:30  The session opens: the daily-loss latch lifts by its policy (next-session)');
    clock.set(newYorkToEpoch('2024-03-18', '09:30'));
    marks({ AAPL: 160.1 });
    out.state(clock.now(), engine.snapshot().tradingState);
    send(intent('AAPL', 'buy', 10), 160.12);
    await engine.flush();
    out.footer(engine.snapshot(), (await store.listBreakerTrips(10)).length);
    return 0;
  },
};
