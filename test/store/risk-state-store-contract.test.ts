import { afterAll, beforeAll } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { riskStateStoreContract } from '../contracts/risk-state-store.contract.ts';
import { dropSchema, freshSchemaName, serverUrl, tempDir, useGenerousTimeouts } from './harness.ts';

useGenerousTimeouts();

// The core's own contract for its RiskStateStore port, with a real reopen: on PGlite the
// embedded database is closed and started again from its data directory.
const dir = tempDir();
const dataDir = `${dir.path}/data`;
// Initialise the data directory once (initdb is slow); each test then uses a schema of its own.
beforeAll(async () => {
  const warm = await openStore({ dataDir, schema: 'warm_up' });
  await warm.close();
});
afterAll(() => dir.cleanup());

riskStateStoreContract('PGlite data directory', async () => {
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
