/**
 * Three `riskgate serve` processes on one PostgreSQL database behind an emulated load balancer:
 * fixed ports (an instance that restarts comes back at the same address, as behind a real
 * balancer), a `/readyz` health check every ~100 ms, and a count of the samples in which more
 * than one instance said it was the acting leader.
 */

import { createServer } from 'node:net';
import type { SimExchange } from '../src/broker/sim/sim-exchange.ts';
import { type GatewayProcess, spawnGateway } from '../test/support/gateway-process.ts';

/** One slot behind the balancer: a fixed port, a data directory, and the process serving it now. */
export interface Slot {
  readonly index: number;
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  gateway: GatewayProcess;
  /** Instance id of the current process (a respawned process gets a new one, as by default). */
  instanceId: string;
  /** Last `/readyz` answer: true when it was 200 and said acting leader. */
  ready: boolean;
  /** Whether the last `/readyz` got any HTTP answer (a frozen or dead process gives none). */
  answering: boolean;
  /** Last health state seen, as one line. */
  health: string;
}

/** What the health check saw when two instances said they led at once. */
export interface DoubleLeaderSample {
  readonly atMs: number;
  readonly leaders: readonly { instanceId: string; epoch: number | null }[];
}

/** Options of {@link Cluster.start}. */
export interface ClusterOptions {
  readonly sim: SimExchange;
  readonly databaseUrl: string;
  readonly profilePath: string;
  readonly dir: string;
  readonly ttlMs: number;
  readonly size: number;
  /** More `riskgate serve` flags, given to every instance. */
  readonly extraArgs?: readonly string[];
  /** Called when an instance's health check changes (status, role, acting, epoch), for tracing. */
  readonly onChange?: (slot: Slot, state: string) => void;
}

const HEALTH_TIMEOUT_MS = 800;

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Times `pattern` occurs in `text`. */
export function occurrences(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}

/** Waits until `check` returns true, polling every `everyMs`; throws `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

interface ReadyzInstance {
  instanceId: string;
  role: string;
  acting: boolean;
  epoch: number | null;
}

async function readyz(url: string): Promise<{ status: number; instance?: ReadyzInstance }> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    const body = (await response.json()) as { instance?: ReadyzInstance };
    return body.instance === undefined
      ? { status: response.status }
      : { status: response.status, instance: body.instance };
  } catch {
    return { status: 0 };
  }
}

/** The instances, the health check and the double-leader count. */
export class Cluster {
  readonly slots: Slot[];
  readonly doubleLeaders: DoubleLeaderSample[] = [];
  samples = 0;
  readonly #options: ClusterOptions;
  #generation = 0;
  #timer: NodeJS.Timeout | undefined;

  private constructor(options: ClusterOptions, slots: Slot[]) {
    this.#options = options;
    this.slots = slots;
  }

  /** Starts `size` instances one after the other: the first leads, the others wait as standbys. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options, []);
    for (let i = 0; i < options.size; i++) {
      const port = await freePort();
      const instanceId = cluster.#nextId(i);
      const dataDir = `${options.dir}/instance-${i}`;
      const gateway = await cluster.#spawn(port, dataDir, instanceId);
      const slot: Slot = {
        index: i,
        port,
        url: `http://127.0.0.1:${port}`,
        dataDir,
        gateway,
        instanceId,
        ready: false,
        answering: true,
        health: '',
      };
      cluster.slots.push(slot);
      await gateway.waitFor(
        i === 0 ? /riskgate gateway ready at (http\S+)/ : /riskgate gateway standby at (http\S+)/,
      );
    }
    cluster.#timer = setInterval(() => void cluster.#sample(), 100);
    return cluster;
  }

  /** The slot the balancer sends to first: the last one whose health check passed. */
  preferred(): Slot | undefined {
    return this.slots.find((s) => s.ready);
  }

  /** Replaces the process of a slot that was killed by a new one (new instance id, same port and data). */
  async respawn(slot: Slot): Promise<void> {
    slot.instanceId = this.#nextId(slot.index);
    slot.gateway = await this.#spawn(slot.port, slot.dataDir, slot.instanceId);
  }

  /** The one instance whose `/readyz` says it leads and acts now, asked directly; undefined otherwise. */
  async leader(): Promise<Slot | undefined> {
    const answers = await Promise.all(this.slots.map((s) => readyz(s.url)));
    const leaders = this.slots.filter((_, i) => answers[i]?.status === 200);
    return leaders.length === 1 ? leaders[0] : undefined;
  }

  /** Role of each instance as its `/readyz` says ('down' when it does not answer). */
  async roles(): Promise<string[]> {
    const answers = await Promise.all(this.slots.map((s) => readyz(s.url)));
    return answers.map((a) => (a.instance === undefined ? 'down' : a.instance.role));
  }

  /** Stops the health check and every process (resuming frozen ones so they can die). */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await Promise.all(
      this.slots.map(async (s) => {
        const child = s.gateway.process;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await gone;
      }),
    );
  }

  #nextId(index: number): string {
    return `bench-${index}-${++this.#generation}`;
  }

  #spawn(port: number, dataDir: string, instanceId: string): Promise<GatewayProcess> {
    const o = this.#options;
    return spawnGateway({
      sim: o.sim,
      databaseUrl: o.databaseUrl,
      dataDir,
      profilePath: o.profilePath,
      instanceId,
      leaseTtlMs: o.ttlMs,
      port,
      extraArgs: o.extraArgs ?? [],
    });
  }

  /**
   * One health-check round: every instance asked at the same moment. Rounds overlap when an
   * instance is slow (a frozen one answers nothing), so each round is judged on its own.
   */
  async #sample(): Promise<void> {
    const atMs = performance.now();
    const answers = await Promise.all(this.slots.map((s) => readyz(s.url)));
    this.samples++;
    const leaders: { instanceId: string; epoch: number | null }[] = [];
    answers.forEach((a, i) => {
      const slot = this.slots[i]!;
      slot.ready = a.status === 200;
      slot.answering = a.status !== 0;
      const health = `${a.status} ${a.instance?.instanceId ?? '-'} ${a.instance?.role ?? '-'} acting=${a.instance?.acting ?? '-'} epoch=${a.instance?.epoch ?? '-'}`;
      if (health !== slot.health) {
        slot.health = health;
        this.#options.onChange?.(slot, health);
      }
      if (a.instance?.role === 'leader' && a.instance.acting)
        leaders.push({ instanceId: a.instance.instanceId, epoch: a.instance.epoch });
    });
    if (leaders.length > 1) this.doubleLeaders.push({ atMs, leaders });
  }
}
