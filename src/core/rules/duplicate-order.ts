import type { Violation } from '../decision.ts';
import type { PreTradeRule } from '../rule.ts';
import { violation } from './limits.ts';

/** Built outside the check, so the check stays small enough for V8 to inline into the pipeline. */
function duplicate(ruleId: string, clientOrderId: string): Violation {
  return violation('DUPLICATE_CLIENT_ORDER_ID', ruleId, { clientOrderId });
}

/**
 * Denies a client order id already accepted within the window, or still working whatever its
 * age, so a retried request can never create a second order. Applies to every order, exits
 * included: a duplicate exit is still a duplicate.
 */
export function duplicateOrderRule(windowMs: number): PreTradeRule {
  const seen = new Map<string, number>();
  let lastPrune = 0;
  return {
    id: 'duplicate-order',
    scope: 'all',
    check(input, ctx) {
      const at = seen.get(input.order.clientOrderId);
      const working = ctx.book.working.has(input.order.clientOrderId);
      return working || (at !== undefined && input.now - at < windowMs)
        ? duplicate(this.id, input.order.clientOrderId)
        : null;
    },
    onAccepted(input, ctx) {
      const now = ctx.now();
      seen.set(input.order.clientOrderId, now);
      // Prune expired ids at most once per window so the map stays bounded.
      if (now - lastPrune > windowMs) {
        for (const [id, t] of seen) if (now - t >= windowMs) seen.delete(id);
        lastPrune = now;
      }
    },
    onForgotten(clientOrderId) {
      seen.delete(clientOrderId);
    },
    persistState() {
      return [...seen];
    },
    restore(state) {
      if (!Array.isArray(state)) return;
      for (const entry of state) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number')
          seen.set(entry[0], entry[1]);
      }
    },
  };
}
