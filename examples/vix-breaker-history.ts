/**
 * Replays the daily VIX closes of Cboe's history through a RiskEngine that has the example
 * profile's VIX breaker (`breakers.vix`: trip at ≥ 40, re-arm below 30, action reducing) and
 * prints every trip and re-arm with its date.
 *
 *   npx tsx examples/vix-breaker-history.ts [path/to/cboe_vix_daily.csv] [path/to/profile.yaml]
 *
 * Data: `shared/data/cboe_vix_daily.csv` (columns DATE,OPEN,HIGH,LOW,CLOSE, index points). Only
 * CLOSE is used: up to 2004-06-11 the file has closes only (OPEN = HIGH = LOW = CLOSE), so the
 * close is the one reading comparable across the whole history. Each close is fed as
 * `{ kind: 'index', name: 'VIX' }` at 16:15 New York on its date (the file lacks 1999-12-31 and
 * has a row for 2004-06-11, a day the NYSE was closed; both are replayed as they are).
 *
 * Latch policy: the profile's VIX breaker re-arms `when-clear` (its default), so the engine lifts
 * the latch itself at the first close below `resumeBelow` after a trip. With `rearm: manual` the
 * latch holds until a reset: then this script plays an operator who resets on the trading day
 * after the re-arm, before that day's close is fed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../src/cli/csv.ts';
import { ManualClock } from '../src/core/clock.ts';
import { parseRiskProfileFile } from '../src/core/config/load-profile.ts';
import { RiskEngine } from '../src/core/engine.ts';
import { newYorkToEpoch } from '../src/core/session.ts';

const defaultData = fileURLToPath(new URL('../../shared/data/cboe_vix_daily.csv', import.meta.url));
const defaultProfile = fileURLToPath(new URL('./profiles/example.yaml', import.meta.url));
const dataPath = process.argv[2] ?? defaultData;
const profilePath = process.argv[3] ?? defaultProfile;

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    console.error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}

const profile = parseRiskProfileFile(read(profilePath), profilePath);
if (!profile.ok) {
  for (const issue of profile.issues) console.error(`${profilePath}: ${issue.path}: ${issue.message}`);
  process.exit(2);
}
const vix = profile.value.breakers.vix;
if (vix === undefined) {
  console.error(`${profilePath}: the ${profile.value.mode} profile has no breakers.vix`);
  process.exit(2);
}
const table = parseCsv(read(dataPath));
if (!table.ok) {
  console.error(`${dataPath}:${table.line}: ${table.message}`);
  process.exit(2);
}
const column = (name: string) => {
  const index = table.header.indexOf(name);
  if (index < 0) throw new Error(`${dataPath}: no column '${name}' in ${table.header.join(',')}`);
  return index;
};
const dateColumn = column('DATE');
const closeColumn = column('CLOSE');

const first = table.records[0]?.fields[dateColumn] ?? '1990-01-01';
const clock = new ManualClock(newYorkToEpoch(first, '09:00'));
const engine = new RiskEngine({ profile: profile.value, clock });
const vixArmed = () => {
  const state = engine.snapshot().breakers.find((b) => b.id === 'vix')?.state as
    | { armed?: boolean }
    | undefined;
  return state?.armed !== false;
};

interface Episode {
  trip: string;
  tripClose: number;
  peak: number;
  peakDate: string;
  rearm?: string;
  rearmClose?: number;
  reset?: string;
  days: number;
}
const episodes: Episode[] = [];
let open: Episode | undefined;
let resetDue = false;

console.log(
  `VIX breaker on ${table.records.length} daily closes (${first} … ${table.records.at(-1)?.fields[dateColumn]}): ` +
    `trip at ≥ ${vix.above}, re-arm below ${vix.resumeBelow}, action ${vix.action}`,
);
console.log(
  vix.rearm === 'manual'
    ? 'latch policy manual: this script resets on the trading day after the re-arm\n'
    : `latch policy ${vix.rearm}: the engine lifts the latch itself\n`,
);
for (const { fields, line } of table.records) {
  const date = fields[dateColumn] ?? '';
  const close = Number(fields[closeColumn]);
  if (!Number.isFinite(close)) {
    console.log(`${date}  skipped line ${line}: CLOSE '${fields[closeColumn]}' is not a number`);
    continue;
  }
  const time = newYorkToEpoch(date, '16:15');
  clock.set(time);
  if (resetDue && open !== undefined) {
    engine.reset('vix-history-script', `VIX re-armed on ${open.rearm}`);
    open.reset = date;
    console.log(`${date}  RESET   by the script (trading day after the re-arm)`);
    open = undefined;
    resetDue = false;
  }
  const { trips } = engine.onMarket({ kind: 'index', name: 'VIX', time, value: close });
  for (const trip of trips) {
    open = { trip: date, tripClose: close, peak: close, peakDate: date, days: 0 };
    episodes.push(open);
    console.log(`${date}  TRIP    ${trip.code} close=${close.toFixed(2)} → ${trip.action}`);
  }
  if (open === undefined) continue;
  open.days++;
  if (close > open.peak) {
    open.peak = close;
    open.peakDate = date;
  }
  if (open.rearm === undefined && trips.length === 0 && vixArmed()) {
    open.rearm = date;
    open.rearmClose = close;
    console.log(
      `${date}  RE-ARM  close=${close.toFixed(2)} < ${vix.resumeBelow} (state ${engine.tradingState})`,
    );
    if (engine.tradingState === 'active') {
      open.reset = date; // lifted by the latch policy
      open = undefined;
    } else resetDue = true;
  }
}

console.log('\nepisodes (trip → re-arm; trading days latched until the latch lifted):');
console.log('trip        close   peak close (date)     re-arm      close   lifted      days');
for (const e of episodes) {
  console.log(
    `${e.trip}  ${e.tripClose.toFixed(2).padStart(6)}  ${e.peak.toFixed(2).padStart(6)} (${e.peakDate})  ` +
      `${(e.rearm ?? 'not yet').padEnd(10)}  ${(e.rearmClose?.toFixed(2) ?? '').padStart(6)}  ` +
      `${(e.reset ?? '—').padEnd(10)}  ${e.days}`,
  );
}
console.log(`\n${episodes.length} trips; trading state at the end: ${engine.tradingState}`);
