/** Result of {@link Adapter.health}. Never contains credentials. */
export interface HealthReport {
  readonly status: 'healthy' | 'unhealthy';
  /** Time the probe took, in milliseconds. */
  readonly latencyMs: number;
  /** Engine facts: version, path or host (credential-free), counts. */
  readonly details: Readonly<Record<string, unknown>>;
  /** Present when unhealthy. */
  readonly error?: { readonly code: string; readonly message: string };
}
