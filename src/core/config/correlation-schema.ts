import { z } from 'zod';

/**
 * `breakers.correlation`: trips when the average pairwise correlation of the returns of the
 * names watched rises to `above`, and re-arms only once it has fallen below `resumeBelow`.
 */
export const CorrelationBreakerConfig = z
  .strictObject({
    /** Bars (periods) in the rolling window; feed daily bars for a daily correlation. */
    window: z.number().int().min(2),
    /** Names needed (with a return series that moves) before a value counts. */
    minNames: z.number().int().min(2).default(2),
    /** Returns needed in the window before a value counts; default the whole window. */
    minObservations: z.number().int().min(2).optional(),
    /** Trip when the average pairwise correlation is at or above this level (−1…1). */
    above: z.number().gt(-1).max(1),
    /** Re-arm only after the average falls below this level. */
    resumeBelow: z.number().gt(-1).max(1),
    /**
     * A fixed watch list. Without it the names are the underlyings of the positions held now
     * (an option counts as its underlying).
     */
    symbols: z.array(z.string().min(1)).min(2).optional(),
    action: z.enum(['reducing', 'halted']).default('reducing'),
    flatten: z.boolean().default(false),
    /** How the latch re-arms; by default once the average has been below `resumeBelow` for `clearFor` periods. */
    rearm: z
      .enum(['manual', 'next-session', 'when-clear'], {
        error: 'expected one of manual, next-session, when-clear',
      })
      .default('when-clear'),
    /** Consecutive completed periods below `resumeBelow` before a `when-clear` latch lifts (default 1). */
    clearFor: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((c, issues) => {
    if (c.clearFor !== undefined && c.rearm !== 'when-clear')
      issues.addIssue({
        code: 'custom',
        message: `clearFor applies only to rearm: when-clear (rearm is ${c.rearm})`,
        path: ['clearFor'],
      });
    if (c.resumeBelow > c.above)
      issues.addIssue({
        code: 'custom',
        message: 'resumeBelow must be at or below above',
        path: ['resumeBelow'],
      });
    if (c.minObservations !== undefined && c.minObservations > c.window)
      issues.addIssue({
        code: 'custom',
        message: `minObservations must be at most window (${c.window})`,
        path: ['minObservations'],
      });
    if (c.symbols !== undefined && c.minNames > c.symbols.length)
      issues.addIssue({
        code: 'custom',
        message: `minNames must be at most the number of symbols (${c.symbols.length})`,
        path: ['minNames'],
      });
  })
  .transform((c) => ({ ...c, clearFor: c.clearFor ?? 1 }));
export type CorrelationBreakerConfig = z.infer<typeof CorrelationBreakerConfig>;
