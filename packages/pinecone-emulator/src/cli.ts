#!/usr/bin/env node
/**
 * `orch-pinecone-emulator [--port N] [--host ADDRESS] [--api-key KEY]`: runs the Pinecone emulator until
 * SIGINT / SIGTERM and prints its URL on the first line of stdout once it is listening.
 */
import { parseArgs } from 'node:util';
import { PINECONE_API_VERSION, startPineconeEmulator } from './server.js';

const USAGE = `Usage: orch-pinecone-emulator [--port N] [--host ADDRESS] [--api-key KEY]

A strict local emulator of Pinecone's REST API (version ${PINECONE_API_VERSION}).

  --port N         TCP port (default 5080; 0 picks a free port)
  --host ADDRESS   interface to listen on (default 127.0.0.1)
  --api-key KEY    accept only this API key (default: any non-empty Api-Key header)
  -h, --help       show this help

Prints the URL (e.g. http://127.0.0.1:5080) on the first line of stdout once listening. Point the
official client at it with new Pinecone({ apiKey, controllerHostUrl: URL }).`;

async function main(argv: string[]): Promise<number> {
  let values: { port?: string; host?: string; 'api-key'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 5080 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '5080') || port > 65535) {
    process.stderr.write(`--port must be an integer between 0 and 65535, got ${values.port}\n`);
    return 2;
  }
  try {
    const emulator = await startPineconeEmulator({
      port,
      host: values.host ?? '127.0.0.1',
      ...(values['api-key'] === undefined ? {} : { apiKey: values['api-key'] }),
    });
    process.stdout.write(`${emulator.url}\n`);
    const stop = (): void => {
      void emulator.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1;
  } catch (error) {
    process.stderr.write(`orch-pinecone-emulator: could not start: ${(error as Error).message}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
