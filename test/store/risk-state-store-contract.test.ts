import { afterAll } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { riskStateStoreContract } from '../contracts/risk-state-store.contract.ts';
import { dropSchema, freshSchemaName, serverUrl, tempDir } from './harness.ts';

// The core's own contract for its RiskStateStore port, with a real reopen: on PGlite the
// embedded database is closed and started again from its data directory.
const dir = tempDir();
afterAll(() => dir.cleanup());

riskStateStoreContract('PGlite data directory', async () => {
  const dataDir = `${dir.path}/data`;
  const schema = freshSchemaName();
  let current: Store = await openStore({ dataDir, schema });
  return {
    store: current.riskState,
    async reopen() {
      await current.close();
      current = await openStore({ dataDir, schema });
      return current.riskState;
    },
    close: () => current.close(),
  };
});

const url = serverUrl();
if (url !== undefined) {
  riskStateStoreContract('PostgreSQL server', async () => {
    const schema = freshSchemaName();
    const handles: Store[] = [await openStore({ databaseUrl: url, schema, maxConnections: 2 })];
    return {
      store: handles[0]!.riskState,
      async reopen() {
        // A second, independent handle on the same schema, as a restarted process would open.
        const again = await openStore({ databaseUrl: url, schema, maxConnections: 2 });
        handles.push(again);
        return again.riskState;
      },
      async close() {
        for (const handle of handles) await handle.close();
        await dropSchema(url, schema);
      },
    };
  });
}
