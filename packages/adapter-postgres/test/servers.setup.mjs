// Starts PostgreSQL through scripts/servers/postgres.sh unless ORCH_TEST_POSTGRES_URL is set
// (scripts/test.sh starts every server first); stops it afterwards only if this run started it.
import { serversSetup } from '../../../scripts/servers/vitest-global-setup.mjs';

export default serversSetup('postgres');
