/**
 * `clean`: removes what runs left behind when their process died before cleaning up (kill -9, a crash):
 * docker containers and networks, found by the `evochat.*` labels every resource carries, and the harness's
 * temp folders (owned-temp-dir.ts). Only leftovers of runs whose owner process is gone go: a live run is kept,
 * and so is anything whose owner is unknown (older labels, another host) until it is a day old
 * (leftover-decision.ts), unless --force. Images (twin builds) are kept: they are not run resources.
 * Temp folders are cleaned even where no Docker engine answers.
 */
import { tmpdir } from 'node:os';
import { UsageError } from '../../errors/index.ts';
import type { ContainerRuntimeClient } from 'testcontainers';
import { formatAge, UNKNOWN_OWNER_MAX_AGE_MS, decideLeftover, type LeftoverPolicy } from '../../common/leftover-decision.ts';
import { listTempDirLeftovers, removeTempDir } from '../../common/temp-dir-leftovers.ts';
import { ErrorCodes, ExitCodes, InfrastructureError } from '../../errors/index.ts';
import { CleanOptions, type CleanOptionsInput } from '../options/clean-options.ts';
import { parseCommandOptions } from '../options/option-fields.ts';

export { parseOlderThan } from '../options/clean-options.ts';

/** The flags, and what tests inject. */
export interface CleanCommandOptions extends CleanOptionsInput {
  now?: () => Date;
  out?: (line: string) => void;
  /** Where the harness's temp folders are looked for (default: the OS temp dir, $TMPDIR). */
  tempRoot?: string;
  /** Tests: only these docker runs are considered (other runs on the engine are never touched). */
  onlyRunIds?: readonly string[];
  /** Tests: how the engine is reached (default connectToEngine). */
  connect?: () => Promise<ContainerRuntimeClient>;
  /** Where EVOCHAT_CHATWOOT_PLATFORM_TOKEN is read (`--attached`); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

interface Tally {
  removed: number;
  kept: number;
  failed: string[];
}

export async function cleanCommand(options: CleanCommandOptions): Promise<number> {
  const { olderThan, dryRun, force, attached, config } = parseCommandOptions('clean', CleanOptions, options);
  if (config !== undefined && attached === undefined) throw new UsageError('--config applies only with --attached');
  if (attached !== undefined) {
    const { cleanAttached } = await import('./clean-attached.ts');
    return cleanAttached(attached, {
      dryRun,
      config,
      env: options.env ?? process.env,
      out: options.out ?? ((line: string) => process.stdout.write(`${line}\n`)),
    });
  }
  const policy: LeftoverPolicy = { force, olderThanMs: olderThan === undefined ? undefined : olderThan * 60_000 };
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = (options.now ?? (() => new Date()))();
  const verb = dryRun ? 'would remove' : 'removed';
  const tally: Tally = { removed: 0, kept: 0, failed: [] };

  // Temp folders first: they need no engine.
  const tempRoot = options.tempRoot ?? tmpdir();
  const folders = await listTempDirLeftovers(tempRoot, now);
  for (const folder of folders) {
    const decision = decideLeftover(folder.owner, folder.ageMs, policy);
    const what = `temp-dir  ${folder.path}`;
    if (!decision.remove) {
      tally.kept += 1;
      out(`kept ${what} — ${decision.reason}`);
      continue;
    }
    try {
      if (!dryRun) await removeTempDir(folder.path);
      tally.removed += 1;
      out(`${verb} ${what} — ${decision.reason}`);
    } catch (error) {
      tally.failed.push(folder.path);
      out(`FAILED ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  out(`temp folders in ${tempRoot}: ${folders.length === 0 ? 'none of the harness' : `${folders.length} found`}`);

  let client: ContainerRuntimeClient | undefined;
  const connect = options.connect ?? (async () => (await import('../../backends/docker/engine.ts')).connectToEngine());
  try {
    client = await connect();
  } catch (error) {
    out(`docker: skipped — ${error instanceof Error ? error.message : String(error)}; only temp folders were cleaned`);
  }
  if (client) {
    const { judgeRuns, listLabelledResources, removeResources } = await import('../../backends/docker/cleanup.ts');
    let resources = await listLabelledResources(client);
    if (options.onlyRunIds) resources = resources.filter((resource) => options.onlyRunIds!.includes(resource.runId));
    const describe = (r: (typeof resources)[number]) =>
      `${r.kind.padEnd(9)} ${r.name}  run=${r.runId || '?'}  created=${r.createdAt ?? '?'}${r.state ? `  state=${r.state}` : ''}`;
    for (const run of judgeRuns(resources, policy, now)) {
      if (!run.remove) {
        tally.kept += run.resources.length;
        for (const resource of run.resources) out(`kept ${describe(resource)} — ${run.reason}`);
        continue;
      }
      if (dryRun) {
        tally.removed += run.resources.length;
        for (const resource of run.resources) out(`${verb} ${describe(resource)} — ${run.reason}`);
        continue;
      }
      const report = await removeResources(client, run.resources);
      tally.removed += report.removed.length;
      for (const resource of report.removed) out(`${verb} ${describe(resource)} — ${run.reason}`);
      for (const failure of report.failed) {
        tally.failed.push(failure.resource.name);
        out(`FAILED ${describe(failure.resource)}: ${failure.error}`);
      }
    }
    out(`docker: ${resources.length === 0 ? 'no labelled resources' : `${resources.length} labelled resource(s)`}`);
  }

  const unknownRule = `unknown owner: kept until ${formatAge(policy.olderThanMs ?? UNKNOWN_OWNER_MAX_AGE_MS)} old`;
  out(
    `${tally.removed} ${dryRun ? 'would be removed' : 'removed'}, ${tally.kept} kept${tally.failed.length > 0 ? `, ${tally.failed.length} failed` : ''}` +
      ` (${policy.force ? '--force: owners ignored' : `live owners kept; ${unknownRule}`})${dryRun ? ' — dry run, nothing removed' : ''}`,
  );
  if (tally.failed.length > 0) {
    throw new InfrastructureError(ErrorCodes.cleanup, `clean: ${tally.failed.length} item(s) could not be removed`, { details: { failed: tally.failed } });
  }
  return ExitCodes.ok;
}
