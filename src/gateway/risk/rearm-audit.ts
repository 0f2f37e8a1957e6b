import type { RiskEvent } from '../../core/engine-types.ts';
import type { GatewayContext } from '../context.ts';

/**
 * Files each automatic re-arm (a breaker's latch lifted by its `next-session` or `when-clear`
 * policy) like a reset by `system`, and raises an info alert with the reason. A re-arm that
 * moved the trading state is already audited with the state record the store writes
 * atomically; one that left it (a more severe latch still holds) is audited here.
 */
export function onRearm(ctx: GatewayContext, event: Extract<RiskEvent, { type: 'rearm' }>): void {
  ctx.alerts.raise({
    code: 'REARM',
    severity: 'info',
    message: `${event.reason} → ${event.state}`,
    detectedAt: event.time,
    data: { breakerId: event.breakerId, code: event.code, policy: event.policy, state: event.state },
  });
  ctx.hub.publish('rearm', event, event.time);
  if (event.changed) return;
  ctx.store.audit
    .append({
      at: event.time,
      kind: 'reset',
      actor: 'system',
      codes: ['REARM', event.code],
      message: `${event.reason} (trading state stays ${event.state})`,
      data: { ...event },
    })
    .catch((error: unknown) => ctx.log.warn({ error: String(error) }, 're-arm audit write failed'));
}
