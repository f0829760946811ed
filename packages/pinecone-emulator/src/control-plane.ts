/**
 * The control plane (Pinecone API 2026-04, `db_control_2026-04.oas.yaml`): create, list, describe,
 * configure and delete serverless dense indexes. Field names are the spec's snake_case.
 */
import { badRequest, EmulatorApiError, notEmulated, notFound, unprocessable } from './errors.js';
import { isPlainObject } from './filter.js';
import { LIMITS } from './metadata.js';
import { EmulatedIndex, type EmulatorState, type IndexConfig, type Metric } from './state.js';

type Body = Record<string, unknown>;

const METRICS: readonly Metric[] = ['cosine', 'euclidean', 'dotproduct'];
const CLOUDS = ['aws', 'gcp', 'azure'];
const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const TAG_KEY_PATTERN = /^[A-Za-z0-9_-]+$/;
const TAG_VALUE_PATTERN = /^[A-Za-z0-9;@_\-.+ ]*$/;

/** The `IndexModel` of an index, with `host` pointing back at this emulator. */
export function indexModel(index: EmulatedIndex, host: string): Record<string, unknown> {
  const { config } = index;
  const model: Record<string, unknown> = {
    name: config.name,
    dimension: config.dimension,
    metric: config.metric,
    host,
    deletion_protection: config.deletionProtection,
    spec: {
      serverless: {
        cloud: config.cloud,
        region: config.region,
        read_capacity: { mode: 'OnDemand', status: { state: 'Ready' } },
      },
    },
    status: { ready: true, state: 'Ready' },
    vector_type: 'dense',
  };
  if (Object.keys(config.tags).length > 0) model.tags = { ...config.tags };
  return model;
}

/** Looks an index up, or throws the service's 404 "Index NAME not found.". */
export function requireIndex(state: EmulatorState, name: string): EmulatedIndex {
  const index = state.indexes.get(name);
  if (!index) throw notFound(`Index ${name} not found.`);
  return index;
}

function requireString(body: Body, key: string): string {
  const value = body[key];
  if (value === undefined || value === null) throw unprocessable(`missing field \`${key}\``);
  if (typeof value !== 'string') {
    throw unprocessable(`${key}: invalid type: ${JSON.stringify(value)}, expected a string`);
  }
  return value;
}

function validateName(name: string): void {
  if (name.length < 1 || name.length > 45) {
    throw badRequest(
      'Resource name must be 1-45 characters long, start and end with an alphanumeric character, ' +
        "and consist only of lower case alphanumeric characters or '-'.",
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw badRequest(
      'Index name must contain only lowercase alphanumeric characters or hyphens, and must not begin or end with a hyphen.',
    );
  }
}

function validateDeletionProtection(value: unknown): 'enabled' | 'disabled' | undefined {
  if (value === undefined || value === null) return undefined;
  if (value !== 'enabled' && value !== 'disabled') {
    throw badRequest(
      `Invalid value for deletion_protection: ${JSON.stringify(value)}. Possible values: enabled, disabled.`,
    );
  }
  return value;
}

/** Validates tags; an empty value means "unset this key" (kept as `''` for the caller to apply). */
function validateTags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw unprocessable('tags: invalid type, expected a map of strings');
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== 'string') throw unprocessable(`tags.${key}: invalid type, expected a string`);
    if (key.length > 80 || !TAG_KEY_PATTERN.test(key)) {
      throw badRequest(
        `Invalid tag key '${key}': keys must be 80 characters or less, alphanumeric, '_' or '-'.`,
      );
    }
    if (tag.length > 120 || !TAG_VALUE_PATTERN.test(tag)) {
      throw badRequest(
        `Invalid value for tag '${key}': values must be 120 characters or less, alphanumeric, ';', '@', '_', '-', '.', '+' or ' '.`,
      );
    }
    tags[key] = tag;
  }
  return tags;
}

function applyTags(current: Record<string, string>, patch: Record<string, string>): Record<string, string> {
  const tags = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === '') delete tags[key];
    else tags[key] = value;
  }
  return tags;
}

function validateReadCapacity(value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isPlainObject(value)) throw unprocessable('read_capacity: invalid type, expected an object');
  if (value.mode === 'Dedicated') throw notEmulated('Dedicated read capacity');
  if (value.mode !== 'OnDemand') {
    throw unprocessable(`read_capacity.mode: unknown variant ${JSON.stringify(value.mode)}`);
  }
}

