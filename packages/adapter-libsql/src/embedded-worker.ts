/**
 * Worker-thread side of the embedded libsql store: one connection, one request at a time (the
 * transaction machinery on the main thread never sends two at once), replies by request id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LibsqlConnection, type LibsqlEmbeddedSettings, openLibsql } from './embedded-connection.js';

/** A request from the main thread. */
export interface WorkerRequest {
  readonly id: number;
  readonly op: 'query' | 'execute' | 'executeMany' | 'batch' | 'close';
  readonly sql: string;
  readonly params: unknown;
}

export type WorkerReply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: { name: string; message: string; code?: string } }
  | { readonly ready: true }
  | { readonly failed: { name: string; message: string; code?: string } };

const port = parentPort;
if (!port) throw new Error('embedded-worker.js must run in a worker thread');

function serialize(err: unknown): { name: string; message: string; code?: string } {
  const e = err as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

let connection: LibsqlConnection | undefined;
try {
  const settings = workerData as LibsqlEmbeddedSettings;
  connection = new LibsqlConnection(openLibsql(settings), settings.statementCacheSize, true);
  port.postMessage({ ready: true } satisfies WorkerReply);
} catch (err) {
  port.postMessage({ failed: serialize(err) } satisfies WorkerReply);
}

port.on('message', (req: WorkerRequest) => {
  try {
    if (!connection)
      throw Object.assign(new Error('The libsql connection is closed.'), { code: 'SQLITE_MISUSE' });
    let result: unknown;
    switch (req.op) {
      case 'query':
        result = connection.query(req.sql, req.params as unknown[]);
        break;
      case 'execute':
        result = connection.execute(req.sql, req.params as unknown[]);
        break;
      case 'executeMany':
        result = connection.executeMany(req.sql, req.params as unknown[][]);
        break;
      case 'batch':
        result = connection.batch(req.params as [string, unknown[]][]);
        break;
      case 'close':
        connection.close();
        connection = undefined;
        result = null;
        break;
    }
    port.postMessage({ id: req.id, result } satisfies WorkerReply);
  } catch (err) {
    port.postMessage({ id: req.id, error: serialize(err) } satisfies WorkerReply);
  }
});
