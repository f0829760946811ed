import { Mutex } from '@orch/core/adapter-kit';
import pg from 'pg';
import type { ResolvedPostgresOptions } from './options.js';

/** A connection a transaction pins: a pooled client, or the one injected client. */
export type PgConnection = pg.PoolClient | pg.Client;

/**
 * Where statements run. Outside a transaction `query` takes any connection; a transaction
 * `acquire`s one and keeps it until `release`.
 */
export interface ConnectionSource {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
  acquire(): Promise<PgConnection>;
  release(connection: PgConnection, broken: boolean): void;
  counts(): Record<string, number>;
  end(): Promise<void>;
}

/** A pg.Pool: statements outside transactions run side by side on pooled connections. */
export class PoolSource implements ConnectionSource {
  readonly #pool: pg.Pool;
  readonly #owned: boolean;

  constructor(pool: pg.Pool, owned: boolean) {
    this.#pool = pool;
    this.#owned = owned;
    // An idle pooled connection that the server drops emits 'error' on the pool; unhandled, it
    // would end the process. The next statement gets a fresh connection and a typed error if the
    // server is still gone.
    if (owned) pool.on('error', () => undefined);
  }

  query(config: pg.QueryConfig): Promise<pg.QueryResult> {
    return this.#pool.query(config);
  }

  acquire(): Promise<PgConnection> {
    return this.#pool.connect();
  }

  release(connection: PgConnection, broken: boolean): void {
    // A connection whose ROLLBACK failed may still be inside a transaction: destroy it, never reuse it.
    (connection as pg.PoolClient).release(broken ? true : undefined);
  }

  counts(): Record<string, number> {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  async end(): Promise<void> {
    if (this.#owned) await this.#pool.end();
  }
}

/**
 * One injected pg.Client: a transaction holds it exclusively, and statements outside it wait,
 * because on a single connection they would otherwise run inside the open transaction.
 */
export class ClientSource implements ConnectionSource {
  readonly #client: pg.Client;
  readonly #mutex = new Mutex();
  #unlock: (() => void) | undefined;

  constructor(client: pg.Client) {
    this.#client = client;
  }

  query(config: pg.QueryConfig): Promise<pg.QueryResult> {
    return this.#mutex.run(() => this.#client.query(config));
  }

  acquire(): Promise<PgConnection> {
    return new Promise((acquired) => {
      void this.#mutex.run(
        () =>
          new Promise<void>((unlock) => {
            this.#unlock = unlock;
            acquired(this.#client);
          }),
      );
    });
  }

  release(): void {
    const unlock = this.#unlock;
    this.#unlock = undefined;
    unlock?.();
  }

  counts(): Record<string, number> {
    return { total: 1, injectedClient: 1 };
  }

  async end(): Promise<void> {
    // The caller's client: never ended here.
  }
}

/**
 * The source for a store's options: the injected client or pool, or a pool of the store's own,
 * checked with `check` before it is handed out (and ended if the check fails).
 */
export async function openConnectionSource(
  options: ResolvedPostgresOptions,
  check: (source: ConnectionSource) => Promise<void>,
): Promise<ConnectionSource> {
  const { client, poolConfig } = options;
  const source =
    client instanceof pg.Client
      ? new ClientSource(client)
      : new PoolSource(client ?? new pg.Pool(poolConfig), client === undefined);
  try {
    await check(source);
  } catch (err) {
    await source.end().catch(() => undefined);
    throw err;
  }
  return source;
}
