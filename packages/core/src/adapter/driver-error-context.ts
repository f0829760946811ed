/**
 * What a base class tells `mapDriverError` about the failed call: the public operation (or the
 * transaction step: `begin`, `commit`, `savepoint` …) and, for SQL stores, the statement. Use
 * it for the message; never put parameter values in it.
 */
export interface DriverErrorContext {
  readonly operation: string;
  readonly sql?: string;
}
