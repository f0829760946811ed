// Starts a libsql server (sqld) for the remote suites unless ORCH_TEST_SQLD_URL is set
// (scripts/test.sh starts every server first); stops it afterwards only if this run started it.
import { serversSetup } from '../../../scripts/servers/vitest-global-setup.mjs';

export default serversSetup('sqld');
