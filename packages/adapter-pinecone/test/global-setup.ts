import type { TestProject } from 'vitest/node';

/**
 * Starts one Pinecone emulator (@orch/pinecone-emulator, in this process) for the whole run and
 * hands its URL to the test files, unless ORCH_TEST_PINECONE_EMULATOR_URL points at one already
 * running (e.g. started with `npx orch-pinecone-emulator --port 5080`). It only accepts the API key
 * below, so a wrong key is refused with 401 as by the service.
 */
export const EMULATOR_API_KEY = 'orch-adapter-test-key';

declare module 'vitest' {
  export interface ProvidedContext {
    pineconeEmulatorUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.ORCH_TEST_PINECONE_EMULATOR_URL;
  if (external) {
    project.provide('pineconeEmulatorUrl', external);
    return async () => {};
  }
  const { startPineconeEmulator } = await import('@orch/pinecone-emulator');
  const emulator = await startPineconeEmulator({ apiKey: EMULATOR_API_KEY });
  project.provide('pineconeEmulatorUrl', emulator.url);
  return () => emulator.close();
}
