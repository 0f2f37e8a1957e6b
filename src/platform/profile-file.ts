import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseRiskProfileFile, parseSectorCsv, type RiskProfile } from '../core/config/load-profile.ts';
import { type Issue, ValidationError } from '../core/result.ts';

/**
 * Reads and validates a risk profile file (YAML or JSON) and merges its sector CSV, if any,
 * under the inline `sectors` (inline entries win). Throws a {@link ValidationError} listing
 * every problem, or an error naming the file that could not be read.
 */
export async function loadRiskProfile(path: string): Promise<RiskProfile> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read risk profile ${absolute}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
  const parsed = parseRiskProfileFile(text, absolute);
  if (!parsed.ok) throw new ValidationError(`risk profile ${absolute}`, parsed.issues);
  const profile = parsed.value;
  if (profile.sectorsFile === undefined) return profile;
  const sectorsPath = resolve(dirname(absolute), profile.sectorsFile);
  let csv: string;
  try {
    csv = await readFile(sectorsPath, 'utf8');
  } catch (error) {
    const issue: Issue = {
      path: 'sectorsFile',
      message: `cannot read ${sectorsPath} (${(error as NodeJS.ErrnoException).code ?? error})`,
    };
    throw new ValidationError(`risk profile ${absolute}`, [issue]);
  }
  const sectors = parseSectorCsv(csv, sectorsPath);
  if (!sectors.ok) throw new ValidationError(`sector file ${sectorsPath}`, sectors.issues);
  return { ...profile, sectors: { ...sectors.value, ...profile.sectors } };
}

/** The example paper profile shipped with riskgate. */
export const EXAMPLE_PROFILE_PATH = new URL('../../examples/profiles/example.yaml', import.meta.url).pathname;
