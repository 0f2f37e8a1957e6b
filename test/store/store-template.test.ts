import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import { defaultClusterTemplate } from '../../src/store/pglite-database.ts';
import { writeStoreTemplate } from '../../src/store/store-template.ts';

const ROLE = { role: 'trader', label: 'kept', by: 'test', at: 1 } as const;

describe('the embedded store template (a cluster with the migrations applied)', () => {
  it('opens a fresh data directory at the shipped version with an instance of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-store-template-'));
    const template = join(dir, 'cluster.tar.gz');
    await writeStoreTemplate(template);

    const first = await openStore({ dataDir: join(dir, 'a'), clusterTemplate: template });
    const second = await openStore({ dataDir: join(dir, 'b'), clusterTemplate: template });
    try {
      expect(first.schemaVersion).toBe(SCHEMA_VERSION);
      // The template had every migration: none was applied at open.
      expect(first.migration.applied).toEqual([]);
      // Each store unpacked from the template gets its own instance id.
      expect(first.instanceId).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.instanceId).not.toBe(first.instanceId);
      const created = await first.apiKeys.create(ROLE);
      expect((await first.apiKeys.list()).map((k) => k.keyId)).toEqual([created.key.keyId]);
    } finally {
      await first.close();
      await second.close();
    }
    // A memory store loads the template too, and draws its own instance id.
    const memory = await openStore({ memory: true, clusterTemplate: template });
    try {
      expect(memory.migration.applied).toEqual([]);
      expect(memory.schemaVersion).toBe(SCHEMA_VERSION);
      expect(memory.instanceId).not.toBe(first.instanceId);
      expect(await memory.apiKeys.list()).toEqual([]);
    } finally {
      await memory.close();
    }
    // Nothing is left beside the data directory from unpacking it.
    expect(readdirSync(dir).filter((name) => name.includes('unpacking'))).toEqual([]);

    // Opened again as an existing directory: same instance, same data.
    const again = await openStore({ dataDir: join(dir, 'a'), clusterTemplate: join(dir, 'absent') });
    try {
      expect(again.migration.applied).toEqual([]);
      expect((await again.apiKeys.list()).map((k) => k.label)).toEqual(['kept']);
    } finally {
      await again.close();
    }
  }, 180_000);

  it('migrates a store unpacked from a template that lacks the newest migration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-store-template-'));
    const template = join(dir, 'older.tar.gz');
    await writeStoreTemplate(template, { migrations: loadMigrations().slice(0, -1) });

    const store = await openStore({ dataDir: join(dir, 'data'), clusterTemplate: template });
    try {
      expect(store.migration.applied).toEqual([SCHEMA_VERSION]);
      expect(store.schemaVersion).toBe(SCHEMA_VERSION);
      const { rows } = await store.database.query<{ version: number }>(
        'SELECT version FROM riskgate.schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await store.close();
    }
  }, 180_000);

  it('takes the template from RISKGATE_CLUSTER_TEMPLATE when set', () => {
    expect(defaultClusterTemplate({ RISKGATE_CLUSTER_TEMPLATE: '/srv/cluster.tar.gz' })).toBe(
      '/srv/cluster.tar.gz',
    );
    expect(defaultClusterTemplate({})).toMatch(/pglite-cluster\.tar\.gz$/);
  });

  it('applies every migration to a fresh directory when no template is shipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-store-template-'));
    const store = await openStore({ dataDir: join(dir, 'data'), clusterTemplate: join(dir, 'absent') });
    try {
      expect(store.migration.applied).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await store.close();
    }
    expect(existsSync(join(dir, 'data', 'PG_VERSION'))).toBe(true);
  }, 180_000);
});
