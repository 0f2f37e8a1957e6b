/**
 * The load generator of the gateway benchmark, in a process of its own so that it never shares
 * an event loop with the servers it measures. `bench/gateway.ts` forks it and sends it jobs over
 * IPC: an autocannon run (throughput and per-request latency, timed to the microsecond) or a
 * series of sequential order submissions (each timed on its own).
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

/** A job and the id its answer carries. */
export type ClientJob = (LoadJob | SubmitJob) & { readonly id: number };

/** The answer to a job. */
export type ClientAnswer =
  | { readonly id: number; readonly ok: true; readonly result: LoadResult | SubmitResult }
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

async function submits(job: SubmitJob): Promise<SubmitResult> {
  const times: number[] = [];
  for (let i = 0; i < job.count; i++) {
    const body = JSON.stringify({
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'limit',
      limit_price: '60',
      time_in_force: 'day',
      order_class: 'bracket',
      take_profit: { limit_price: '70' },
      stop_loss: { stop_price: '55' },
      client_order_id: `${job.prefix}-${i}`,
    });
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

process.on('message', (message: ClientJob | { type: 'stop' }) => {
  if (message.type === 'stop') {
    process.disconnect?.();
    return;
  }
  const job = message;
  const work = job.type === 'load' ? load(job) : submits(job);
  work.then(
    (result) => process.send?.({ id: job.id, ok: true, result } satisfies ClientAnswer),
    (error: unknown) =>
      process.send?.({ id: job.id, ok: false, error: String(error) } satisfies ClientAnswer),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
