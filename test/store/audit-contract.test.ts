import { auditContract } from './audit.contract.ts';
import { forEachBackend } from './harness.ts';

forEachBackend(auditContract);
