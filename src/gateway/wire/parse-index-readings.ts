import { INDEX_NAME_EXPECTED, isIndexName } from '../indices/index-name.ts';
import type { FieldIssue, WireRead } from './wire-object.ts';
import { describeValue, MAX_DECIMAL_VALUE } from './wire-values.ts';

/** One market index reading in domain units. */
export interface IndexReading {
  /** Index name as configured, e.g. `VIX`. */
  readonly name: string;
  /** Index level (VIX points), finite and not negative. */
  readonly value: number;
  /** When the source measured it, epoch ms. */
  readonly time: number;
}

/** What a reading is checked against. */
export interface ReadingRules {
  /** Names accepted (configured and required). */
  readonly accepted: readonly string[];
  /** The gateway's time, epoch ms. */
  readonly now: number;
  /** How far in the future a reading's time may be (clock skew), in ms. */
  readonly maxFutureMs: number;
}

/** Most readings in one request. */
export const MAX_READINGS = 1_000;
/** Default tolerance for a source clock ahead of ours, in ms. */
export const MAX_FUTURE_SKEW_MS = 5_000;
/** Readings before this are refused: such a time is almost always epoch seconds sent as milliseconds. */
const EARLIEST_TIME = Date.UTC(2000, 0, 1);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^\d+(\.\d+)?$/;
/** The fields of one index reading; the OpenAPI document lists the same. */
export const READING_FIELDS = ['name', 'value', 'time'] as const;

const VALUE_EXPECTED =
  'a finite number at or above zero, as a JSON number or a decimal string such as "31.2"';
const TIME_EXPECTED = 'an RFC 3339 time with a zone such as "2026-12-07T14:30:00Z", or epoch milliseconds';

function readValue(raw: unknown): { value: number } | { problem: string } {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && DECIMAL.test(raw)) n = Number(raw);
  else if (typeof raw === 'string' && /^-\d/.test(raw))
    return { problem: `got ${describeValue(raw)}: below zero` };
  else return { problem: `got ${describeValue(raw)}` };
  if (!Number.isFinite(n)) return { problem: `got ${describeValue(raw)}` };
  if (n < 0) return { problem: `got ${describeValue(raw)}: below zero` };
  if (n >= MAX_DECIMAL_VALUE) return { problem: `got ${describeValue(raw)}: 1e15 or more` };
  return { value: n };
}

function readTime(raw: unknown, rules: ReadingRules): { time: number } | { problem: string } {
  let ms: number;
  if (typeof raw === 'string' && RFC3339.test(raw)) ms = Date.parse(raw);
  else if (typeof raw === 'number' && Number.isInteger(raw)) ms = raw;
  else return { problem: `got ${describeValue(raw)}` };
  if (!Number.isFinite(ms)) return { problem: `got ${describeValue(raw)}: not a calendar time` };
  if (ms < EARLIEST_TIME)
    return {
      problem: `got ${describeValue(raw)}: before 2000-01-01 (epoch seconds instead of milliseconds?)`,
    };
  const ahead = ms - rules.now;
  if (ahead > rules.maxFutureMs) {
    return {
      problem: `got ${describeValue(raw)}: ${(ahead / 1000).toFixed(1)}s ahead of the gateway's clock (at most ${rules.maxFutureMs / 1000}s allowed)`,
    };
  }
  return { time: ms };
}

/**
 * Reads one reading `{name, value, time}`; problems go to `issues` under `prefix` (e.g.
 * `readings.0`), and the result is undefined when there was any.
 */
export function readIndexReading(
  raw: unknown,
  prefix: string,
  rules: ReadingRules,
  issues: FieldIssue[],
): IndexReading | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push({
      field: prefix,
      problem: `got ${describeValue(raw)}`,
      expected: 'an object {name, value, time}',
    });
    return undefined;
  }
  const before = issues.length;
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(READING_FIELDS as readonly string[]).includes(key))
      issues.push({
        field: `${prefix}.${key}`,
        problem: 'unknown field',
        expected: `only ${READING_FIELDS.join(', ')}`,
      });
  }
  const { name, value, time } = record;
  if (name === undefined || name === null)
    issues.push({ field: `${prefix}.name`, expected: INDEX_NAME_EXPECTED });
  else if (typeof name !== 'string' || !isIndexName(name))
    issues.push({
      field: `${prefix}.name`,
      problem: `got ${describeValue(name)}`,
      expected: INDEX_NAME_EXPECTED,
    });
  else if (!rules.accepted.includes(name)) {
    issues.push({
      field: `${prefix}.name`,
      problem: `got ${describeValue(name)}: not an index this gateway takes`,
      expected: `one of ${rules.accepted.join(', ')} (see --index-names)`,
    });
  }
  let parsedValue: number | undefined;
  if (value === undefined || value === null)
    issues.push({ field: `${prefix}.value`, expected: VALUE_EXPECTED });
  else {
    const v = readValue(value);
    if ('problem' in v)
      issues.push({ field: `${prefix}.value`, problem: v.problem, expected: VALUE_EXPECTED });
    else parsedValue = v.value;
  }
  let parsedTime: number | undefined;
  if (time === undefined || time === null) issues.push({ field: `${prefix}.time`, expected: TIME_EXPECTED });
  else {
    const t = readTime(time, rules);
    if ('problem' in t) issues.push({ field: `${prefix}.time`, problem: t.problem, expected: TIME_EXPECTED });
    else parsedTime = t.time;
  }
  if (issues.length > before || parsedValue === undefined || parsedTime === undefined) return undefined;
  return { name: name as string, value: parsedValue, time: parsedTime };
}

/**
 * Reads a `POST /v1/market/indices` body `{"readings": [{name, value, time}, …]}` strictly: every
 * problem is reported with its field (`readings.0.value`), and one bad reading refuses them all.
 */
export function parseIndexReadings(body: unknown, rules: ReadingRules): WireRead<IndexReading[]> {
  const issues: FieldIssue[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      issues: [
        {
          field: '(body)',
          problem: `got ${describeValue(body)}`,
          expected: 'a JSON object {"readings": [...]}',
        },
      ],
    };
  }
  for (const key of Object.keys(body)) {
    if (key !== 'readings') issues.push({ field: key, problem: 'unknown field', expected: 'only readings' });
  }
  const list = (body as { readings?: unknown }).readings;
  const expected = `an array of 1 to ${MAX_READINGS} readings {name, value, time}`;
  if (list === undefined || list === null) issues.push({ field: 'readings', expected });
  else if (!Array.isArray(list))
    issues.push({ field: 'readings', problem: `got ${describeValue(list)}`, expected });
  else if (list.length === 0 || list.length > MAX_READINGS)
    issues.push({ field: 'readings', problem: `got ${list.length} readings`, expected });
  else {
    const readings: IndexReading[] = [];
    list.forEach((raw, i) => {
      const r = readIndexReading(raw, `readings.${i}`, rules, issues);
      if (r !== undefined) readings.push(r);
    });
    if (issues.length === 0) return { ok: true, value: readings };
  }
  return { ok: false, issues };
}
