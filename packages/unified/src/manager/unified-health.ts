import type { HealthReport, StoreKind } from '@orch/core';

/** Result of {@link UnifiedDatabaseManager.health}. */
export interface UnifiedHealth {
  /** `unhealthy` when the operational store is; `degraded` when an optional store is. */
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  readonly stores: Partial<Record<StoreKind, HealthReport>>;
  /** Cross-store writes not yet applied everywhere. */
  readonly outbox: { readonly pending: number };
}
