import { format } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ResolvedStores, StoreSelection } from '../config.js';
import { toOrchError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { Orchestrator } from '../orchestrator/orchestrator.js';
import { createOrchestratorServer, InFlight } from './server.js';

/** Largest single JSON-RPC message accepted on stdin (artifacts of a few MB fit). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Run the MCP server on stdin/stdout until the client closes stdin or a signal arrives. stdout is
 * the protocol: anything else that tries to print there (console.log in a dependency) goes to stderr.
 */
export async function serveStdio(
  stores: StoreSelection | ResolvedStores,
  logger: Logger = createLogger(),
): Promise<void> {
  const toStderr = (...args: unknown[]): void => {
    process.stderr.write(`${format(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;

  // A stray rejection somewhere (a driver's background callback) is logged, never fatal to the session.
  process.on('unhandledRejection', (reason) =>
    logger.error(`unhandled rejection: ${toOrchError(reason).message}`),
  );
  const orch = await Orchestrator.open({ stores, logger });
  const inflight = new InFlight();
  const server = createOrchestratorServer(orch, { logger, inflight });
  const transport = new StdioServerTransport(process.stdin, process.stdout, {
    maxBufferSize: MAX_MESSAGE_BYTES,
  });
  let closing: Promise<void> | undefined;
  const shutdown = (why: string): Promise<void> => {
    closing ??= (async () => {
      logger.info(`shutting down (${why})`);
      // Let the calls under way answer (a client that writes its requests and closes stdin still gets every reply).
      // The last requests may still be on their way from the transport to the handler: give them a moment.
      const deadline = Date.now() + 30_000;
      do {
        await new Promise((r) => setTimeout(r, 25));
        await Promise.race([
          inflight.idle(),
          new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
        ]);
        await new Promise((r) => setTimeout(r, 25));
      } while (!inflight.isIdle && Date.now() < deadline);
      await server.close().catch(() => undefined);
      await orch.close().catch((err) => logger.warn(`closing the stores: ${toOrchError(err).message}`));
    })();
    return closing;
  };
  transport.onerror = (err) => logger.warn(`transport: ${err.message}`);
  process.stdin.on('end', () => void shutdown('stdin closed').then(() => process.exit(0)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
  await server.connect(transport);
  logger.info(`orch MCP server ready on stdio (${orch.source.kind})`);
}
