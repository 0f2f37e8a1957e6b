import { forEachBackend } from './harness.ts';
import { stateContract } from './state.contract.ts';

forEachBackend(stateContract);
