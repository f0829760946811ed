import type { Properties, PropertyValue } from '@orch/core';
import neo4j from 'neo4j-driver';

const {
  int,
  isInt,
  isDate,
  isDateTime,
  isDuration,
  isLocalDateTime,
  isLocalTime,
  isNode,
  isPath,
  isPoint,
  isRelationship,
  isTime,
  isUnboundRelationship,
} = neo4j;

/**
 * A JS number as Neo4j should see it. JavaScript has one number type and Bolt two, and the driver
 * sends every plain number as FLOAT; so a number that is a safe integer goes as INTEGER
 * (`neo4j.int`) and reads back as the same integer, and anything else (a fraction, -0, an integer
 * beyond ±2^53 that a double only approximates) as FLOAT, which reads back bit for bit.
 */
export function toNeo4jNumber(value: number): number | ReturnType<typeof int> {
  return Number.isSafeInteger(value) && !Object.is(value, -0) ? int(value) : value;
}

/**
 * A list of numbers as Neo4j stores it: property lists must be homogeneous, so the whole list is
 * INTEGER when every item is a safe integer and FLOAT otherwise (`[1, 2.5]` becomes `[1.0, 2.5]`,
 * which still reads back as `[1, 2.5]`).
 */
function toNeo4jNumberList(values: readonly number[]): unknown[] {
  return values.every((v) => Number.isSafeInteger(v) && !Object.is(v, -0))
    ? values.map((v) => int(v))
    : [...values];
}

/** A property value (validated by the base class: scalars or homogeneous lists of scalars). */
export function toNeo4jProperty(value: PropertyValue): unknown {
  if (typeof value === 'number') return toNeo4jNumber(value);
  if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'number')
    return toNeo4jNumberList(value as readonly number[]);
  return value;
}

/** A property map for `SET n = $props`. */
export function toNeo4jProperties(properties: Properties): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) out[key] = toNeo4jProperty(value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A parameter of a native query, converted like properties: integers as INTEGER, lists of numbers
 * homogeneous, recursively through plain objects and arrays. Driver values (`neo4j.int(…)`,
 * temporal and spatial types), bigints and everything else pass through unchanged, so a caller
 * who needs a FLOAT-typed whole number can still say so with the driver's own types.
 */
export function toNeo4jParam(value: unknown): unknown {
  if (typeof value === 'number') return toNeo4jNumber(value);
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'number')) return toNeo4jNumberList(value);
    return value.map(toNeo4jParam);
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toNeo4jParam(v);
    return out;
  }
  return value;
}

/** Parameters of a native query. */
export function toNeo4jParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = toNeo4jParam(v);
  return out;
}

/** An INTEGER from the driver in any of its forms (bigint, `Integer`, or a number when lossy integers are on). */
function fromInteger(value: bigint | { toBigInt(): bigint }): number | bigint {
  const big = typeof value === 'bigint' ? value : value.toBigInt();
  const asNumber = Number(big);
  return Number.isSafeInteger(asNumber) ? asNumber : big;
}

/**
 * A value read from Neo4j as plain JavaScript: INTEGERs as numbers when they are safe integers
 * and as bigints beyond ±2^53 (never silently rounded; whatever the driver's integer setting,
 * so an injected driver with the default lossless `Integer`s, `useBigInt` or
 * `disableLosslessIntegers` reads the same), FLOATs as numbers, lists and maps recursively;
 * nodes as `{ elementId, labels, properties }`, relationships as
 * `{ elementId, type, startNodeElementId, endNodeElementId, properties }`, paths as
 * `{ nodes, relationships }`, temporal values as their ISO 8601 text, points as
 * `{ srid, x, y, z? }`. Byte arrays and other values pass through.
 */
export function fromNeo4j(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return fromInteger(value);
  if (typeof value !== 'object') return value;
  if (isInt(value)) return fromInteger(value as unknown as { toBigInt(): bigint });
  if (Array.isArray(value)) return value.map(fromNeo4j);
  if (isNode(value)) {
    const node = value as unknown as { elementId: string; labels: string[]; properties: object };
    return { elementId: node.elementId, labels: [...node.labels], properties: fromNeo4j(node.properties) };
  }
  if (isRelationship(value)) {
    const rel = value as unknown as {
      elementId: string;
      type: string;
      startNodeElementId: string;
      endNodeElementId: string;
      properties: object;
    };
    return {
      elementId: rel.elementId,
      type: rel.type,
      startNodeElementId: rel.startNodeElementId,
      endNodeElementId: rel.endNodeElementId,
      properties: fromNeo4j(rel.properties),
    };
  }
  if (isUnboundRelationship(value)) {
    const rel = value as unknown as { elementId: string; type: string; properties: object };
    return { elementId: rel.elementId, type: rel.type, properties: fromNeo4j(rel.properties) };
  }
  if (isPath(value)) {
    const path = value as unknown as {
      start: unknown;
      segments: { relationship: unknown; end: unknown }[];
    };
    return {
      nodes: [path.start, ...path.segments.map((s) => s.end)].map(fromNeo4j),
      relationships: path.segments.map((s) => fromNeo4j(s.relationship)),
    };
  }
  if (
    isDate(value) ||
    isDateTime(value) ||
    isLocalDateTime(value) ||
    isLocalTime(value) ||
    isTime(value) ||
    isDuration(value)
  ) {
    return String(value);
  }
  if (isPoint(value)) {
    const p = value as unknown as { srid: unknown; x: number; y: number; z?: number };
    return { srid: fromNeo4j(p.srid), x: p.x, y: p.y, ...(p.z !== undefined ? { z: p.z } : {}) };
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromNeo4j(v);
    return out;
  }
  return value;
}

/**
 * Node or relationship properties read back, without the keys orch keeps for itself. Values orch
 * never writes (temporal, spatial, integers beyond ±2^53 written by other code) are converted as
 * {@link fromNeo4j} says.
 */
export function fromNeo4jProperties(props: unknown, omit?: string): Properties {
  const out: Record<string, unknown> = {};
  if (props && typeof props === 'object') {
    for (const [k, v] of Object.entries(props)) if (k !== omit) out[k] = fromNeo4j(v);
  }
  return out as Properties;
}
