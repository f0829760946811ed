/** A Chroma server of a test's own (its own data directory and port), which it may stop and restart. */
export class ThrowawayChroma {
  readonly dir: string;
  port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly log: string;
  /** Start it (on a free port the first time, the same port after a stop); resolves once it answers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}
