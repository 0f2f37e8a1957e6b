/** One difference between two JSON values at a path such as `limits.symbol[0].percent`. */
export interface JsonChange {
  readonly path: string;
  readonly op: 'add' | 'remove' | 'change';
  /** Value before; absent for `add`. */
  readonly before?: unknown;
  /** Value after; absent for `remove`. */
  readonly after?: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property, never an inherited one (`valueOf`, `constructor`… are ordinary keys in JSON). */
function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return parent === '' ? safe : `${parent}.${safe}`;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return (
      keys.length === otherKeys.length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
    );
  }
  return false;
}

/**
 * Lists the differences between two JSON values, leaf by leaf, for the audit of a limit or
 * profile change. Objects are compared by key and arrays by index; equal inputs give `[]`.
 */
export function jsonDiff(before: unknown, after: unknown, path = ''): JsonChange[] {
  if (jsonEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const b = own(before, key);
      const a = own(after, key);
      const p = childPath(path, key);
      if (b === undefined && a === undefined) return [];
      if (b === undefined) return [{ path: p, op: 'add' as const, after: a }];
      if (a === undefined) return [{ path: p, op: 'remove' as const, before: b }];
      return jsonDiff(b, a, p);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: JsonChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const p = childPath(path, i);
      if (i >= after.length) changes.push({ path: p, op: 'remove', before: before[i] });
      else if (i >= before.length) changes.push({ path: p, op: 'add', after: after[i] });
      else changes.push(...jsonDiff(before[i], after[i], p));
    }
    return changes;
  }
  return [{ path, op: 'change', before, after }];
}

/** Applies a diff to `before`, giving `after` again; used to check diffs are complete. */
export function applyJsonDiff(before: unknown, changes: readonly JsonChange[]): unknown {
  let result: unknown = structuredClone(before);
  for (const change of changes) {
    const tokens = parsePath(change.path);
    if (tokens.length === 0) {
      result = change.op === 'remove' ? undefined : structuredClone(change.after);
      continue;
    }
    let node = result as Record<string | number, unknown>;
    for (const token of tokens.slice(0, -1)) node = node[token] as Record<string | number, unknown>;
    const last = tokens[tokens.length - 1]!;
    if (change.op === 'remove') {
      if (Array.isArray(node)) node.length = Math.min(node.length, Number(last));
      else delete node[last];
    } else {
      // defineProperty, not assignment, so a key named __proto__ stays an ordinary key.
      Object.defineProperty(node, last, {
        value: structuredClone(change.after),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return result;
}

function parsePath(path: string): Array<string | number> {
  const tokens: Array<string | number> = [];
  const re = /\[(\d+)\]|\.?("(?:[^"\\]|\\.)*"|[A-Za-z_$][\w$-]*)/gy;
  let match = re.exec(path);
  while (match !== null) {
    if (match[1] !== undefined) tokens.push(Number(match[1]));
    else {
      const key = match[2]!;
      tokens.push(key.startsWith('"') ? (JSON.parse(key) as string) : key);
    }
    match = re.exec(path);
  }
  return tokens;
}
