import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isStrategy, type Strategy } from './strategy.ts';

/** Why a strategy file could not be used. */
export class StrategyLoadError extends Error {
  readonly code = 'STRATEGY_LOAD_FAILED' as const;
}

const TYPESCRIPT = /\.[cm]?ts$/;

/**
 * Imports the module; a TypeScript file that Node cannot run by itself goes through tsx's
 * loader, which is imported only then (it is an optional dependency of the installed package).
 */
async function importModule(path: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as { default?: unknown };
  } catch (error) {
    if (!TYPESCRIPT.test(path) || (error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION')
      throw error;
  }
  let tsx: { tsImport(specifier: string, parentURL: string): Promise<unknown> };
  try {
    tsx = (await import('tsx/esm/api')) as typeof tsx;
  } catch (cause) {
    throw new StrategyLoadError(
      `${path} is TypeScript, which needs the tsx package to load: run \`npm install --save-dev tsx\` in your project, or compile the strategy to JavaScript`,
      { cause },
    );
  }
  return (await tsx.tsImport(url, import.meta.url)) as { default?: unknown };
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
    module = await importModule(path);
  } catch (error) {
    if (error instanceof StrategyLoadError) throw error;
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
