import type { SqlDialect } from '@orch/core';

/**
 * One schema change. `id`s are increasing integers and are never reused or edited once released;
 * a change to the schema is a new migration. Each dialect gets its own statements.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly up: Readonly<Record<SqlDialect, readonly string[]>>;
}
