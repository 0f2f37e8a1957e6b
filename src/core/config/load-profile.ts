import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { fail, type Issue, ok, type Parsed } from '../result.ts';
import { ProfileConfig, RiskProfileFile } from './profile-schema.ts';

/** A validated, active risk profile: the mode chosen and its limits. */
export interface RiskProfile extends ProfileConfig {
  readonly mode: 'paper' | 'live';
}

function toIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: describeIssue(i) }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field(s) ${issue.keys.join(', ')}: check the spelling`;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
    return `is required: expected ${issue.expected}`;
  return issue.message;
}

/** Cross-field checks of the file, run on the raw input so they report alongside field errors. */
function fileIssues(raw: unknown): Issue[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const file = raw as { mode?: unknown; liveConfirmed?: unknown; profiles?: Record<string, unknown> };
  const issues: Issue[] = [];
  if ((file.mode === 'paper' || file.mode === 'live') && file.profiles?.[file.mode] === undefined) {
    issues.push({
      path: `profiles.${file.mode}`,
      message: `mode is ${file.mode} but no ${file.mode} profile is defined`,
    });
  }
  if (file.mode === 'live' && file.liveConfirmed !== true) {
    issues.push({
      path: 'liveConfirmed',
      message: 'mode is live: set liveConfirmed: true to trade real money deliberately',
    });
  }
  return issues;
}

/**
 * Parses a risk profile file (YAML or JSON text) and returns the active profile, or every
 * problem found with its path. Never throws.
 */
export function parseRiskProfileFile(text: string, sourceName = 'profile'): Parsed<RiskProfile> {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    return fail([{ path: '', message: `${sourceName} is not valid YAML/JSON: ${(error as Error).message}` }]);
  }
  const parsed = RiskProfileFile.safeParse(raw);
  const issues = [...(parsed.success ? [] : toIssues(parsed.error)), ...fileIssues(raw)];
  if (!parsed.success || issues.length > 0) return fail(issues);
  const active = parsed.data.profiles[parsed.data.mode]!;
  return ok({ ...active, mode: parsed.data.mode });
}

/** Validates a single profile object (e.g. built in code), reporting every problem. */
export function parseProfile(input: unknown, mode: 'paper' | 'live' = 'paper'): Parsed<RiskProfile> {
  const parsed = ProfileConfig.safeParse(input);
  if (!parsed.success) return fail(toIssues(parsed.error));
  return ok({ ...parsed.data, mode });
}

/**
 * Parses a sector map CSV: a header with a `symbol` column and a `sector` (or `gics_sector`, as in
 * sectors.csv) column, any case.
 * Returns the map or every bad line.
 */
export function parseSectorCsv(text: string, sourceName = 'sectors.csv'): Parsed<Record<string, string>> {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const symbolCol = header.indexOf('symbol');
  const sectorCol = header.includes('sector') ? header.indexOf('sector') : header.indexOf('gics_sector');
  if (symbolCol < 0 || sectorCol < 0) {
    return fail([
      {
        path: `${sourceName}:1`,
        message: `expected a header with symbol and sector (or gics_sector) columns, got "${lines[0] ?? ''}"`,
      },
    ]);
  }
  const map: Record<string, string> = {};
  const issues: Issue[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    const symbol = cells[symbolCol]?.trim();
    const sector = cells[sectorCol]?.trim();
    if (!symbol || !sector) {
      issues.push({ path: `${sourceName}:${i + 1}`, message: 'missing Symbol or Sector' });
      continue;
    }
    map[symbol.toUpperCase()] = sector;
  }
  return issues.length > 0 ? fail(issues) : ok(map);
}

/** Splits one CSV line, honouring double-quoted cells. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
