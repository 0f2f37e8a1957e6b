import type { FastifyInstance } from 'fastify';
import type { GatewayServices } from '../services.ts';
import { guard } from './auth-hook.ts';

/**
 * `GET /v1/greeks`: the portfolio Greeks of the positions held — totals, by underlying, by
 * expiry, each option position with its inputs, and the profile's Greeks limits with their
 * headroom. `enabled: false` when the profile has no `options` section.
 */
export function greeksRoutes(app: FastifyInstance, services: GatewayServices): void {
  const read = { preHandler: guard(services.ctx, 'read') };
  app.get('/v1/greeks', read, async (_request, reply) => reply.send(services.greeks.view()));
}
