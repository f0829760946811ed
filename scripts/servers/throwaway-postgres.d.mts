/** A password-protected PostgreSQL cluster of a test's own, which it may stop and start at will. */
export interface ThrowawayCluster {
  readonly port: number;
  readonly password: string;
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** Create and start a cluster with scram-sha-256 authentication over TCP (pgvector available if installed). */
export function createThrowawayCluster(): Promise<ThrowawayCluster>;
