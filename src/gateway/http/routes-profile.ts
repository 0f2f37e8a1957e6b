import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Issue } from '../../core/result.ts';
import { jsonDiff } from '../../store/json-diff.ts';
import { handOff } from '../leadership/control-requests.ts';
import type { GatewayServices } from '../services.ts';
import {
  parseDryRun,
  parseProfileCheckRequest,
  parseProfileRequest,
} from '../wire/parse-control-requests.ts';
import type { FieldIssue } from '../wire/wire-object.ts';
import { invalidReply, unavailableReply } from './alpaca-errors.ts';
import { guard, principalOf } from './auth-hook.ts';

/** A profile's problems as request fields: `orders.maxQuantity` is `profile.orders.maxQuantity`. */
function profileIssues(issues: readonly Issue[]): FieldIssue[] {
  return issues.map((i) => ({ field: `profile.${i.path}`.replace(/\.$/, ''), expected: i.message }));
}

/**
 * `GET /v1/profile` and `PUT /v1/profile`: a change is validated, audited and applied by the
 * profile service; with `?dryRun=true` the same validation and diff are answered and nothing
 * changes (`applied: false`), so a form can show both before anyone saves.
 */
export function profileRoutes(app: FastifyInstance, services: GatewayServices): void {
  const { ctx } = services;
  const read = { preHandler: guard(ctx, 'read') };
  const manage = { preHandler: guard(ctx, 'manage-risk') };
  const invalid = (reply: FastifyReply, issues: readonly FieldIssue[], extra: object = {}) => {
    const r = invalidReply(issues);
    return reply.code(r.status).send({ ...(r.body as object), ...extra });
  };

  app.get('/v1/profile', read, async (_request, reply) =>
    reply.send({
      source: services.profile.source,
      path: ctx.config.profilePath,
      profile: services.profile.current,
    }),
  );

  app.put('/v1/profile', manage, async (request, reply) => {
    const dryRun = parseDryRun(request.query);
    if (!dryRun.ok) return invalid(reply, dryRun.issues);
    if (dryRun.value) {
      // Checked against the profile this instance holds (a standby mirrors the leader's).
      const parsed = parseProfileCheckRequest(request.body);
      if (!parsed.ok) return invalid(reply, parsed.issues, { applied: false });
      const checked = services.profile.check(parsed.value.profile);
      if (!checked.ok) {
        // What the edit changes as written, so a form can show it next to the problems.
        return invalid(reply, profileIssues(checked.issues), {
          applied: false,
          diff: jsonDiff(services.profile.current, parsed.value.profile),
        });
      }
      return reply.send({ applied: false, diff: checked.diff, issues: [], profile: checked.after });
    }
    const parsed = parseProfileRequest(request.body);
    if (!parsed.ok) return invalid(reply, parsed.issues);
    const { profile, reason } = parsed.value;
    const leader = ctx.leadership;
    if (leader.view().mode === 'lease' && !leader.canAct()) {
      const r = await handOff(
        services,
        leader,
        'profile',
        { profile, reason },
        principalOf(request).keyId,
      ).catch((error: unknown) => error as Error);
      if (r instanceof Error) {
        const u = unavailableReply(
          'STORE_UNAVAILABLE',
          `the profile change could not be handed to the leader (${r.message})`,
        );
        return reply.code(u.status).header('retry-after', '1').send(u.body);
      }
      return reply.code(r.status).send(r.body);
    }
    const result = await services.profile.change(profile, principalOf(request).keyId, reason);
    if (!result.ok) return invalid(reply, profileIssues(result.issues));
    return reply.send({ applied: true, diff: result.diff, profile: services.profile.current });
  });
}
