/** The evidence of a docker run: container logs (captured by DockerRun) and the proxies' recordings, per cell. */
import type { LogSource } from '../../evidence/evidence-hub.ts';
import type { LogEntry } from '../../evidence/evidence-types.ts';
import type { DockerEnvironment } from './docker-environment.ts';
import type { DockerRun } from './docker-run.ts';

/** Log sources named like the sim backend's: a product service by its plan id, a proxy by `proxy-<name>`. */
export function logSources(env: DockerEnvironment, run: DockerRun): LogSource[] {
  const groups = new Map<string, { cells: readonly string[]; captures: ((filter: { since?: number | string }) => LogEntry[])[] }>();
  for (const log of run.logs.values()) {
    const spec = log.spec;
    const service = env.plan.services.find((candidate) => candidate.id === spec.serviceId);
    const cells = service?.cells ?? [];
    const name =
      spec.role === 'recording-proxy'
        ? `proxy-${spec.name}`
        : spec.role === 'postgres' || spec.role === 'redis'
          ? `${spec.serviceId}-${spec.role}`
          : spec.serviceId;
    const group = groups.get(name) ?? { cells, captures: [] };
    group.captures.push((filter) => log.capture.entries(filter));
    groups.set(name, group);
  }
  return [...groups].map(([service, group]) => ({
    service,
    cells: group.cells,
    // Each capture filters as the sim backend's single capture does (LogCapture.entries); several containers
    // of one service (rails + sidekiq) merge in time order.
    entries: (filter) => group.captures.flatMap((entries) => entries({ since: filter.since })).sort((a, b) => a.at - b.at),
  }));
}
