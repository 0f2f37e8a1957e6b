/**
 * Reads a Dockerfile and its .dockerignore the way Docker does, for the tests that replay the
 * image's steps outside Docker: instructions with continuations, stages, ARG substitution,
 * exec-form JSON arguments, and Docker's ignore patterns (`*`, `?`, `**`, `!` exceptions; a
 * pattern that matches a folder matches everything in it; the last matching pattern wins).
 */

export interface Instruction {
  readonly line: number;
  readonly keyword: string;
  /** The arguments after the keyword and its `--flags`. */
  readonly args: string;
  readonly flags: Readonly<Record<string, string>>;
}

export interface Stage {
  readonly name: string;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

/** Splits a Dockerfile into stages of instructions, ARGs before the first FROM substituted into FROM. */
export function parseDockerfile(text: string): Stage[] {
  const logical: { line: number; text: string }[] = [];
  let current: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (current === undefined && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (current !== undefined && trimmed.startsWith('#')) return; // comments inside continuations
    const continues = trimmed.endsWith('\\');
    const part = continues ? trimmed.slice(0, -1) : trimmed;
    current =
      current === undefined ? { line: i + 1, text: part } : { ...current, text: `${current.text} ${part}` };
    if (!continues) {
      logical.push(current);
      current = undefined;
    }
  });
  const globalArgs: Record<string, string> = {};
  const stages: { name: string; image: string; instructions: Instruction[] }[] = [];
  for (const { line, text: body } of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(body);
    if (match === null) continue;
    const keyword = match[1]!.toUpperCase();
    let rest = match[2]!;
    const flags: Record<string, string> = {};
    if (keyword !== 'HEALTHCHECK' || !rest.startsWith('NONE')) {
      for (;;) {
        const flag = /^--([a-z-]+)=(\S+)\s*/.exec(rest);
        if (flag === null) break;
        flags[flag[1]!] = flag[2]!;
        rest = rest.slice(flag[0].length);
      }
    }
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      globalArgs[name!.trim()] = value.trim();
      continue;
    }
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(substitute(rest, globalArgs));
      if (from === null) throw new Error(`Dockerfile line ${line}: cannot read FROM ${rest}`);
      stages.push({ image: from[1]!, name: from[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`Dockerfile line ${line}: ${keyword} before FROM`);
    stage.instructions.push({ line, keyword, args: rest, flags });
  }
  return stages;
}

function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
    const value = vars[(a ?? b)!];
    if (value === undefined) throw new Error(`Dockerfile: ${whole} has no value`);
    return value;
  });
}

/** Arguments of an exec-form instruction (`["node", "x"]`), or of a shell-form one as `sh -c`. */
export function commandOf(args: string): string[] {
  if (args.trimStart().startsWith('[')) return JSON.parse(args) as string[];
  return ['/bin/sh', '-c', args];
}

/** `KEY=value KEY2="v 2"` (or the old `KEY value`) of an ENV instruction. */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (!/^\w+=/.test(args)) {
    const [key, ...value] = args.split(/\s+/);
    env[key!] = value.join(' ');
    return env;
  }
  for (const m of args.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) env[m[1]!] = m[3] ?? m[2]!;
  return env;
}

/** The HEALTHCHECK's options and command. */
export function parseHealthcheck(args: string): { options: Record<string, string>; command: string[] } {
  const options: Record<string, string> = {};
  let rest = args;
  for (;;) {
    const m = /^--([a-z-]+)=(\S+)\s*/.exec(rest);
    if (m === null) break;
    options[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  if (!rest.startsWith('CMD')) throw new Error(`HEALTHCHECK without CMD: ${args}`);
  return { options, command: commandOf(rest.slice(3).trim()) };
}

function patternRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A predicate telling whether a path (relative, with `/`) is left out of the build context. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = (negated ? l.slice(1) : l).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { negated, regex: patternRegex(pattern) };
    });
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) {
      if (prefixes.some((p) => rule.regex.test(p))) ignored = !rule.negated;
    }
    return ignored;
  };
}
