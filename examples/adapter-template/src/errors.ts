import { OrchError, type StoreKind } from '@orch/core/adapter-kit';
import { TemplateEngineError } from './client.js';

/** Normalize the engine's errors; keep the original as `cause`. */
export function mapTemplateError(err: unknown, operation: string, kind: StoreKind = 'vector'): OrchError {
  if (err instanceof TemplateEngineError && err.status === 503) {
    return new OrchError(
      'ORCH_CONNECTION_FAILED',
      `template ${operation} failed: the engine is unavailable (${err.message}).`,
      {
        kind,
        cause: err,
        details: { driverCode: err.status },
      },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new OrchError('ORCH_QUERY_FAILED', `template ${operation} failed: ${message}`, {
    kind,
    cause: err,
    ...(err instanceof TemplateEngineError ? { details: { driverCode: err.status } } : {}),
  });
}
