import { type ChildProcess, fork } from 'node:child_process';

/** A forked helper process (an exchange, a load generator) and the message it sent once ready. */
export interface Peer<Ready> {
  readonly child: ChildProcess;
  readonly ready: Ready;
}

/**
 * Forks `file` (relative to this folder) under tsx and resolves with its first message, its
 * "ready"; rejects if it exits first. execArgv is explicit so that a --cpu-prof given to the
 * benchmark is not inherited.
 */
export function forkPeer<Ready>(file: string, env?: NodeJS.ProcessEnv): Promise<Peer<Ready>> {
  const child = fork(new URL(file, import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
    ...(env !== undefined ? { env: { ...process.env, ...env } } : {}),
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
  });
}
