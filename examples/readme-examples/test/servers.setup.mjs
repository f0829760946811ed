// Starts the servers the README examples talk to (sqld, PostgreSQL, Chroma) unless their URLs are
// set (scripts/test.sh starts every server first); stops only the ones this run started.
import { serversSetup } from '../../../scripts/servers/vitest-global-setup.mjs';

export default serversSetup('sqld', 'postgres', 'chroma');
