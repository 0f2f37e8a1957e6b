/**
 * The load generator of the gateway benchmark, in a process of its own so that it never shares
 * an event loop with the servers it measures. `bench/gateway.ts` forks it and sends it jobs over
 * IPC: an autocannon run (throughput and per-request latency, timed to the microsecond), a
 * series of sequential order submissions (each timed on its own), or order submissions sent at a
 * fixed rate whatever the answers (open loop), each timed from the moment it was due.
 */
import autocannon from 'autocannon';

/** An autocannon run against one URL. */
export interface LoadJob {
  readonly type: 'load';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly seconds: number;
  readonly connections: number;
  /** Requests per second over all connections; undefined runs flat out. */
  readonly rate?: number;
}

/** What one {@link LoadJob} measured; latencies in milliseconds. */
export interface LoadResult {
  readonly reqPerSec: number;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/** `count` sequential `POST /v2/orders` with resting bracket orders, ids `<prefix>-<i>`. */
export interface SubmitJob {
  readonly type: 'submits';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly count: number;
  readonly prefix: string;
}

/** The time of each submission in milliseconds, sorted. */
export interface SubmitResult {
  readonly times: readonly number[];
}

/**
 * `count` `POST /v2/orders` (resting bracket orders, ids `<prefix>-<i>`) sent at `rate` a second
 * on a fixed schedule: order `i` is due at `i / rate` seconds, and is sent then whether or not
 * the earlier ones were answered (open loop), so a slow server cannot slow the arrivals down.
 */
export interface OpenLoopJob {
  readonly type: 'open-loop';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly rate: number;
  readonly count: number;
  readonly prefix: string;
  /** Answers not received this long after the last order was due count as errors. */
  readonly timeoutMs: number;
}

/** What an {@link OpenLoopJob} measured, in milliseconds from each order's due time. */
export interface OpenLoopResult {
  /** Latencies of the orders answered 200, sorted. */
  readonly times: readonly number[];
  /** Orders answered otherwise, failed, or unanswered by the timeout. */
  readonly errors: number;
  /** The first error's description, if any. */
  readonly firstError: string | null;
  /** How late the client sent its orders at worst (its own lag), in ms. */
  readonly maxSendLagMs: number;
  /** From the first order's due time to the last answer, in ms. */
  readonly elapsedMs: number;
}

/** A job and the id its answer carries. */
export type ClientJob = (LoadJob | SubmitJob | OpenLoopJob) & { readonly id: number };

/** The answer to a job. */
export type ClientAnswer =
  | {
      readonly id: number;
      readonly ok: true;
      readonly result: LoadResult | SubmitResult | OpenLoopResult;
    }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** The value at percentile `p` (0–100) of ascending `sorted`. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

async function load(job: LoadJob): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let done: (result: autocannon.Result) => void = () => {};
  let failed: (error: unknown) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: job.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...job.headers },
      body: job.body,
      connections: job.connections,
      duration: job.seconds,
      ...(job.rate !== undefined ? { overallRate: job.rate } : {}),
    },
    (error: unknown, result) => (error ? failed(error) : done(result)),
  );
  // autocannon's own histogram keeps whole milliseconds; a 2 ms goal needs finer times.
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  const result = await finished;
  const sorted = latencies.subarray(0, count).sort();
  return {
    reqPerSec: Math.round(count / (result.duration || job.seconds)),
    requests: count,
    errors: result.errors + result.timeouts + result.non2xx,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    p999Ms: round(percentile(sorted, 99.9)),
    maxMs: round(sorted[count - 1] ?? Number.NaN),
  };
}

/** A resting bracket buy (far below the market, so it never fills). */
function restingOrder(clientOrderId: string): string {
  return JSON.stringify({
    symbol: 'AAPL',
    qty: '1',
    side: 'buy',
    type: 'limit',
    limit_price: '60',
    time_in_force: 'day',
    order_class: 'bracket',
    take_profit: { limit_price: '70' },
    stop_loss: { stop_price: '55' },
    client_order_id: clientOrderId,
  });
}

async function submits(job: SubmitJob): Promise<SubmitResult> {
  const times: number[] = [];
  for (let i = 0; i < job.count; i++) {
    const body = restingOrder(`${job.prefix}-${i}`);
    const start = performance.now();
    const response = await fetch(`${job.url}/v2/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...job.headers },
      body,
    });
    const text = await response.text();
    times.push(performance.now() - start);
    if (response.status !== 200)
      throw new Error(`${job.prefix} submit ${i}: HTTP ${response.status} ${text}`);
  }
  return { times: times.sort((a, b) => a - b) };
}

async function openLoop(job: OpenLoopJob): Promise<OpenLoopResult> {
  const times: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let maxSendLagMs = 0;
  let lastAnswer = 0;
  const fail = (what: string) => {
    errors++;
    firstError ??= what;
  };
  const bodies = Array.from({ length: job.count }, (_, i) => restingOrder(`${job.prefix}-${i}`));
  const interval = 1000 / job.rate;
  const start = performance.now();
  const answers: Promise<void>[] = [];
  const send = (i: number) => {
    const due = start + i * interval;
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    answers.push(
      fetch(`${job.url}/v2/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...job.headers },
        body: bodies[i]!,
      }).then(
        async (response) => {
          const text = await response.text();
          lastAnswer = performance.now();
          if (response.status === 200) times.push(lastAnswer - due);
          else fail(`order ${i}: HTTP ${response.status} ${text.slice(0, 200)}`);
        },
        (error: unknown) => fail(`order ${i}: ${String(error)}`),
      ),
    );
  };
  // Every order whose time has come is sent at each tick; a tick that comes late sends the
  // overdue ones at once, and their latency still counts from when they were due.
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < job.count && start + next * interval <= now) send(next++);
      if (next < job.count) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    Promise.all(answers).then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), job.timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    const unanswered = job.count - times.length - errors;
    for (let i = 0; i < unanswered; i++) fail(`unanswered after ${job.timeoutMs} ms`);
  }
  return {
    times: times.sort((a, b) => a - b),
    errors,
    firstError,
    maxSendLagMs: round(maxSendLagMs),
    elapsedMs: round((lastAnswer || performance.now()) - start),
  };
}

process.on('message', (message: ClientJob | { type: 'stop' }) => {
  if (message.type === 'stop') {
    process.disconnect?.();
    return;
  }
  const job = message;
  const work = job.type === 'load' ? load(job) : job.type === 'submits' ? submits(job) : openLoop(job);
  work.then(
    (result) => process.send?.({ id: job.id, ok: true, result } satisfies ClientAnswer),
    (error: unknown) =>
      process.send?.({ id: job.id, ok: false, error: String(error) } satisfies ClientAnswer),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
