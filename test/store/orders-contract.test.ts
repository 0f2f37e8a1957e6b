import { forEachBackend } from './harness.ts';
import { ordersContract } from './orders.contract.ts';

forEachBackend(ordersContract);
