export { buildProgram, main as runCli } from './cli/program.js';
export {
  defaultConfigPath,
  describeSource,
  type ResolvedStores,
  resolveStores,
  type StoreSelection,
  type StoreSource,
} from './config.js';
export { type ErrorPayload, errorPayload, toOrchError } from './errors.js';
export { GRAPH_FORMATS, type GraphFormat, renderGraph, toDot, toMermaid, toSvg } from './graph/index.js';
export { serveStdio } from './mcp/serve.js';
export {
  createOrchestratorServer,
  type OrchestratorServerOptions,
  SERVER_NAME,
  SERVER_VERSION,
} from './mcp/server.js';
export {
  type GraphModel,
  normalizeProjectDir,
  Orchestrator,
  type OrchestratorOptions,
} from './orchestrator/orchestrator.js';
export { COMPLEXITIES, type Complexity, resolvePlan, type SubtaskPlanInput } from './orchestrator/plan.js';
export { DEFAULT_SPECIALISTS, seedSpecialists } from './orchestrator/specialists.js';
