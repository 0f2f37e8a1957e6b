import { type Migration, migrate } from './migrations.ts';
import { writeClusterTemplate } from './pglite-database.ts';
import { DEFAULT_SCHEMA } from './sql.ts';

/**
 * Writes the embedded store's cluster template: an initialised cluster with the migrations
 * applied to the default schema, but no store instance id (each store unpacked from it draws
 * its own at open). A store opened from it still checks the recorded migrations against the
 * shipped ones and applies any the template lacks.
 */
export async function writeStoreTemplate(
  path: string | URL,
  options: { readonly migrations?: readonly Migration[] } = {},
): Promise<void> {
  await writeClusterTemplate(path, async (db) => {
    await migrate(db, {
      schema: DEFAULT_SCHEMA,
      ...(options.migrations !== undefined ? { migrations: options.migrations } : {}),
    });
    await db.query(`DELETE FROM "${DEFAULT_SCHEMA}".store_meta`);
  });
}
