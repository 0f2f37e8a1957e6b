/**
 * Start-up phase timings, for finding where a start spends its time: each mark records the
 * milliseconds since the process started (`performance.now()`), the first one covering the
 * module imports. `riskgate serve` prints them once ready when RISKGATE_START_TIMINGS=1.
 */
export class StartTimings {
  readonly #marks: { phase: string; atMs: number }[] = [];

  /** Records that `phase` ended now. */
  mark(phase: string): void {
    this.#marks.push({ phase, atMs: performance.now() });
  }

  /** Each phase with its own duration and the time since process start at its end, in ms. */
  phases(): { phase: string; ms: number; atMs: number }[] {
    const ends = this.#marks.map((m) => Math.round(m.atMs));
    return this.#marks.map((m, i) => ({
      phase: m.phase,
      ms: ends[i]! - (i === 0 ? 0 : ends[i - 1]!),
      atMs: ends[i]!,
    }));
  }

  /** One line per phase: `  <phase>  <ms> ms  (at <ms> ms)`. */
  format(): string {
    const phases = this.phases();
    const width = Math.max(...phases.map((p) => p.phase.length));
    return phases
      .map((p) => `  ${p.phase.padEnd(width)}  ${String(p.ms).padStart(6)} ms  (at ${p.atMs} ms)`)
      .join('\n');
  }
}
