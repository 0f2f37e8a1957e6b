import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markerPathFor, readMarker } from '../../src/store/data-dir.ts';
import { isStoreError, type StoreErrorCode } from '../../src/store/errors.ts';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import { T0 } from './fixtures/samples.ts';
import { dropSchema, freshSchemaName, serverUrl, tempDir, useGenerousTimeouts } from './harness.ts';

useGenerousTimeouts();

const halted = { state: 'halted' as const, code: 'KILL_SWITCH', reason: 'operator', by: 'ops', at: T0 };

async function expectRefusal(promise: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  const error = await promise.then(
    async (store) => {
      await (store as { close(): Promise<void> }).close();
      return new Error('the store opened, but it should have refused');
    },
    (e: unknown) => e,
  );
  expect(isStoreError(error) ? error.code : error).toBe(code);
}

describe('an embedded data directory fails closed', () => {
  const root = tempDir();
  const template = join(root.path, 'template');
  let cases = 0;

  /** A copy of a healthy store that holds a halted latch: data directory plus marker. */
  function copyOfHealthyStore(): string {
    const parent = join(root.path, `case-${cases++}`);
    cpSync(template, parent, { recursive: true });
    return join(parent, 'data');
  }

  beforeAll(async () => {
    const store = await openStore({ dataDir: join(template, 'data') });
    await store.riskState.saveTradingState(halted);
    await store.close();
  });
  afterAll(() => root.cleanup());

  it('writes a marker beside the data directory after initialising it', () => {
    const marker = readMarker(markerPathFor(join(template, 'data')));
    expect(marker?.stores.riskgate).toMatchObject({ schemaVersion: SCHEMA_VERSION });
    expect(readdirSync(join(template, 'data'))).toContain('PG_VERSION');
  });

  it('reopens a healthy copy with its state', async () => {
    const store = await openStore({ dataDir: copyOfHealthyStore() });
    expect((await store.riskState.load()).tradingState).toEqual(halted);
    await store.close();
  });

  it('refuses a data directory that went missing or empty while its marker remains', async () => {
    const missing = copyOfHealthyStore();
    rmSync(missing, { recursive: true });
    await expectRefusal(openStore({ dataDir: missing }), 'STORE_UNEXPECTEDLY_EMPTY');
    const emptied = copyOfHealthyStore();
    rmSync(emptied, { recursive: true });
    mkdirSync(emptied);
    await expectRefusal(openStore({ dataDir: emptied }), 'STORE_UNEXPECTEDLY_EMPTY');
    // Nothing was initialised over it.
    expect(readdirSync(emptied)).toEqual([]);
  });

  it('refuses damaged data files', async () => {
    const damaged = copyOfHealthyStore();
    writeFileSync(join(damaged, 'global', 'pg_control'), Buffer.alloc(8192, 0xab));
    await expectRefusal(openStore({ dataDir: damaged }), 'STORE_CORRUPT');
  });

  it('refuses a non-empty directory that is not a database, rather than initialising over it', async () => {
    const parent = join(root.path, `case-${cases++}`);
    mkdirSync(join(parent, 'data'), { recursive: true });
    writeFileSync(join(parent, 'data', 'notes.txt'), 'keep me');
    await expectRefusal(openStore({ dataDir: join(parent, 'data') }), 'STORE_CORRUPT');
    expect(readFileSync(join(parent, 'data', 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a marker that is not valid JSON', async () => {
    const dataDir = copyOfHealthyStore();
    writeFileSync(markerPathFor(dataDir), '{ not json');
    await expectRefusal(openStore({ dataDir }), 'STORE_CORRUPT');
  });

  it('refuses a schema written by a newer version, by the database or by the marker', async () => {
    const dataDir = copyOfHealthyStore();
    const store = await openStore({ dataDir });
    await store.database.query(
      `INSERT INTO ${store.tables.schema_migrations} (version, name, checksum) VALUES (999, 'future', 'x')`,
    );
    await store.close();
    await expectRefusal(openStore({ dataDir }), 'STORE_SCHEMA_TOO_NEW');

    const other = copyOfHealthyStore();
    const marker = readMarker(markerPathFor(other));
    const entry = marker?.stores.riskgate;
    writeFileSync(
      markerPathFor(other),
      JSON.stringify({ format: 1, stores: { riskgate: { ...entry, schemaVersion: SCHEMA_VERSION + 1 } } }),
    );
    await expectRefusal(openStore({ dataDir: other }), 'STORE_SCHEMA_TOO_NEW');
  });

  it('refuses a data directory that belongs to another store instance', async () => {
    const dataDir = copyOfHealthyStore();
    const marker = readMarker(markerPathFor(dataDir));
    const entry = marker?.stores.riskgate;
    writeFileSync(
      markerPathFor(dataDir),
      JSON.stringify({ format: 1, stores: { riskgate: { ...entry, instanceId: 'someone-else' } } }),
    );
    await expectRefusal(openStore({ dataDir }), 'STORE_INSTANCE_MISMATCH');
  });

  it('refuses a second open of a directory that is in use', async () => {
    const dataDir = copyOfHealthyStore();
    const store = await openStore({ dataDir });
    await expectRefusal(openStore({ dataDir }), 'STORE_LOCKED');
    await store.close();
    const again = await openStore({ dataDir });
    await again.close();
  });

  it('takes over the lock of a process that died', async () => {
    const dataDir = copyOfHealthyStore();
    // pid 2^22 + 1 is above Linux's pid_max, so no live process has it.
    writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: 4_194_305, host: undefined }));
    const store = await openStore({ dataDir });
    expect((await store.riskState.load()).tradingState.state).toBe('halted');
    await store.close();
  });

  it('with reset, moves the old data and marker aside, starts empty and audits the reset', async () => {
    const dataDir = copyOfHealthyStore();
    rmSync(dataDir, { recursive: true });
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'leftover'), 'x');
    const store = await openStore({ dataDir, reset: true });
    expect((await store.riskState.load()).tradingState.state).toBe('active');
    const [event] = await store.audit.query({ kind: 'store' });
    expect(event?.codes).toEqual(['STORE_RESET']);
    await store.close();
    const parent = join(dataDir, '..');
    const aside = readdirSync(parent).filter((name) => name.includes('.reset-'));
    expect(aside.some((name) => name.startsWith('data.reset-'))).toBe(true);
    expect(aside.some((name) => name.startsWith('data.riskgate-store.json.reset-'))).toBe(true);
    const movedDir = aside.find((name) => name.startsWith('data.reset-')) ?? '';
    expect(readFileSync(join(parent, movedDir, 'leftover'), 'utf8')).toBe('x');
    expect(existsSync(markerPathFor(dataDir))).toBe(true);
  });
});

