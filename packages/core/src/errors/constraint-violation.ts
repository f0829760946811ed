import type { StoreKind } from '../kinds.js';
import { OrchError } from './orch-error.js';

/** Which kind of constraint a write broke: `details.constraint` of `ORCH_CONSTRAINT_VIOLATION`. */
export type ConstraintKind = 'unique' | 'not_null' | 'foreign_key' | 'check' | 'other';

/** Input of {@link constraintViolation}. */
export interface ConstraintViolationInput {
  readonly constraint: ConstraintKind;
  /** Columns or properties the engine named (`['tasks.id']`), when it names any. */
  readonly fields?: readonly string[] | undefined;
  /** The engine's own code (`SQLITE_CONSTRAINT_UNIQUE`, `23505`, `Neo.ClientError.Schema.ConstraintValidationFailed`). */
  readonly driverCode?: string | number | undefined;
  /** The engine's name of the constraint, when it has one. */
  readonly name?: string | undefined;
  readonly kind: StoreKind;
  readonly message: string;
  readonly cause?: unknown;
}

const WHAT: Readonly<Record<ConstraintKind, string>> = {
  unique: 'a row with the same key already exists',
  not_null: 'a required value is missing',
  foreign_key: 'it refers to a row that does not exist, or a row other rows refer to',
  check: 'a value breaks a CHECK rule',
  other: 'it breaks a constraint of the schema',
};

/**
 * The `ORCH_CONSTRAINT_VIOLATION` every adapter throws, with the details callers branch on.
 *
 * @example
 * throw constraintViolation({ constraint: 'unique', fields: ['tasks.id'], driverCode: 'SQLITE_CONSTRAINT_PRIMARYKEY', kind: 'operational', message: err.message, cause: err });
 */
export function constraintViolation(input: ConstraintViolationInput): OrchError {
  const fields = input.fields?.length ? ` (${input.fields.join(', ')})` : '';
  return new OrchError(
    'ORCH_CONSTRAINT_VIOLATION',
    `The write was refused: ${WHAT[input.constraint]}${fields}. ${input.message}`,
    {
      kind: input.kind,
      cause: input.cause,
      details: {
        constraint: input.constraint,
        ...(input.fields?.length ? { fields: [...input.fields] } : {}),
        ...(input.driverCode !== undefined ? { driverCode: input.driverCode } : {}),
        ...(input.name ? { constraintName: input.name } : {}),
      },
    },
  );
}
