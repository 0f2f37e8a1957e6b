/** Longest market index name accepted. */
export const MAX_INDEX_NAME_LENGTH = 16;

const INDEX_NAME = /^[A-Z][A-Z0-9]*([._-][A-Z0-9]+)*$/;

/** What an index name looks like, for error messages. */
export const INDEX_NAME_EXPECTED = `an index name such as VIX or VIX9D (upper-case letters and digits, at most ${MAX_INDEX_NAME_LENGTH} characters, starting with a letter)`;

/** True for a well-formed index name such as `VIX`, `VIX9D` or `SPX` (exactly as written, no case folding). */
export function isIndexName(name: string): boolean {
  return name.length <= MAX_INDEX_NAME_LENGTH && INDEX_NAME.test(name);
}

/** The default maximum age of a required index reading, in ms (see docs/GATEWAY.md). */
export const DEFAULT_INDEX_MAX_AGE_MS = 60_000;
/** The default interval of the index source poller, in ms. */
export const DEFAULT_INDEX_POLL_MS = 5_000;
