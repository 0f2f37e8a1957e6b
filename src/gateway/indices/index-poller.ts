import type { GatewayContext } from '../context.ts';
import { type IndexReading, MAX_FUTURE_SKEW_MS, readIndexReading } from '../wire/parse-index-readings.ts';
import type { FieldIssue } from '../wire/wire-object.ts';
import type { IndexBook } from './index-book.ts';
import { readSourceRecords } from './index-source-format.ts';

/** Largest source response read, in bytes. */
const MAX_RESPONSE_BYTES = 1_048_576;

/** What one poll did. */
export type PollOutcome =
  | { readonly ok: true; readonly accepted: number; readonly ignored: number; readonly skipped: number }
  | { readonly ok: false; readonly error: string };

/**
 * Polls an HTTP source for index readings (CSV or JSON, see {@link readSourceRecords}) and hands
 * them to the {@link IndexBook}. Readings of indices the gateway does not take are skipped; a
 * response with any malformed reading is refused whole, as a posted one would be. A failure is
 * logged, and alerted once until the source answers again; nothing here ever throws.
 */
export class IndexPoller {
  readonly #ctx: GatewayContext;
  readonly #book: IndexBook;
  readonly #url: string;
  /** The URL without its query and credentials, which may carry a token: what logs and alerts show. */
  readonly #shown: string;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PollOutcome> | undefined;
  #stopped = false;
  #failing = false;
  /** Epoch ms of the last poll, and its error if it failed. */
  lastPollAt = 0;
  lastError: string | null = null;

  constructor(ctx: GatewayContext, book: IndexBook, url: string, pollMs: number) {
    this.#ctx = ctx;
    this.#book = book;
    this.#url = url;
    const u = new URL(url);
    this.#shown = `${u.origin}${u.pathname}`;
    this.#pollMs = pollMs;
    book.source = { url: this.#shown, lastPollAt: 0, lastError: null };
  }

  /** Polls now and then every `pollMs`; polls never overlap. */
  start(): void {
    this.#stopped = false;
    const loop = () => {
      if (this.#stopped) return;
      this.#running = this.poll();
      void this.#running.finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#timer = setTimeout(loop, this.#pollMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
  }

  /** One poll. Never throws. */
  async poll(): Promise<PollOutcome> {
    let outcome: PollOutcome;
    try {
      outcome = await this.#fetchAndApply();
    } catch (error) {
      outcome = { ok: false, error: (error as Error).message ?? String(error) };
    }
    this.lastPollAt = Date.now();
    this.#report(outcome);
    if (this.#book.source !== undefined) {
      this.#book.source.lastPollAt = this.lastPollAt;
      this.#book.source.lastError = this.lastError;
    }
    return outcome;
  }

  async #fetchAndApply(): Promise<PollOutcome> {
    const timeoutMs = Math.min(10_000, Math.max(1_000, this.#pollMs));
    let response: Response;
    try {
      response = await fetch(this.#url, {
        headers: { accept: 'text/csv, application/json;q=0.9, */*;q=0.1' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, error: `request failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}` };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, error: `HTTP ${response.status}` };
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      return { ok: false, error: `response of ${length} bytes; at most ${MAX_RESPONSE_BYTES} read` };
    }
    const text = await response.text();
    if (text.length > MAX_RESPONSE_BYTES)
      return { ok: false, error: `response larger than ${MAX_RESPONSE_BYTES} bytes` };
    const read = readSourceRecords(text, response.headers.get('content-type') ?? '');
    if (!read.ok) return { ok: false, error: read.problem };
    const accepted = this.#book.accepted();
    const rules = { accepted, now: Date.now(), maxFutureMs: MAX_FUTURE_SKEW_MS };
    const issues: FieldIssue[] = [];
    const readings: IndexReading[] = [];
    let skipped = 0;
    read.records.forEach((raw, i) => {
      const name = (raw as { name?: unknown } | null)?.name;
      // A source may carry many indices; only the ones this gateway takes matter.
      if (typeof name === 'string' && !accepted.includes(name)) {
        skipped++;
        return;
      }
      const r = readIndexReading(raw, `record ${i + 1}`, rules, issues);
      if (r !== undefined) readings.push(r);
    });
    if (issues.length > 0) {
      const first = issues
        .slice(0, 3)
        .map((i) => `${i.field}${i.problem === undefined ? '' : `: ${i.problem}`} (expected ${i.expected})`);
      return { ok: false, error: `${issues.length} invalid reading(s), none applied: ${first.join('; ')}` };
    }
    const result = this.#book.accept(readings, 'poller');
    await result.settled;
    return { ok: true, accepted: result.accepted.length, ignored: result.ignored.length, skipped };
  }

  #report(outcome: PollOutcome): void {
    const ctx = this.#ctx;
    if (outcome.ok) {
      if (this.#failing) ctx.log.info({ url: this.#shown }, 'index source answers again');
      this.#failing = false;
      this.lastError = null;
      return;
    }
    this.lastError = outcome.error;
    ctx.log.warn({ url: this.#shown, error: outcome.error }, 'index source poll failed');
    if (!this.#failing) {
      ctx.alerts.raise({
        code: 'INDEX_SOURCE_FAILED',
        severity: 'warning',
        message: `index source ${this.#shown} failed: ${outcome.error}; required indices go stale and then deny entries`,
        data: { url: this.#shown, error: outcome.error },
      });
    }
    this.#failing = true;
  }
}
