// Both Neo4j lines (5.26 LTS and 2026.08) from scripts/servers/neo4j.sh, started when
// ORCH_TEST_NEO4J_URL / ORCH_TEST_NEO4J_2026_URL are not set, so `pnpm --filter
// @orch/adapter-neo4j test` works alone; servers this setup started are stopped afterwards.
import { serversSetup } from '../../../scripts/servers/vitest-global-setup.mjs';

export default serversSetup('neo4j');
