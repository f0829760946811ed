// Kept free of @orch/core imports: the worker thread loads this file, and every import there
// adds to the start-up time of each worker.

/** The fields of a driver error that survive the trip back from a worker thread. */
export interface DriverErrorLike {
  readonly name?: string;
  readonly message: string;
  readonly code?: string;
}

/** Rebuild an Error on this side of a thread boundary, keeping the driver's name and code. */
export function reviveDriverError(raw: DriverErrorLike): Error & { code?: string } {
  const err = new Error(raw.message) as Error & { code?: string };
  if (raw.name) err.name = raw.name;
  if (raw.code) err.code = raw.code;
  return err;
}

/** The plain-data form of a driver error, for posting from a worker. */
export function serializeDriverError(err: unknown): DriverErrorLike {
  const e = err as Partial<DriverErrorLike> | undefined;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}
