/**
 * A fixed number of pre-trade checks, for counting instructions and cache misses of one check
 * under valgrind, where timings would be noise:
 *
 *   valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
 *     node --import tsx bench/core-count.ts POSITIONS CHECKS
 *
 * Run it twice with different CHECKS and divide the difference by the difference in checks: the
 * set-up and warm-up cancel out. The order mix is bench:core's (about 80% accepted).
 *
 * An optional third argument, comma-separated rule ids (or `*` for every rule), builds the engine
 * without those rules, to attribute the cost of a check: `... core-count.ts 500 2000000 tick,rate-limit`.
 * Leaving out a rule that denies also changes which orders are denied (`denied` in the output).
 */
import { build, orders } from './core-setup.ts';

const positions = Number(process.argv[2] ?? 500);
const checks = Number(process.argv[3] ?? 1_000_000);
const leaveOut = (process.argv[4] ?? '').split(',').filter((id) => id !== '');
const built = build(positions, leaveOut);
const { orders: mix } = orders(built.symbols, built.prices);
const dry = { dryRun: true } as const;
const engine = built.engine;
let denied = 0;
for (let i = 0; i < 300_000; i++) if (engine.validateOrder(mix[i & 4095]!, dry).kind === 'deny') denied++;
const t0 = process.cpuUsage();
for (let i = 0; i < checks; i++) if (engine.validateOrder(mix[i & 4095]!, dry).kind === 'deny') denied++;
const used = process.cpuUsage(t0);
const ns = ((used.user + used.system) * 1000) / Math.max(1, checks);
console.log(JSON.stringify({ positions, checks, leaveOut, denied, nsPerCheck: Number(ns.toFixed(1)) }));
