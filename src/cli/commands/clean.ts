/**
 * `clean`: removes containers and networks that earlier docker-backend runs left behind (a killed process,
 * a crashed engine call), found by the `evochat.*` labels every resource carries. Ryuk is not used, so this
 * is the safety net. Images (twin builds) are kept: they are not run resources.
 */
import { ErrorCodes, ExitCodes, InfrastructureError, UsageError } from '../../errors/index.ts';

export interface CleanCommandOptions {
  olderThan?: unknown;
  dryRun?: unknown;
  /** Injected in tests. */
  now?: () => Date;
  out?: (line: string) => void;
}

export function parseOlderThan(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '' || value === false) return undefined;
  const minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes < 0) throw new UsageError(`--older-than must be a number of minutes (0 or more), got "${String(value)}"`);
  return minutes;
}

export async function cleanCommand(options: CleanCommandOptions): Promise<number> {
  const olderThanMinutes = parseOlderThan(options.olderThan);
  const dryRun = options.dryRun === true || options.dryRun === 'true';
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const { connectToEngine } = await import('../../backends/docker/engine.ts');
  const { listLabelledResources, removeResources } = await import('../../backends/docker/cleanup.ts');
  const client = await connectToEngine();
  const createdBefore = olderThanMinutes === undefined ? undefined : new Date(now().getTime() - olderThanMinutes * 60_000);
  const resources = await listLabelledResources(client, { createdBefore });

  const describe = (r: (typeof resources)[number]) =>
    `${r.kind.padEnd(9)} ${r.name}  run=${r.runId || '?'}  created=${r.createdAt ?? '?'}${r.state ? `  state=${r.state}` : ''}`;
  if (resources.length === 0) {
    out(`nothing to clean${createdBefore ? ` older than ${olderThanMinutes} min` : ''}`);
    return ExitCodes.ok;
  }
  if (dryRun) {
    for (const resource of resources) out(`would remove ${describe(resource)}`);
    out(`${resources.length} resource(s) would be removed (dry run)`);
    return ExitCodes.ok;
  }
  const report = await removeResources(client, resources);
  for (const resource of report.removed) out(`removed ${describe(resource)}`);
  for (const failure of report.failed) out(`FAILED  ${describe(failure.resource)}: ${failure.error}`);
  out(`${report.removed.length} removed, ${report.failed.length} failed`);
  if (report.failed.length > 0) {
    throw new InfrastructureError(ErrorCodes.cleanup, `clean: ${report.failed.length} resource(s) could not be removed`, {
      details: { failed: report.failed.map((failure) => failure.resource.name) },
    });
  }
  return ExitCodes.ok;
}
