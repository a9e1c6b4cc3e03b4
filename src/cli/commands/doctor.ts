import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attachSecrets, loadAttachConfigFile, resolveAttachTarget } from '../../backends/attach/attach-target.ts';
import { createProbeClient } from '../../backends/attach/probe-client.ts';
import { createRedactor } from '../../common/redact.ts';
import { loadConsumerExpectations } from '../../doctor/consumer-expectations.ts';
import { createDoctorContext } from '../../doctor/doctor-context.ts';
import { doctorRunResult } from '../../doctor/doctor-result.ts';
import { loadKnownResult } from '../../doctor/known-result.ts';
import { renderDoctor, wantsColour } from '../../doctor/render-doctor.ts';
import { runDoctor } from '../../doctor/run-doctor.ts';
import { toolVersion } from '../../doctor/tool-version.ts';
import { ErrorCodes, ExitCodes, HarnessError } from '../../errors/index.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS } from '../../model/axes.ts';
import { SUITE_CATALOG } from '../../scenario/suite-catalog.ts';
import { DoctorOptions, type DoctorOptionsInput } from '../options/doctor-options.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { rejectOnAbort, runInterruptible } from '../signals.ts';

export interface DoctorIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/**
 * `doctor`: read-only checks of a running Chatwoot + Evolution (writes only with --allow-writes).
 * Exit 0 all pass (warnings allowed), 1 a failing check, 2 usage error or an unsupported target,
 * 3 a service could not be reached.
 */
export async function doctorCommand(
  given: DoctorOptionsInput,
  io: DoctorIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const options = parseCommandOptions('doctor', DoctorOptions, given);
  // Nothing runs on this side to stop: a signal ends the checks in flight (their connections closed), writes nothing.
  return runInterruptible(
    { action: 'stopping the checks, then exiting', stderr: io.stderr, interrupted: (signal) => `interrupted by ${signal}: checks stopped, nothing written` },
    (stop) => doctorChecks(options, io, stop?.signal),
  );
}

async function doctorChecks(options: DoctorOptions, io: DoctorIo, signal: AbortSignal | undefined): Promise<number> {
  const configFile = options.config;
  const file = configFile ? await loadAttachConfigFile(configFile) : undefined;
  const target = resolveAttachTarget({ flags: options.attachFlags, env: io.env, ...(file ? { file, fileName: configFile } : {}) });
  const redactor = createRedactor(attachSecrets(target));
  const known = await loadKnownResult(options.result);
  const client = createProbeClient({ redactor, timeoutMs: options.timeout, allowWrites: options.allowWrites });
  const ctx = createDoctorContext({ target, client, redactor, known, catalog: SUITE_CATALOG, consumerExpectations: loadConsumerExpectations() });
  // Interrupted: do not wait for close(), which lets the probe in flight finish first (up to --timeout).
  const run = await rejectOnAbort(runDoctor(ctx), signal).finally(() => (signal?.aborted ? void client.close() : client.close()));

  const targetDescription = redactor.text(
    `Chatwoot ${target.chatwootUrl} (account ${target.accountId}) × Evolution ${target.evolutionUrl}${target.instance ? `, instance "${target.instance}"` : ''}, ${ctx.allowWrites ? 'writes allowed' : 'read-only'}`,
  );
  const result = doctorRunResult(run, {
    runId: randomUUID(),
    toolVersion: toolVersion(),
    command: redactor.text(['evochat-matrix', 'doctor', ...(options.allowWrites ? ['--allow-writes'] : [])].join(' ')),
    targetDescription,
    storage: ctx.detectedStorage,
  });

  if (options.json) {
    io.stdout.write(
      `${JSON.stringify(result ?? { error: 'no result: the versions of both services are needed for a result cell', checks: run.reports }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(renderDoctor(run, { colour: wantsColour(io.stdout, io.env), verbose: options.verbose, target: targetDescription }));
  }

  if (options.out !== undefined) {
    if (result) {
      await mkdir(options.out, { recursive: true });
      await writeFile(join(options.out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
      const { writeReports } = await import('../../report/write-reports.ts');
      await writeReports(result, options.out);
      io.stderr.write(`doctor: wrote result.json and reports to ${options.out}\n`);
    } else {
      io.stderr.write(`doctor: no result.json written to ${options.out}: the versions of both services are needed\n`);
    }
  }

  if (run.unsupported) {
    throw new HarnessError(ErrorCodes.unsupportedTarget, ExitCodes.usage, run.unsupported, {
      hint: `evochat-matrix knows Chatwoot ${CHATWOOT_VERSIONS.join('/')} and Evolution ${EVOLUTION_VERSIONS.join('/')}`,
    });
  }
  return run.exitCode;
}
