// Starts Chroma through scripts/servers/chroma.sh unless ORCH_TEST_CHROMA_URL is set (scripts/test.sh
// starts every server first); stops it afterwards only if this run started it.
import { serversSetup } from '../../../scripts/servers/vitest-global-setup.mjs';

export default serversSetup('chroma');
