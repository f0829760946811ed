export { type GraphSuiteOptions, graphSuite } from './graph/index.js';
export { type OperationalSuiteOptions, operationalSuite } from './operational/index.js';
export { placeholders } from './operational/sql.js';
export type { CommonSuiteOptions, SuiteHooks } from './types.js';
export { type VectorSuiteOptions, vectorSuite } from './vector/index.js';
