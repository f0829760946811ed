/** A Neo4j of a test's own (its own data directory and port), which it may stop, restart or empty. */
export class ThrowawayNeo4j {
  constructor(line?: '5' | '2026');
  readonly line: '5' | '2026';
  readonly dir: string;
  readonly password: string;
  readonly user: string;
  port: number;
  /** `bolt://127.0.0.1:<port>` */
  readonly url: string;
  /** What the server printed so far. */
  readonly log: string;
  /** Start it (on a free port the first time, the same port after a stop); resolves once it accepts the password. */
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}