describe('a server store fails closed', () => {
  const url = serverUrl();

  it('reports an unreachable server as STORE_UNAVAILABLE', async () => {
    await expectRefusal(
      openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test', schema: freshSchemaName() }),
      'STORE_UNAVAILABLE',
    );
  });

  it.skipIf(url === undefined)('refuses a newer schema and an emptied database its marker knew', async () => {
    const databaseUrl = url ?? '';
    const schema = freshSchemaName();
    const dir = tempDir();
    const markerPath = join(dir.path, 'server.riskgate-store.json');
    try {
      const store = await openStore({ databaseUrl, schema, markerPath, maxConnections: 2 });
      await store.riskState.saveTradingState(halted);
      await store.database.query(
        `INSERT INTO ${store.tables.schema_migrations} (version, name, checksum) VALUES (999, 'future', 'x')`,
      );
      await store.close();
      await expectRefusal(openStore({ databaseUrl, schema, markerPath }), 'STORE_SCHEMA_TOO_NEW');

      await dropSchema(databaseUrl, schema);
      await expectRefusal(openStore({ databaseUrl, schema, markerPath }), 'STORE_UNEXPECTEDLY_EMPTY');

      const reset = await openStore({ databaseUrl, schema, markerPath, reset: true, maxConnections: 2 });
      expect((await reset.riskState.load()).tradingState.state).toBe('active');
      await reset.close();
    } finally {
      await dropSchema(databaseUrl, schema);
      dir.cleanup();
    }
  });

  it.skipIf(url === undefined)(
    'with reset, renames the old schema aside instead of dropping it',
    async () => {
      const databaseUrl = url ?? '';
      const schema = freshSchemaName();
      let aside: string | null = null;
      try {
        const first = await openStore({ databaseUrl, schema, maxConnections: 2 });
        await first.riskState.saveTradingState(halted);
        await first.close();
        const reset = await openStore({ databaseUrl, schema, reset: true, maxConnections: 2 });
        aside = reset.migration.movedAsideTo;
        expect(aside).toMatch(new RegExp(`^${schema}_reset_\\d{17}$`));
        expect((await reset.riskState.load()).tradingState.state).toBe('active');
        const { rows } = await reset.database.query<{ state: string }>(
          `SELECT state FROM "${aside}".risk_state`,
        );
        expect(rows).toEqual([{ state: 'halted' }]);
        await reset.close();
      } finally {
        await dropSchema(databaseUrl, schema);
        if (aside !== null) await dropSchema(databaseUrl, aside);
      }
    },
  );
});
