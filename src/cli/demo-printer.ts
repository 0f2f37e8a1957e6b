import type { Decision } from '../core/decision.ts';
import type { ExitSignal, RiskSnapshot } from '../core/engine-types.ts';
import type { OrderIntent } from '../core/order.ts';
import type { ClosedTrade } from '../core/position.ts';
import { newYorkWallClock } from '../core/session.ts';
import type { SizeSuggestion } from '../core/sizing.ts';
import type { TradingStateRecord } from '../core/trading-state.ts';

/** Console output for the demo: aligned, coloured when the terminal supports it. */
export function createPrinter(color: boolean) {
  const paint = (code: number) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const green = paint(32);
  const red = paint(31);
  const yellow = paint(33);
  const bold = paint(1);
  const dim = paint(2);
  const cyan = paint(36);
  const usd = (n: number) =>
    `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const hhmm = (t: number) => newYorkWallClock(t).toISOString().slice(11, 16);
  const describe = (o: OrderIntent) => {
    const px = o.limitPrice !== undefined ? ` @ ${o.limitPrice}` : '';
    return `${o.side} ${o.qty} ${o.symbol} ${o.type}${px}`.padEnd(28);
  };
  const line = (t: number, tag: string, text: string) => console.log(`${dim(hhmm(t))}  ${tag}  ${text}`);
  return {
    usd,
    title(text: string) {
      console.log(`\n${bold(text)}`);
    },
    note(text: string) {
      console.log(dim(text));
    },
    section(text: string) {
      console.log(`\n${cyan(`── ${text} `.padEnd(88, '─'))}`);
    },
    decision(t: number, o: OrderIntent, d: Decision) {
      if (d.kind === 'accept') line(t, green('ACCEPT  '), `${describe(o)} ${dim(`(${d.effect})`)}`);
      else if (d.kind === 'accept-modified') {
        line(t, yellow('MODIFIED'), `${describe(o)} ${dim(`(${d.effect})`)}`);
        for (const m of d.modifications)
          console.log(`                   ${yellow('↳')} ${m.field}: ${m.to}  ${dim(m.reason)}`);
      } else {
        line(t, red('DENY    '), `${describe(o)}`);
        for (const v of d.violations)
          console.log(`                   ${red('↳')} ${bold(v.code)} ${v.message}`);
      }
    },
    fill(
      t: number,
      o: OrderIntent,
      price: number,
      stop: number | undefined,
      closed: ClosedTrade | undefined,
    ) {
      const extra = closed
        ? `round trip ${closed.pnl >= 0 ? green(usd(closed.pnl)) : red(usd(closed.pnl))} (${closed.exitReason})`
        : stop !== undefined
          ? dim(`stop at ${stop.toFixed(2)}`)
          : '';
      line(t, dim('FILL    '), `${o.side} ${o.qty} ${o.symbol} @ ${price}  ${extra}`);
    },
    exit(t: number, e: ExitSignal) {
      line(
        t,
        yellow('EXIT    '),
        `${e.side} ${e.qty} ${e.symbol}: ${bold(e.reason)} at ${e.price?.toFixed(2) ?? 'market'} ${dim(`rules: ${e.rules.join(', ')}`)}`,
      );
    },
    trip(t: number, code: string, action: string, message: string) {
      line(t, red(bold('BREAKER ')), `${bold(code)} → ${bold(action.toUpperCase())}  ${message}`);
    },
    equity(t: number, s: RiskSnapshot) {
      const pnl = s.dailyPnl;
      line(
        t,
        dim('MARK    '),
        `equity ${usd(s.equity)}  day P&L ${pnl >= 0 ? green(usd(pnl)) : red(usd(pnl))}  state ${bold(s.tradingState.state)}`,
      );
    },
    state(t: number, r: TradingStateRecord) {
      line(t, cyan('STATE   '), `${bold(r.state)}  (${r.code}, by ${r.by}: ${r.reason})`);
    },
    sizing(t: number, s: SizeSuggestion, symbol: string) {
      line(
        t,
        cyan('SIZE    '),
        `${symbol}: ${s.qty} shares (${usd(s.notional)}, risking ${usd(s.riskUsd)}; stop ${s.stopPrice.toFixed(2)}) bound by ${bold(s.bound)}`,
      );
      for (const e of s.explanation) console.log(`                   ${dim(e)}`);
    },
    footer(s: RiskSnapshot, trips: number) {
      console.log(
        `\n${bold('End of demo.')} equity ${usd(s.equity)}, peak ${usd(s.peakEquity)}, ${s.positions.length} open position(s), ${trips} breaker trip(s) in the store.`,
      );
      console.log(
        dim(
          'Every decision above came from the same RiskEngine that runs in the backtester and the gateway.',
        ),
      );
      console.log(
        dim('Next: `npm test`, the README tour, or examples/profiles/example.yaml to change the limits.\n'),
      );
    },
  };
}
