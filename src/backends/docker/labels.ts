/**
 * Every container and network the docker backend creates carries these labels, so a run's resources can
 * be found and removed without Ryuk: at stop(), after a failed start, on SIGINT/SIGTERM, and by `clean`.
 */
import type { OwnerIdentity } from '../../common/process-identity.ts';

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
  /** The process that owns the run (process-identity.ts): `clean` keeps a run while it lives. */
  ownerHost: 'evochat.owner-host',
  ownerPid: 'evochat.owner-pid',
  /** The owner's start-time token, so a pid the kernel reused for another process is not taken for the owner. */
  ownerStart: 'evochat.owner-start',
} as const;

/** The run's labels; with an owner (the docker backend passes its own process), `clean` can tell a live run from a leftover. */
export function runLabels(runId: string, createdAt: Date, owner?: OwnerIdentity): Record<string, string> {
  const labels: Record<string, string> = { [LABELS.managed]: 'true', [LABELS.runId]: runId, [LABELS.createdAt]: createdAt.toISOString() };
  if (owner) {
    labels[LABELS.ownerHost] = owner.host;
    labels[LABELS.ownerPid] = String(owner.pid);
    if (owner.start !== undefined) labels[LABELS.ownerStart] = owner.start;
  }
  return labels;
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
