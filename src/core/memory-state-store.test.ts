import { riskStateStoreContract } from '../../test/contracts/risk-state-store.contract.ts';
import { MemoryRiskStateStore } from './memory-state-store.ts';

riskStateStoreContract('memory', async () => ({ store: new MemoryRiskStateStore() }));
