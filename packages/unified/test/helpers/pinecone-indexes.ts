import '@orch/adapter-pinecone';
import { startPineconeEmulator } from '@orch/pinecone-emulator';
import { afterAll } from 'vitest';

/**
 * For a test file: a Pinecone emulator in this process, and a fresh index name per manager
 * (`pinecone://<index>`; the adapter creates it with the first collection's dimension and metric).
 * The adapter finds the emulator and its key through PINECONE_CONTROLLER_HOST and PINECONE_API_KEY,
 * as it would find the real service.
 */
export function pineconeIndexes(prefix: string): { indexUrl(): Promise<string> } {
  let emulator: Awaited<ReturnType<typeof startPineconeEmulator>> | undefined;
  let seq = 0;
  afterAll(async () => {
    await emulator?.close();
  });
  return {
    async indexUrl() {
      if (!emulator) {
        emulator = await startPineconeEmulator({ port: 0 });
        process.env.PINECONE_CONTROLLER_HOST = emulator.url;
        process.env.PINECONE_API_KEY = 'orch-unified-test-key';
      }
      const index = `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 8)}`
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-');
      return `pinecone://${index}`;
    },
  };
}
