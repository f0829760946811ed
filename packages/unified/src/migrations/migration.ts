/**
 * One schema change. `id`s are increasing integers and are never reused or edited once released;
 * a change to the schema is a new migration. `up` holds the statements per dialect, keyed by the
 * dialect's `name` (`sqlite`, `postgres`, …): the only place @orch/unified looks at that name.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly up: Readonly<Record<string, readonly string[]>>;
}
