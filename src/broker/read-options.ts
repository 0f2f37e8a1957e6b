/** Who a broker read is for: the gateway itself (the default) or a client whose request it proxies. */
export type ReadPurpose = 'monitor' | 'client';

/** Options of a broker read. */
export interface ReadOptions {
  /**
   * `client` marks a read made on behalf of a client: the adapter paces it in the capped client
   * share of the request budget. Reads without it are the gateway's own (polls, reconciliation).
   */
  readonly purpose?: ReadPurpose;
}
