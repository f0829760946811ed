// Starts PostgreSQL (the repository and cross-store suites run on it too) unless ORCH_TEST_POSTGRES_URL is set
// (scripts/test.sh starts every server first); stops it afterwards only if this run started it.
import { serversSetup } from '../../../scripts/servers/vitest-global-setup.mjs';

export default serversSetup('postgres');
