import type { FastifyInstance, FastifyReply, RouteShorthandOptions } from 'fastify';
import { AUDIT_KINDS, type AuditKind, type AuditQuery } from '../../store/audit-types.ts';
import { handOff } from '../leadership/control-requests.ts';
import { DECISION_ANSWER_SCHEMA } from '../orders/decision-answer-schema.ts';
import { ensureMark } from '../risk/ensure-mark.ts';
import { killSwitch, resetTrading } from '../risk/risk-controls.ts';
import { riskStateView } from '../risk/state-view.ts';
import type { GatewayServices } from '../services.ts';
import { parseKillRequest, parseResetRequest, parseSizeRequest } from '../wire/parse-control-requests.ts';
import type { FieldIssue } from '../wire/wire-object.ts';
import { invalidReply, unavailableReply } from './alpaca-errors.ts';
import { guard, principalOf } from './auth-hook.ts';
import { eventStream } from './event-stream.ts';

function sendUnavailable(reply: FastifyReply, code: string, message: string) {
  const r = unavailableReply(code, message);
  return reply.code(r.status).header('retry-after', '1').send(r.body);
}

function invalid(reply: FastifyReply, issues: readonly FieldIssue[]) {
  const r = invalidReply(issues);
  return reply.code(r.status).send(r.body);
}

/** riskgate's native `/v1` API: dry runs, sizing, state, kill switch, reset, audit (the profile: `routes-profile.ts`). */
export function riskRoutes(app: FastifyInstance, services: GatewayServices): void {
  const { ctx, flow } = services;
  const read = { preHandler: guard(ctx, 'read') };
  const kill = { preHandler: guard(ctx, 'kill') };
  const manage = { preHandler: guard(ctx, 'manage-risk') };
  /** True when a kill or reset must go to the leader through the store. */
  const handsOff = () => ctx.leadership.view().mode === 'lease' && !ctx.leadership.canAct();

  // Synchronous: a dry run awaits nothing, so it need not pay for a promise. Its 200 answer is
  // written by a serializer compiled from its schema; refusals are written as JSON.stringify does.
  const checkOptions: RouteShorthandOptions = {
    ...read,
    schema: { response: { 200: DECISION_ANSWER_SCHEMA } },
  };
  app.post('/v1/orders/check', checkOptions, (request, reply) => {
    const r = flow.check(request.body, undefined);
    reply.code(r.status).send(r.body);
  });

  app.post('/v1/size', read, async (request, reply) => {
    const parsed = parseSizeRequest(request.body);
    if (!parsed.ok) return invalid(reply, parsed.issues);
    // Watched from now on (among the few recent dry-run symbols), so later requests find a mark;
    // a symbol nobody has traded or checked yet has no mark: its latest quote is fetched once.
    const symbol = parsed.value.symbol;
    ctx.watchList.noteDryRun(symbol);
    if (parsed.value.entryPrice === undefined) {
      await ensureMark(ctx, symbol, (actions) => void services.actor.handle(actions, 'mark'), 'client');
    }
    return reply.send(ctx.risk.engine.suggestSize(parsed.value));
  });

  app.get('/v1/state', read, async (_request, reply) => reply.send(await riskStateView(services)));

  app.post('/v1/kill', kill, async (request, reply) => {
    const parsed = parseKillRequest(request.body);
    if (!parsed.ok) return invalid(reply, parsed.issues);
    let isolated = false;
    if (handsOff()) {
      const r = await handOff(
        services,
        ctx.leadership,
        'kill',
        parsed.value,
        principalOf(request).keyId,
      ).catch((error: unknown) => error as Error);
      if (!(r instanceof Error)) return reply.code(r.status).send(r.body);
      // The store is unreachable, so the kill cannot reach the leader through it. A leader whose
      // lease lapsed still latches itself (journalled locally); a standby can only say so.
      if (ctx.leadership.role !== 'leader')
        return sendUnavailable(
          reply,
          'STORE_UNAVAILABLE',
          `the kill could not be handed to the leader (${r.message}); pull it on the leader`,
        );
      isolated = true;
    }
    const report = await killSwitch(ctx, services.actor, {
      by: principalOf(request).keyId,
      reason: parsed.value.reason ?? 'kill switch',
      flatten: parsed.value.flatten,
    });
    services.monitor.refreshGauges();
    if (!isolated) return reply.send(report);
    return reply.send({
      ...report,
      isolated: true,
      message:
        'this instance cannot reach the store, so its lease may have lapsed: the kill latched this instance only (journalled locally) and nothing could be sent to the broker; pull it on the leader too',
    });
  });

  app.post('/v1/reset', manage, async (request, reply) => {
    const parsed = parseResetRequest(request.body);
    if (!parsed.ok) return invalid(reply, parsed.issues);
    if (handsOff()) {
      const r = await handOff(
        services,
        ctx.leadership,
        'reset',
        parsed.value,
        principalOf(request).keyId,
      ).catch((error: unknown) => error as Error);
      if (r instanceof Error)
        return sendUnavailable(
          reply,
          'STORE_UNAVAILABLE',
          `the reset could not be handed to the leader (${r.message})`,
        );
      return reply.code(r.status).send(r.body);
    }
    const { record, durable } = await resetTrading(ctx, {
      by: principalOf(request).keyId,
      reason: parsed.value.reason,
    });
    services.monitor.refreshGauges();
    return reply.send({ tradingState: record, durable });
  });

  app.get('/v1/audit', read, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const issues: { field: string; expected: string }[] = [];
    const time = (field: string) => {
      const v = q[field];
      if (v === undefined) return undefined;
      const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (Number.isNaN(ms)) issues.push({ field, expected: 'epoch ms or an RFC 3339 time' });
      return ms;
    };
    if (q.kind !== undefined && !AUDIT_KINDS.includes(q.kind as AuditKind)) {
      issues.push({ field: 'kind', expected: `one of ${AUDIT_KINDS.join(', ')}` });
    }
    const from = time('from');
    const to = time('to');
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    const beforeSeq = q.before_seq === undefined ? undefined : Number(q.before_seq);
    if (limit !== undefined && !(limit > 0)) issues.push({ field: 'limit', expected: 'a positive integer' });
    if (beforeSeq !== undefined && !(beforeSeq > 0))
      issues.push({ field: 'before_seq', expected: 'a positive integer' });
    if (issues.length > 0) return invalid(reply, issues);
    const query: AuditQuery = {
      ...(q.kind !== undefined ? { kind: q.kind as AuditKind } : {}),
      ...(q.code !== undefined ? { code: q.code } : {}),
      ...(q.outcome === 'accept' || q.outcome === 'accept-modified' || q.outcome === 'deny'
        ? { outcome: q.outcome }
        : {}),
      ...(q.client_order_id !== undefined ? { clientOrderId: q.client_order_id } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      limit: limit ?? 100,
    };
    await ctx.store.audit.flush();
    const events = await ctx.store.audit.query(query);
    const last = events.at(-1);
    return reply.send({
      events,
      nextBeforeSeq: events.length === query.limit && last !== undefined ? last.seq : null,
    });
  });

  // Server-Sent Events: decisions, fills, trade updates, trips, alerts; resumable by event id.
  app.get('/v1/events', read, eventStream(ctx));
}
