/**
 * deploy/compose.yaml read as YAML: the services and volumes it should have, wired to each other
 * consistently with the Dockerfile, and every file it mounts present in the repository, with
 * the Prometheus and Grafana provisioning pointing at the project's rules and dashboard.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDockerfile, parseEnv } from './dockerfile.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const DEPLOY = join(ROOT, 'deploy');
const readYaml = (path: string) => parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  env_file?: string[];
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
  init?: boolean;
  stop_signal?: string;
  stop_grace_period?: string;
}

const compose = readYaml(join(DEPLOY, 'compose.yaml')) as unknown as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const runtime = parseDockerfile(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8')).at(-1)!;
const imageEnv = Object.assign(
  {},
  ...runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => parseEnv(i.args)),
);
const of = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** `source:target[:ro]` mounts of a service, split. */
function mounts(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).map((v) => {
    const [source, target] = v.split(':');
    return { source: source!, target: target! };
  });
}

/** Where a bind mount's target comes from in the repository, for a path inside the container. */
function hostFileFor(service: Service, containerPath: string): string | undefined {
  for (const { source, target } of mounts(service)) {
    if (!source.startsWith('.')) continue;
    if (containerPath === target) return resolve(DEPLOY, source);
    if (containerPath.startsWith(`${target}/`))
      return join(resolve(DEPLOY, source), posix.relative(target, containerPath));
  }
  return undefined;
}

describe('deploy/compose.yaml', () => {
  it('runs the gateway, PostgreSQL, Prometheus and Grafana, each with a declared volume for its data', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'postgres', 'prometheus', 'riskgate']);
    const named = Object.values(services).flatMap((s) =>
      mounts(s)
        .filter((m) => !m.source.startsWith('.'))
        .map((m) => m.source),
    );
    expect(named.sort()).toEqual(Object.keys(compose.volumes).sort());
    for (const name of Object.keys(services))
      expect(
        mounts(services[name]!).some((m) => !m.source.startsWith('.')),
        name,
      ).toBe(true);
  });

  it('mounts only files that exist, and builds from deploy/Dockerfile', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const { source } of mounts(service)) {
        if (source.startsWith('.'))
          expect(existsSync(resolve(DEPLOY, source)), `${name}: ${source}`).toBe(true);
      }
    }
    const build = services.riskgate!.build!;
    expect(resolve(DEPLOY, build.context, build.dockerfile)).toBe(join(DEPLOY, 'Dockerfile'));
    expect(resolve(DEPLOY, build.context)).toBe(resolve(ROOT));
    // The gateway's settings come from the .env made from .env.example.
    expect(services.riskgate!.env_file!.map((f) => resolve(DEPLOY, f))).toEqual([join(ROOT, '.env')]);
    expect(existsSync(join(ROOT, '.env.example'))).toBe(true);
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });

  it('points the gateway at the PostgreSQL service once it is healthy, one database for the account', () => {
    const pg = services.postgres!;
    expect(pg.image).toMatch(/^postgres:\d+\.\d+/);
    expect(pg.healthcheck?.test).toContain('pg_isready');
    const gw = services.riskgate!;
    expect(gw.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const url = new URL(gw.environment!.DATABASE_URL!.replace(/\$\{[^}]+\}/, 'secret'));
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect(url.port).toBe('5432');
    expect(url.username).toBe(pg.environment!.POSTGRES_USER);
    expect(url.pathname).toBe(`/${pg.environment!.POSTGRES_DB}`);
    expect(gw.environment!.DATABASE_URL).toContain('${POSTGRES_PASSWORD');
    expect(pg.environment!.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('runs the gateway as the image does: 0.0.0.0, its port, its data volume, an init process, a graceful stop', () => {
    const gw = services.riskgate!;
    expect(gw.environment!.RISKGATE_HOST).toBe('0.0.0.0');
    expect(gw.environment!.RISKGATE_PORT).toBe(imageEnv.RISKGATE_PORT);
    expect(of('EXPOSE')).toEqual([imageEnv.RISKGATE_PORT]);
    expect(gw.ports).toEqual([`127.0.0.1:${imageEnv.RISKGATE_PORT}:${imageEnv.RISKGATE_PORT}`]);
    expect(gw.environment!.RISKGATE_DATA_DIR).toBe(imageEnv.RISKGATE_DATA_DIR);
    expect(mounts(gw).map((m) => m.target)).toEqual(of('VOLUME').map((v) => (JSON.parse(v) as string[])[0]));
    expect(gw.init).toBe(true);
    expect(gw.stop_signal).toBe(of('STOPSIGNAL')[0]);
    expect(Number.parseInt(gw.stop_grace_period!, 10)).toBeGreaterThanOrEqual(30);
  });

  it('has Prometheus scrape the gateway under job riskgate and load the project alert rules', () => {
    const prom = services.prometheus!;
    const configTarget = prom
      .volumes!.map((v) => v.split(':')[1])
      .find((t) => t?.endsWith('prometheus.yml'))!;
    const config = readYaml(hostFileFor(prom, configTarget)!);
    const [job] = config.scrape_configs as { job_name: string; static_configs: { targets: string[] }[] }[];
    // The rules assume job="riskgate".
    expect(job!.job_name).toBe('riskgate');
    expect(readFileSync(join(DEPLOY, 'prometheus/riskgate-rules.yml'), 'utf8')).toContain(
      'up{job="riskgate"}',
    );
    expect(job!.static_configs[0]!.targets).toEqual([`riskgate:${imageEnv.RISKGATE_PORT}`]);
    const rules = (config.rule_files as string[]).map((r) => hostFileFor(prom, r));
    expect(rules).toEqual([join(DEPLOY, 'prometheus/riskgate-rules.yml')]);
  });

  it('provisions Grafana with that Prometheus as data source and the project dashboard', () => {
    const grafana = services.grafana!;
    const datasources = readYaml(
      hostFileFor(grafana, '/etc/grafana/provisioning/datasources/prometheus.yml')!,
    );
    const [source] = datasources.datasources as { type: string; url: string; isDefault: boolean }[];
    expect(source).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    const dashboards = readYaml(hostFileFor(grafana, '/etc/grafana/provisioning/dashboards/riskgate.yml')!);
    const [provider] = dashboards.providers as { type: string; options: { path: string } }[];
    expect(provider!.type).toBe('file');
    const dashboardFiles = mounts(grafana)
      .filter((m) => m.source.endsWith('.json') && dirname(m.target) === provider!.options.path)
      .map((m) => resolve(DEPLOY, m.source));
    expect(dashboardFiles).toEqual([join(DEPLOY, 'grafana/riskgate-dashboard.json')]);
    // The dashboard picks its data source by type, so the provisioned one serves it.
    const dashboard = JSON.parse(readFileSync(dashboardFiles[0]!, 'utf8')) as {
      __inputs?: unknown;
      templating: { list: { type: string; query: unknown }[] };
    };
    expect(dashboard.__inputs).toBeUndefined();
    expect(dashboard.templating.list.find((v) => v.type === 'datasource')?.query).toBe('prometheus');
  });
});
