import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isStrategy, type Strategy } from './strategy.ts';

/** Why a strategy file could not be used. */
export class StrategyLoadError extends Error {
  readonly code = 'STRATEGY_LOAD_FAILED' as const;
}

/**
 * Imports a strategy module (TypeScript or JavaScript) and returns its default export, which
 * must be a strategy (`defineStrategy({ name, onBar })`). Throws a {@link StrategyLoadError}
 * that says what was wrong.
 */
export async function loadStrategy(file: string): Promise<Strategy<unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new StrategyLoadError(`${path} does not exist`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = /require|ES Module|Unexpected token 'export'/.test(reason)
      ? ' (a strategy is an ES module: outside this project name it .mts, or put it beside a package.json with "type": "module")'
      : '';
    throw new StrategyLoadError(`${path} failed to load: ${reason}${hint}`, { cause: error });
  }
  if (!isStrategy(module.default)) {
    throw new StrategyLoadError(
      `${path} has no default export that is a strategy; expected \`export default defineStrategy({ name, onBar(bar, ctx) { ... } })\``,
    );
  }
  return module.default;
}
