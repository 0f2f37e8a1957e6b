/**
 * Replays a Dockerfile's stages outside Docker, in a temporary folder: one folder per stage
 * stands for its file system (`/app` of stage `build` is `<tmp>/stages/build/app`), the build
 * context is the repository as git sees it minus what .dockerignore leaves out, COPY copies,
 * and RUN runs the few commands the image uses (npm, `mkdir -p`, `chown`). Anything else is an
 * error, so a Dockerfile change the replay cannot follow fails instead of passing unchecked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import {
  commandOf,
  dockerignore,
  type Instruction,
  parseEnv,
  parseHealthcheck,
  type Stage,
} from './dockerfile.ts';

/** Raised when the replay cannot run on this machine (npm cannot reach a package). */
export class ReplayUnavailable extends Error {}

export interface ReplayedStage {
  readonly name: string;
  readonly image: string;
  /** The folder standing for the stage's `/`. */
  readonly root: string;
  workdir: string;
  readonly env: Record<string, string>;
  user: string;
  readonly expose: string[];
  readonly volumes: string[];
  stopSignal?: string;
  healthcheck?: { options: Record<string, string>; command: string[] };
  entrypoint: string[];
  cmd: string[];
  /** RUN commands that were recognised but cannot be replayed here, with the reason. */
  readonly skipped: string[];
}

/** The files of the build context: tracked and new files of the checkout, minus .dockerignore. */
export function contextFiles(repo: string): string[] {
  let listing: string;
  try {
    listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    throw new ReplayUnavailable(
      `the build context comes from git, which failed here: ${(error as Error).message}`,
    );
  }
  const listed = listing
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(repo, f)) && statSync(join(repo, f)).isFile());
  const ignorePath = join(repo, '.dockerignore');
  const ignored = existsSync(ignorePath) ? dockerignore(readFileSync(ignorePath, 'utf8')) : () => false;
  return listed.filter((f) => !ignored(f));
}

/** Copies the build context into `dir`. */
export function materialiseContext(repo: string, files: readonly string[], dir: string): void {
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(repo, file), join(dir, file));
  }
}

const NETWORK = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network/i;

export interface ReplayOptions {
  readonly context: string;
  readonly tmp: string;
  /** Environment every RUN step gets besides the stage's ENV (PATH, HOME for the npm cache). */
  readonly hostEnv: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
}

/** Runs every stage in order; returns them by name. */
export function replay(stages: readonly Stage[], options: ReplayOptions): Map<string, ReplayedStage> {
  const done = new Map<string, ReplayedStage>();
  for (const stage of stages) {
    const state: ReplayedStage = {
      name: stage.name,
      image: stage.image,
      root: join(options.tmp, 'stages', stage.name),
      workdir: '/',
      env: {},
      user: 'root',
      expose: [],
      volumes: [],
      entrypoint: [],
      cmd: [],
      skipped: [],
    };
    mkdirSync(state.root, { recursive: true });
    for (const step of stage.instructions) {
      try {
        apply(step, state, done, options);
      } catch (error) {
        if (error instanceof ReplayUnavailable) throw error;
        throw new Error(
          `Dockerfile line ${step.line} (${step.keyword} ${step.args}): ${(error as Error).message}`,
        );
      }
    }
    done.set(stage.name, state);
  }
  return done;
}

/** The host path standing for `path` (absolute, or relative to the working directory) in a stage. */
export function hostPath(state: ReplayedStage, path: string): string {
  return join(state.root, posix.resolve(state.workdir, path));
}

function apply(
  step: Instruction,
  state: ReplayedStage,
  done: ReadonlyMap<string, ReplayedStage>,
  options: ReplayOptions,
): void {
  switch (step.keyword) {
    case 'WORKDIR':
      state.workdir = posix.resolve(state.workdir, step.args);
      mkdirSync(hostPath(state, '.'), { recursive: true });
      return;
    case 'ENV':
      Object.assign(state.env, parseEnv(step.args));
      return;
    case 'COPY':
      copy(step, state, done, options.context);
      return;
    case 'RUN':
      for (const part of step.args.split('&&')) run(part.trim(), state, options);
      return;
    case 'USER':
      state.user = step.args;
      return;
    case 'EXPOSE':
      state.expose.push(...step.args.split(/\s+/));
      return;
    case 'VOLUME':
      state.volumes.push(
        ...(step.args.startsWith('[') ? (JSON.parse(step.args) as string[]) : step.args.split(/\s+/)),
      );
      return;
    case 'STOPSIGNAL':
      state.stopSignal = step.args;
      return;
    case 'HEALTHCHECK':
      state.healthcheck = parseHealthcheck(step.args);
      return;
    case 'ENTRYPOINT':
      state.entrypoint = commandOf(step.args);
      return;
    case 'CMD':
      state.cmd = commandOf(step.args);
      return;
    case 'LABEL':
      return;
    default:
      throw new Error(`the replay does not know ${step.keyword}`);
  }
}

function copy(
  step: Instruction,
  state: ReplayedStage,
  done: ReadonlyMap<string, ReplayedStage>,
  context: string,
): void {
  const parts = step.args.split(/\s+/);
  const dest = parts.pop()!;
  const from = step.flags.from;
  const source = from === undefined ? undefined : done.get(from);
  if (from !== undefined && source === undefined) throw new Error(`no earlier stage ${from}`);
  const base = source === undefined ? context : source.root;
  const target = hostPath(state, dest);
  for (const src of parts) {
    const path = join(base, source === undefined ? src : posix.resolve(source.workdir, src));
    if (!existsSync(path)) {
      throw new Error(
        source === undefined
          ? `${src} is not in the build context (is it tracked by git and let through by .dockerignore?)`
          : `${src} does not exist in stage ${from}`,
      );
    }
    if (statSync(path).isDirectory()) cpSync(path, target, { recursive: true });
    else {
      const file = dest.endsWith('/') || parts.length > 1 ? join(target, basename(src)) : target;
      mkdirSync(dirname(file), { recursive: true });
      cpSync(path, file);
    }
  }
}

function run(command: string, state: ReplayedStage, options: ReplayOptions): void {
  if (/["'`$|;<>]/.test(command)) throw new Error(`the replay runs plain commands only, not ${command}`);
  const [program, ...args] = command.split(/\s+/);
  if (program === 'npm') {
    options.log?.(`RUN ${command} (stage ${state.name})`);
    const result = spawnSync('npm', args, {
      cwd: hostPath(state, '.'),
      env: { ...options.hostEnv, ...state.env, npm_config_prefer_offline: 'true' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      const output = `${result.stdout}\n${result.stderr}`.trim();
      if (result.error !== undefined) throw new ReplayUnavailable(`npm cannot run: ${result.error.message}`);
      if (NETWORK.test(output))
        throw new ReplayUnavailable(`npm ${args.join(' ')} needs the network: ${output.slice(-800)}`);
      throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${output.slice(-4000)}`);
    }
    return;
  }
  if (program === 'mkdir' && args[0] === '-p') {
    for (const dir of args.slice(1)) mkdirSync(hostPath(state, dir), { recursive: true });
    return;
  }
  if (program === 'chown' && args.length >= 2) {
    const paths = args.slice(1);
    for (const p of paths) if (!existsSync(hostPath(state, p))) throw new Error(`chown: ${p} does not exist`);
    // Changing owners needs root; the test checks the owner is the user the stage runs as.
    state.skipped.push(`chown ${args[0]} ${paths.join(' ')}`);
    return;
  }
  throw new Error(`the replay does not know how to run ${command}`);
}