function parseServerlessSpec(spec: unknown): { cloud: string; region: string } {
  if (!isPlainObject(spec)) throw unprocessable('missing field `spec`');
  const keys = Object.keys(spec);
  if (keys.includes('pod')) throw notEmulated('Pod-based indexes');
  if (keys.includes('byoc')) throw notEmulated('BYOC indexes');
  if (keys.length !== 1 || !isPlainObject(spec.serverless)) {
    throw unprocessable('spec: expected exactly one of `serverless`, `pod` or `byoc`');
  }
  const serverless = spec.serverless;
  const cloud = requireString(serverless, 'cloud');
  const region = requireString(serverless, 'region');
  if (!CLOUDS.includes(cloud)) {
    throw badRequest(`Invalid value for cloud: ${JSON.stringify(cloud)}. Possible values: gcp, aws, azure.`);
  }
  if (region.length === 0) throw badRequest('region must not be empty');
  validateReadCapacity(serverless.read_capacity);
  if (serverless.source_collection !== undefined) throw notEmulated('Creating an index from a collection');
  if (serverless.schema !== undefined) throw notEmulated('Metadata schemas (spec.serverless.schema)');
  return { cloud, region };
}

/** `POST /indexes` → 201 with the new `IndexModel`; 409 when the name is taken. */
export function createIndex(state: EmulatorState, body: unknown): EmulatedIndex {
  if (!isPlainObject(body)) throw unprocessable('invalid type: expected struct CreateIndexRequest');
  const name = requireString(body, 'name');
  validateName(name);
  if (body.spec === undefined || body.spec === null) throw unprocessable('missing field `spec`');
  const { cloud, region } = parseServerlessSpec(body.spec);
  const vectorType = body.vector_type ?? 'dense';
  if (vectorType === 'sparse') throw notEmulated('Sparse indexes');
  if (vectorType !== 'dense') {
    throw badRequest(
      `Invalid value for vector_type: ${JSON.stringify(vectorType)}. Possible values: dense, sparse.`,
    );
  }
  const dimension = body.dimension;
  if (dimension === undefined || dimension === null) {
    throw badRequest('Dimension must be specified for dense indexes.');
  }
  if (typeof dimension !== 'number' || !Number.isInteger(dimension)) {
    throw unprocessable(`dimension: invalid type: ${JSON.stringify(dimension)}, expected i32`);
  }
  if (dimension < 1 || dimension > LIMITS.maxDimension) {
    throw badRequest(`Dimension must be between 1 and ${LIMITS.maxDimension}, got ${dimension}.`);
  }
  const metric = body.metric ?? 'cosine';
  if (typeof metric !== 'string' || !METRICS.includes(metric as Metric)) {
    throw badRequest(
      `Invalid value for metric: ${JSON.stringify(metric)}. Possible values: cosine, euclidean, dotproduct.`,
    );
  }
  const deletionProtection = validateDeletionProtection(body.deletion_protection) ?? 'disabled';
  const tags = applyTags({}, validateTags(body.tags) ?? {});
  if (state.indexes.has(name)) {
    throw new EmulatorApiError(409, 'ALREADY_EXISTS', 'Resource already exists.');
  }
  const config: IndexConfig = {
    name,
    dimension,
    metric: metric as Metric,
    cloud,
    region,
    deletionProtection,
    tags,
  };
  const index = new EmulatedIndex(config);
  state.indexes.set(name, index);
  return index;
}

/** `PATCH /indexes/{name}`: `deletion_protection`, `tags` (an empty value unsets), on-demand read capacity. */
export function configureIndex(state: EmulatorState, name: string, body: unknown): EmulatedIndex {
  const index = requireIndex(state, name);
  if (!isPlainObject(body)) throw unprocessable('invalid type: expected struct ConfigureIndexRequest');
  if (body.embed !== undefined && body.embed !== null) throw notEmulated('Integrated embedding (embed)');
  const spec = body.spec;
  if (spec !== undefined && spec !== null) {
    if (!isPlainObject(spec)) throw unprocessable('spec: invalid type, expected an object');
    if (spec.pod !== undefined) {
      throw badRequest(`Index ${name} is a serverless index: pod settings cannot be configured.`);
    }
    if (spec.byoc !== undefined) throw badRequest(`Index ${name} is a serverless index, not a BYOC index.`);
    if (isPlainObject(spec.serverless)) validateReadCapacity(spec.serverless.read_capacity);
  }
  const deletionProtection = validateDeletionProtection(body.deletion_protection);
  const tags = validateTags(body.tags);
  if (deletionProtection) index.config.deletionProtection = deletionProtection;
  if (tags) index.config.tags = applyTags(index.config.tags, tags);
  return index;
}

/** `DELETE /indexes/{name}` → 202; 403 while deletion protection is enabled. */
export function deleteIndex(state: EmulatorState, name: string): void {
  const index = requireIndex(state, name);
  if (index.config.deletionProtection === 'enabled') {
    throw new EmulatorApiError(
      403,
      'FORBIDDEN',
      'Deletion protection is enabled for this index. Disable deletion protection before retrying.',
    );
  }
  state.indexes.delete(name);
}
