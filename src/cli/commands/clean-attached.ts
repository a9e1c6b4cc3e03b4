import { findLedgerFiles, markDeleted, readLedgerFile, removeResources } from '../../backends/attach/attach-ledger.ts';
import { resolveAttachCredentials } from '../../backends/attach/attach-credentials.ts';
import { ChatwootPlatformClient } from '../../clients/chatwoot-platform-client.ts';
import { createRedactor } from '../../common/redact.ts';
import { ConfigError, ErrorCodes, ExitCodes, InfrastructureError, UsageError } from '../../errors/index.ts';

/**
 * `clean --attached RUN_DIR`: deletes, on the attached Chatwoot a run's ledger names, every account and user the ledger
 * lists as created and not deleted (a run killed before its own clean-up). The token comes from the env (or --config) again (the
 * ledger never holds it); a 404 counts as gone. Nothing the ledger does not list is touched.
 */
export async function cleanAttached(
  dir: string,
  options: { dryRun: boolean; config?: string | undefined; env: Readonly<Record<string, string | undefined>>; out: (line: string) => void },
): Promise<number> {
  const files = findLedgerFiles(dir);
  if (files.length === 0) throw new UsageError(`clean --attached ${dir}: no attached-ledger.jsonl there or in its run folders`);
  const credentials = await resolveAttachCredentials({ env: options.env, configFile: options.config, redactor: createRedactor() });
  const token = credentials.platformToken;
  const failed: string[] = [];
  let removed = 0;
  for (const file of files) {
    let ledger: ReturnType<typeof readLedgerFile>;
    try {
      ledger = readLedgerFile(file);
    } catch (error) {
      throw new ConfigError(`${file}: not an attach ledger (${(error as Error).message})`);
    }
    if (ledger.pending.length === 0) {
      options.out(`${file}: nothing left on ${ledger.url} (run ${ledger.runId})`);
      continue;
    }
    if (options.dryRun) {
      for (const resource of ledger.pending) options.out(`would remove ${resource.kind} ${resource.id} (${resource.label}) on ${ledger.url}`);
      continue;
    }
    if (!token) throw new UsageError(`clean --attached needs the PlatformApp token of ${ledger.url} in ${credentials.sources.platformToken}`);
    const platform = new ChatwootPlatformClient({ baseUrl: ledger.url, token, redactor: createRedactor([token, credentials.evolutionKey ?? '']) });
    const instances = ledger.pending.some((resource) => resource.kind === 'instance');
    const key = credentials.evolutionKey;
    if (instances && (!ledger.evolutionUrl || !key)) {
      throw new UsageError(
        `clean --attached: the ledger lists instances on ${ledger.evolutionUrl ?? 'an attached Evolution'}; give its global key in ${credentials.sources.evolutionKey}`,
      );
    }
    const evolution = instances && ledger.evolutionUrl && key ? { url: ledger.evolutionUrl, apiKey: key } : undefined;
    const report = await removeResources({ platform, evolution }, ledger.pending);
    markDeleted(file, report.removed);
    removed += report.removed.length;
    for (const resource of report.removed) options.out(`removed ${resource.kind} ${resource.id} (${resource.label}) on ${ledger.url}`);
    for (const { resource, error } of report.failed) {
      failed.push(`${resource.kind} ${resource.id}`);
      options.out(`FAILED ${resource.kind} ${resource.id} on ${ledger.url}: ${error}`);
    }
  }
  options.out(`${options.dryRun ? 'dry run, nothing removed' : `${removed} removed`}${failed.length > 0 ? `, ${failed.length} failed` : ''}`);
  if (failed.length > 0) {
    throw new InfrastructureError(ErrorCodes.cleanup, `clean --attached: ${failed.length} resource(s) could not be removed`, { details: { failed } });
  }
  return ExitCodes.ok;
}
