import { num, numOrNull } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { countsByKey, statusCounts } from '../shared/status-counts.js';
import { SESSION_STATUSES, type SessionMetrics } from './session-repository.js';

export async function sessionMetrics(ctx: RepositoryContext): Promise<SessionMetrics> {
  const { db } = ctx;
  const duration = db.dialect.millisecondsBetween('created_at', 'ended_at');
  const [byStatus, contexts, eventsByType, avg] = await Promise.all([
    db.query<{ k: string; n: number | string }>(
      'SELECT status AS k, COUNT(*) AS n FROM sessions GROUP BY status',
    ),
    db.one<{ n: number | string }>('SELECT COUNT(*) AS n FROM session_contexts'),
    db.query<{ k: string; n: number | string }>(
      'SELECT type AS k, COUNT(*) AS n FROM events GROUP BY type ORDER BY type',
    ),
    db.one<{ v: number | string | null }>(
      `SELECT AVG(${duration}) AS v FROM sessions WHERE ended_at IS NOT NULL`,
    ),
  ]);
  const { byStatus: counts, total } = statusCounts(SESSION_STATUSES, byStatus);
  const average = numOrNull(avg?.v);
  return {
    total,
    byStatus: counts,
    active: counts.active,
    contexts: num(contexts?.n),
    events: eventsByType.reduce((sum, { n }) => sum + num(n), 0),
    eventsByType: countsByKey(eventsByType),
    averageDurationMs: average === null ? null : Math.round(average),
  };
}
