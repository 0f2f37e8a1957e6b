/** One sample of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A scrape parsed: its samples, and every metric family name it declares with its type. */
export interface Scrape {
  readonly samples: readonly Sample[];
  readonly types: ReadonlyMap<string, string>;
  /** The value of the one sample of `name` whose labels include `labels`; undefined when none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every sample of `name`. */
  series(name: string): readonly Sample[];
  /** Every name a query may use: the families, and `_bucket`, `_sum`, `_count` of histograms and summaries. */
  names(): Set<string>;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Parses the Prometheus text exposition format (as prom-client writes it). */
export function parseScrape(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      if (name !== undefined && type !== undefined) types.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[m[1]!] = m[2]!;
    samples.push({ name: match[1]!, labels, value: parseValue(match[4]!) });
  }
  const series = (name: string) => samples.filter((s) => s.name === name);
  return {
    samples,
    types,
    series,
    value(name, labels = {}) {
      const found = series(name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      if (found.length > 1)
        throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
    names() {
      const names = new Set<string>();
      for (const [name, type] of types) {
        names.add(name);
        if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
        if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
      }
      return names;
    },
  };
}
