import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPgliteDatabase, writeClusterTemplate } from '../../src/store/pglite-database.ts';

describe('the embedded cluster template', () => {
  it('initialises a fresh data directory from the template, which then opens like any other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-template-'));
    const template = join(dir, 'cluster.tar.gz');
    await writeClusterTemplate(template);
    const dataDir = join(dir, 'data');

    const first = await openPgliteDatabase({ dataDir, fresh: true, template });
    await first.query('CREATE TABLE kept (x int)');
    await first.query('INSERT INTO kept VALUES (42)');
    await first.close();

    // Opened again as an existing cluster (the template is not used twice).
    const again = await openPgliteDatabase({ dataDir, fresh: false, template: join(dir, 'no-such-file') });
    const rows = await again.query<{ x: number }>('SELECT x FROM kept');
    expect(rows.rows).toEqual([{ x: 42 }]);
    const version = await again.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    expect(version.rows[0]?.v).toMatch(/^\d+/);
    await again.close();
  }, 120_000);

  it('initialises a fresh data directory without a template (running from sources)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-template-'));
    const db = await openPgliteDatabase({
      dataDir: join(dir, 'data'),
      fresh: true,
      template: join(dir, 'absent'),
    });
    const rows = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows.rows).toEqual([{ one: 1 }]);
    await db.close();
  }, 120_000);
});
