import type { ReadOptions } from '../read-options.ts';

/**
 * What a broker request does, which decides its place in line and which share of the request
 * budget it may use:
 *
 * - `cancel`: cancelling orders.
 * - `exit`: orders that reduce a position — exits, closes, protective stops and their replaces.
 * - `monitor`: the gateway's own reads — quote and account polls, reconciliation, protection checks.
 * - `entry`: orders that open or increase a position, and the reads that confirm them.
 * - `read`: reads made on behalf of a client (proxied `GET`s).
 *
 * The first three are the priority classes: they may use the whole budget. `entry` and `read` are
 * client classes: together they may use only part of it, so client traffic never starves them.
 */
export type RequestKind = 'cancel' | 'exit' | 'monitor' | 'entry' | 'read';

/** Every {@link RequestKind}, highest priority first. */
export const REQUEST_KINDS: readonly RequestKind[] = ['cancel', 'exit', 'monitor', 'entry', 'read'];

/** Place in line: lower goes first. */
export const PRIORITY: Readonly<Record<RequestKind, number>> = {
  cancel: 0,
  exit: 1,
  monitor: 2,
  entry: 3,
  read: 4,
};

/** True for the classes whose share of the budget is capped (client traffic). */
export function isClientKind(kind: RequestKind): boolean {
  return kind === 'entry' || kind === 'read';
}

/** True for requests that reduce risk: queued, never refused, while the circuit is open. */
export function reducesRisk(kind: RequestKind): boolean {
  return kind === 'cancel' || kind === 'exit';
}

/** The request class of a read made for `purpose`. */
export function readKind(options: ReadOptions | undefined): RequestKind {
  return options?.purpose === 'client' ? 'read' : 'monitor';
}
