/** The evidence of a docker run: container logs (captured by DockerRun) and the proxies' recordings, per cell. */
import type { LogSource } from '../../evidence/evidence-hub.ts';
import type { LogEntry } from '../../evidence/evidence-types.ts';
import type { DockerEnvironment } from './docker-environment.ts';
import type { DockerRun } from './docker-run.ts';

/** Log sources named like the sim backend's: a product service by its plan id, a proxy by `proxy-<name>`. */
export function logSources(env: DockerEnvironment, run: DockerRun): LogSource[] {
  const groups = new Map<string, { cells: readonly string[]; captures: (() => LogEntry[])[] }>();
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
    group.captures.push(() => log.capture.entries());
    groups.set(name, group);
  }
  return [...groups].map(([service, group]) => ({
    service,
    cells: group.cells,
    entries: (filter) => {
      const since = typeof filter.since === 'number' ? filter.since : filter.since === undefined ? undefined : Date.parse(filter.since);
      return group.captures
        .flatMap((entries) => entries())
        .filter((entry) => since === undefined || Number.isNaN(since) || entry.at >= since)
        .sort((a, b) => a.at - b.at);
    },
  }));
}

