import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { API_KEY_ROLES, type ApiKeyRole } from '../../store/api-keys.ts';
import { isStoreError } from '../../store/errors.ts';
import { openStore } from '../../store/open-store.ts';
import type { Command } from '../command.ts';

const HELP = `Usage: riskgate keys <create|list|revoke> [options]

Manages the gateway's API keys in its store (only hashes are stored; a secret is shown once).

  riskgate keys create --role trader|risk-officer|read-only|feed [--label <text>]
  riskgate keys list
  riskgate keys revoke <keyId>

Options:
  --data-dir <dir>       Embedded store directory (default ./.riskgate) [RISKGATE_DATA_DIR]
  --database-url <url>   PostgreSQL server [DATABASE_URL]
  --by <name>            Who does it, for the audit log (default $USER)

The embedded store is locked while the gateway runs: stop it first, or use a PostgreSQL server.`;

/** Runs `riskgate keys`; output goes to `print`. Returns the exit code. */
export async function runKeys(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  print: (line: string) => void = console.log,
  printError: (line: string) => void = console.error,
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        label: { type: 'string' },
        by: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    printError(`riskgate keys: ${(error as Error).message}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, target] = positionals;
  if (values.help === true || action === undefined) {
    print(HELP);
    return action === undefined && values.help !== true ? 2 : 0;
  }
  const by = typeof values.by === 'string' ? values.by : (env.USER ?? 'cli');
  const role = values.role;
  if (action === 'create' && !API_KEY_ROLES.includes(role as ApiKeyRole)) {
    printError(
      `riskgate keys create: --role must be one of ${API_KEY_ROLES.join(', ')}, got ${JSON.stringify(role ?? null)}`,
    );
    return 2;
  }
  if (action === 'revoke' && (target === undefined || target === '')) {
    printError(
      'riskgate keys revoke: give the key id to revoke, e.g. riskgate keys revoke rk_0123456789abcdef',
    );
    return 2;
  }
  if (!['create', 'list', 'revoke'].includes(action)) {
    printError(`riskgate keys: unknown action ${JSON.stringify(action)}; expected create, list or revoke`);
    return 2;
  }
  const databaseUrl = typeof values['database-url'] === 'string' ? values['database-url'] : env.DATABASE_URL;
  const dataDir = resolve(
    typeof values['data-dir'] === 'string' ? values['data-dir'] : (env.RISKGATE_DATA_DIR ?? '.riskgate'),
  );
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    if (databaseUrl === undefined || databaseUrl === '') mkdirSync(dataDir, { recursive: true });
    store = await openStore(
      databaseUrl !== undefined && databaseUrl !== '' ? { databaseUrl } : { dataDir: join(dataDir, 'data') },
    );
  } catch (error) {
    if (isStoreError(error, 'STORE_LOCKED')) {
      printError(
        'riskgate keys: the store is in use by a running gateway; stop it first (embedded stores allow one process)',
      );
      return 1;
    }
    printError(`riskgate keys: cannot open the store: ${(error as Error).message}`);
    return 1;
  }
  try {
    const at = Date.now();
    if (action === 'create') {
      const label = typeof values.label === 'string' ? values.label : `${role} key`;
      const created = await store.apiKeys.create({ role: role as ApiKeyRole, label, by, at });
      print(`created ${created.key.role} key ${created.key.keyId} (${created.key.label})`);
      print(`  APCA-API-KEY-ID:     ${created.key.keyId}`);
      print(`  APCA-API-SECRET-KEY: ${created.secret}`);
      print('The secret is shown once and cannot be recovered.');
      return 0;
    }
    if (action === 'list') {
      const keys = await store.apiKeys.list();
      if (keys.length === 0) print('no keys');
      for (const k of keys) {
        const state =
          k.revokedAt === null ? 'valid' : `revoked ${new Date(k.revokedAt).toISOString()} by ${k.revokedBy}`;
        print(
          `${k.keyId}  ${k.role.padEnd(12)}  ${state.padEnd(10)}  ${k.label}  (created ${new Date(k.createdAt).toISOString()} by ${k.createdBy})`,
        );
      }
      return 0;
    }
    const revoked = await store.apiKeys.revoke(target!, { by, at });
    if (!revoked) {
      printError(`riskgate keys revoke: no valid key ${target}`);
      return 1;
    }
    print(`revoked ${target}`);
    return 0;
  } finally {
    await store.close();
  }
}

export const keysCommand: Command = {
  name: 'keys',
  summary: "Create, list and revoke the gateway's API keys (trader, risk-officer, read-only, feed).",
  run: (args) => runKeys(args),
};
