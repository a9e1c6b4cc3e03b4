/**
 * Every container and network the docker backend creates carries these labels, so a run's resources can
 * be found and removed without Ryuk: at stop(), after a failed start, on SIGINT/SIGTERM, and by `clean`.
 */
export const LABELS = {
  /** Marks a resource as ours, whatever the run. */
  managed: 'evochat.managed',
  runId: 'evochat.run-id',
  /** Planned service id (e.g. chatwoot-3.8.0-minio). */
  service: 'evochat.service',
  /** Container role within the service (rails, sidekiq, postgres, proxy-…). */
  role: 'evochat.role',
  /** Comma-separated cell ids the service is shared by. */
  cells: 'evochat.cells',
  /** ISO-8601 creation time, for `clean --older-than`. */
  createdAt: 'evochat.created-at',
} as const;

export function runLabels(runId: string, createdAt: Date): Record<string, string> {
  return { [LABELS.managed]: 'true', [LABELS.runId]: runId, [LABELS.createdAt]: createdAt.toISOString() };
}

export function containerLabels(
  base: Record<string, string>,
  container: { serviceId: string; role: string; cells: readonly string[] },
): Record<string, string> {
  return {
    ...base,
    [LABELS.service]: container.serviceId,
    [LABELS.role]: container.role,
    [LABELS.cells]: container.cells.join(','),
  };
}

/** Docker API label filter for everything of one run, or of every run when runId is omitted. */
export function labelFilter(runId?: string): string[] {
  return runId === undefined ? [`${LABELS.managed}=true`] : [`${LABELS.managed}=true`, `${LABELS.runId}=${runId}`];
}
