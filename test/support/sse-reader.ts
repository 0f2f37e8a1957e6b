/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary payload fields
  readonly data: any;
}

/** A Server-Sent Events connection read the way a browser's EventSource reads one. */
export interface SseReader {
  readonly status: number;
  readonly headers: Headers;
  /** Every event received so far, in order. */
  readonly events: SseEvent[];
  /** The `retry:` value sent, in milliseconds. */
  readonly retry: number | undefined;
  /** True once the server ended the stream. */
  readonly ended: boolean;
  close(): void;
}

/** Opens `url` and parses its event stream in the background until {@link SseReader.close}. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  const reader: { -readonly [K in keyof SseReader]: SseReader[K] } = {
    status: response.status,
    headers: response.headers,
    events,
    retry: undefined,
    ended: false,
    close: () => abort.abort(),
  };
  if (response.status !== 200 || response.body === null) return reader;
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = async () => {
    const body = response.body!.getReader();
    for (;;) {
      const { done, value } = await body.read();
      if (done) {
        reader.ended = true;
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        let id: string | undefined;
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') id = value;
          else if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
          else if (field === 'retry') reader.retry = Number(value);
        }
        if (data.length > 0) events.push({ id, event, data: JSON.parse(data.join('\n')) });
      }
    }
  };
  pump().catch(() => {
    // Aborted by close(), or the server ended the stream.
  });
  return reader;
}
