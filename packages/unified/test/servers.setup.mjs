// Starts PostgreSQL, Chroma and Neo4j 5 (the repository and cross-store suites run on them too)
// unless their URLs are set
// (scripts/test.sh starts every server first); stops it afterwards only if this run started it.
import { serversSetup } from '../../../scripts/servers/vitest-global-setup.mjs';

export default serversSetup('postgres', 'chroma', 'neo4j:5');
