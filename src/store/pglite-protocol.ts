/**
 * Messages between the store's thread and the worker thread that runs embedded PGlite
 * (`pglite-thread.ts`). Values cross by structured clone, which keeps what PGlite's parsers
 * produce as it is: numbers (INT8 included, parsed in the worker), strings, booleans, null,
 * `Date`s, `Uint8Array`s (bytea), parsed JSON and arrays.
 */

/**
 * Where the worker opens PGlite: a data directory (already unpacked from the template) or memory,
 * loaded from a cluster template (the path of its gzipped archive) when there is one.
 */
export type ThreadLocation =
  | { readonly dataDir: string }
  | { readonly memory: true; readonly template?: string };

/** A request to the worker; `tx` names an open transaction (the `id` of its `begin`), or null. */
export type ThreadRequest =
  | {
      readonly kind: 'query';
      readonly id: number;
      readonly text: string;
      readonly params: readonly unknown[];
      readonly tx: number | null;
      /** The epoch setting wanted for a statement outside a transaction. */
      readonly epoch: string;
    }
  | { readonly kind: 'exec'; readonly id: number; readonly script: string; readonly tx: number | null }
  | {
      readonly kind: 'begin';
      readonly id: number;
      readonly characteristics: string | null;
      readonly epoch: string;
    }
  | { readonly kind: 'end'; readonly id: number; readonly tx: number; readonly commit: boolean }
  | { readonly kind: 'listen'; readonly id: number; readonly channel: string }
  | { readonly kind: 'unlisten'; readonly id: number; readonly listenId: number }
  | { readonly kind: 'close'; readonly id: number };

/** A failure as it crosses threads: an `Error`'s name and message, and the fields of a Postgres error. */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** String fields of the error (`code` = SQLSTATE, `detail`, `constraint`, `table`…). */
  readonly fields: Readonly<Record<string, string>>;
  /** True when the engine was closed (or died) when this failure happened. */
  readonly engineClosed: boolean;
}

/** What the worker sends: its start, the answer to a request, or a notification. */
export type ThreadMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: ThreadError }
  | {
      readonly kind: 'reply';
      readonly id: number;
      readonly rows?: unknown[];
      readonly rowCount?: number;
      readonly error?: ThreadError;
    }
  | { readonly kind: 'notify'; readonly listenId: number; readonly payload: string };

/** Postgres error fields carried across (all strings in PGlite's `DatabaseError`). */
const ERROR_FIELDS = [
  'code',
  'severity',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

/** Flattens a failure for `postMessage` (custom error properties do not survive structured clone). */
export function toThreadError(error: unknown, engineClosed: boolean): ThreadError {
  const fields: Record<string, string> = {};
  if (typeof error === 'object' && error !== null) {
    for (const key of ERROR_FIELDS) {
      const value = (error as Record<string, unknown>)[key];
      if (typeof value === 'string') fields[key] = value;
    }
  }
  return {
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
    fields,
    engineClosed,
  };
}

/** Rebuilds an `Error` with the same name, message and Postgres fields as the worker's. */
export function fromThreadError(error: ThreadError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack !== undefined) rebuilt.stack = error.stack;
  Object.assign(rebuilt, error.fields);
  return rebuilt;
}
