import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Backend, StartedEnvironment } from '../backends/backend.ts';
import { ExitCodes, type ExitCode } from '../errors/index.ts';
import type { RunResult } from '../model/result-schema.ts';
import { writeReports } from '../report/write-reports.ts';
import { createBackendFromRegistry, type BackendFactory } from '../runner/backend-registry.ts';
import { runMatrix, type RunMatrixOptions } from '../runner/run-matrix.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import type { CellStack } from '../stack/stack.ts';
import type { BugReport } from './bug-report-schema.ts';
import { decisiveExchange, renderBundleReadme, transcript } from './bundle-readme.ts';
import { deriveReproSetup, type ReproSetup } from './derive-repro-setup.ts';
import { judgeReproduction, type ReproVerdict } from './judge-reproduction.ts';
import { loadBugReport } from './load-bug-report.ts';
import { buildReproCompose, type ReproCompose } from './repro-compose.ts';
import { cellId, type RequestedBackend } from '../model/axes.ts';
import type { AttachSession } from '../backends/attach/attach-session.ts';

export const PROJECT_MATRIX_FILE = new URL('../../matrix.json', import.meta.url);

export interface ReproOptions {
  file: string;
  outDir: string;
  backend: RequestedBackend;
  images: string;
  /** Leave the stack running after the scenarios; `hold` decides how long (until a signal, in the CLI). */
  keep?: { hold: (stacks: CellStack[]) => Promise<void> };
  signal?: AbortSignal;
  progress?: boolean;
  command?: string;
  /**
   * `--chatwoot-url`: the report's Chatwoot is this running server (its profile replaces the report's version, its own
   * storage counts as `local`). The caller owns its clean-up.
   */
  attached?: AttachSession;
  /** Tests inject these. */
  deps?: { catalog?: SuiteCatalog; createBackend?: BackendFactory; runMatrix?: typeof runMatrix; runMatrixDeps?: RunMatrixOptions['deps'] };
}

export interface ReproRun {
  report: BugReport;
  setup: ReproSetup;
  result: RunResult;
  verdict: ReproVerdict;
  compose: ReproCompose;
  exitCode: ExitCode;
  files: string[];
  /** Where an attached server stands in for part of the report's setup (another version, its own storage). */
  attachNotes: string[];
}

/** The matrix.json of the bundle: one cell, the derived suites and settings, the project's expectations that apply. */
async function bundleMatrix(setup: ReproSetup): Promise<Record<string, unknown>> {
  let expectations: Array<{ scenarios: string[] } & Record<string, unknown>> = [];
  try {
    const project = JSON.parse(await readFile(PROJECT_MATRIX_FILE, 'utf8')) as { expectations?: typeof expectations };
    expectations = (project.expectations ?? [])
      .map((expectation) => ({ ...expectation, scenarios: expectation.scenarios.filter((id) => setup.suites.includes(id.split('/')[0] ?? '')) }))
      .filter((expectation) => expectation.scenarios.length > 0);
  } catch {
    // No project matrix: every break is reported as unexpected, which is still a reproduction.
  }
  return {
    axes: { chatwoot: [setup.cell.chatwoot], evolution: [setup.cell.evolution], storage: [setup.cell.storage] },
    suites: setup.suites,
    settings: setup.settings,
    expectations,
    jobs: 2,
  };
}

/** The report's cell on an attached Chatwoot: that server's profile and storage, and what differs from the report, in words. */
function onAttached(setup: ReproSetup, session: AttachSession): { setup: ReproSetup; attachNotes: string[] } {
  const { profile, url } = session.chatwoot;
  const evolution = session.evolution?.version ?? setup.cell.evolution;
  const notes: string[] = [];
  if (setup.cell.chatwoot !== profile) notes.push(`the report names Chatwoot ${setup.cell.chatwoot}; the attached server at ${url} runs as ${profile}`);
  if (setup.cell.evolution !== evolution)
    notes.push(`the report names Evolution ${setup.cell.evolution}; the attached Evolution at ${session.evolution!.url} is ${evolution}`);
  if (setup.cell.storage !== 'local')
    notes.push(`the report's storage is ${setup.cell.storage}; the attached server stores attachments its own way (run as local)`);
  const key = { chatwoot: profile, evolution, storage: 'local' as const };
  return { setup: { ...setup, cell: { ...key, id: cellId(key) }, notes: [...setup.notes, ...notes] }, attachNotes: notes };
}

/** Wraps a backend so its environment outlives runMatrix (for --keep); the caller stops it. */
function keepingFactory(base: BackendFactory, kept: { environment?: StartedEnvironment }): BackendFactory {
  return async (choice) => {
    const backend: Backend = await base(choice);
    return {
      name: backend.name,
      async start(plan, options) {
        const environment = await backend.start(plan, options);
        kept.environment = environment;
        return new Proxy(environment, {
          get(target, property) {
            if (property === 'stop' || property === Symbol.asyncDispose) return async () => {};
            const value = Reflect.get(target, property, target) as unknown;
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        });
      },
    };
  };
}

const EXIT_BY_OUTCOME: Record<ReproVerdict['outcome'], ExitCode> = {
  reproduced: ExitCodes.ok,
  'not-reproduced': ExitCodes.unexpected,
  'no-verdict': ExitCodes.infrastructure,
};

function slug(id: string): string {
  return id.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
}

/**
 * `repro FILE`: the reporter's setup on the chosen backend, the scenarios that show the symptom, and
 * a bundle anyone can rerun: report files, the failing exchanges and logs, docker-compose.yml for the
 * upstream images and a README with the steps, the verdict, the diagnosis and the remedy.
 * Exit 0 reproduced, 1 not reproduced, 2 bad report, 3 no verdict (infrastructure).
 */
export async function runRepro(options: ReproOptions): Promise<ReproRun> {
  const catalog = options.deps?.catalog ?? SUITE_CATALOG;
  const report = await loadBugReport(options.file, catalog);
  const reported = deriveReproSetup(report, catalog);
  const { setup, attachNotes } = options.attached ? onAttached(reported, options.attached) : { setup: reported, attachNotes: [] };
  const compose = buildReproCompose(report, setup);
  await mkdir(options.outDir, { recursive: true });

  const reportFile = `bug-report${extname(options.file) || '.yaml'}`;
  await writeFile(join(options.outDir, reportFile), await readFile(options.file, 'utf8'));
  await writeFile(join(options.outDir, 'matrix.json'), `${JSON.stringify(await bundleMatrix(setup), null, 2)}\n`);

  const kept: { environment?: StartedEnvironment } = {};
  const baseFactory = options.deps?.createBackend ?? options.deps?.runMatrixDeps?.createBackend ?? createBackendFromRegistry;
  const run = options.deps?.runMatrix ?? runMatrix;
  let output;
  try {
    output = await run({
      matrixFile: join(options.outDir, 'matrix.json'),
      backend: options.backend,
      images: options.images,
      outDir: options.outDir,
      command: options.command ?? `evochat-matrix repro ${basename(options.file)}`,
      ...(options.attached ? { attached: options.attached } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.progress ? { progressStream: process.stderr } : {}),
      deps: {
        ...options.deps?.runMatrixDeps,
        catalog,
        createBackend: options.keep ? keepingFactory(baseFactory, kept) : baseFactory,
      },
    });
  } catch (error) {
    await kept.environment?.stop();
    throw error;
  }
  const result = output.result;
  const verdict = judgeReproduction(result, setup);

  const files: Array<{ path: string; what: string }> = [
    { path: 'README.md', what: 'this file: verdict, diagnosis, remedy, steps' },
    { path: reportFile, what: 'the bug report as given' },
    { path: 'matrix.json', what: 'the one-cell matrix that ran (`evochat-matrix run --matrix matrix.json`)' },
    { path: 'result.json', what: 'the run result (JSON schema: schemas/result.schema.json)' },
    { path: 'docker-compose.yml', what: 'the same setup on the real upstream images' },
  ];
  await writeFile(join(options.outDir, 'docker-compose.yml'), compose.yaml);
  for (const [name, text] of Object.entries(compose.files)) {
    await writeFile(join(options.outDir, name), text);
    files.push({ path: name, what: 'mounted by docker-compose.yml' });
  }
  const reports = await writeReports(result, options.outDir, { githubStepSummary: '' });
  for (const path of reports.files) files.push({ path: basename(path), what: 'report of the run' });

  for (const scenario of verdict.failing) {
    const dir = join('evidence', slug(scenario.id));
    await mkdir(join(options.outDir, dir), { recursive: true });
    await writeFile(join(options.outDir, dir, 'exchanges.json'), `${JSON.stringify(scenario.evidence.exchanges, null, 2)}\n`);
    await writeFile(
      join(options.outDir, dir, 'transcript.http'),
      `${scenario.evidence.exchanges.map((exchange) => transcript(exchange, 8_000)).join('\n\n')}\n`,
    );
    await writeFile(
      join(options.outDir, dir, 'logs.txt'),
      `${scenario.evidence.logs.map((excerpt) => excerpt.lines.map((line) => `[${excerpt.service}] ${line}`).join('\n')).join('\n')}\n`,
    );
    files.push({ path: `${dir}/`, what: `${scenario.id}: its exchanges (JSON and transcript) and the log lines the diagnosis used` });
  }
  for (const [name, path] of Object.entries(verdict.cell?.artifacts ?? {})) files.push({ path, what: `${name.replace(/^log:/, 'full log of ')} of the cell` });

  const readme = renderBundleReadme({ report, reportFile, setup, result, verdict, compose, files });
  await writeFile(join(options.outDir, 'README.md'), readme);

  if (options.keep && kept.environment) {
    try {
      await options.keep.hold([...kept.environment.stacks.values()]);
    } finally {
      await kept.environment.stop();
    }
  }
  return { report, setup, result, verdict, compose, exitCode: EXIT_BY_OUTCOME[verdict.outcome], files: files.map((file) => file.path), attachNotes };
}

/** The terminal answer: the verdict in one line, then the diagnosis, the failing exchange and where the bundle is. */
export function renderReproSummary(run: ReproRun, outDir: string): string {
  const { verdict, result, setup } = run;
  const lines = [
    `repro: ${verdict.outcome.replace('-', ' ').toUpperCase()} — ${verdict.summary.replace(/^(reproduced|not reproduced|no verdict): /, '')}`,
    `  Chatwoot ${setup.cell.chatwoot} × Evolution ${setup.cell.evolution} × ${setup.cell.storage} on ${result.backend}${result.standIns ? ' (stand-ins, not upstream images)' : result.images ? ` (${result.images} images)` : ''}`,
  ];
  for (const scenario of verdict.failing) {
    lines.push(`  ✗ ${scenario.id}: ${scenario.message ?? scenario.status}`);
    if (scenario.diagnosis) lines.push(`    diagnosis: ${scenario.diagnosis.summary}`, `    remedy:    ${scenario.diagnosis.remedy}`);
  }
  const failingExchange = verdict.failing.map((scenario) => decisiveExchange(scenario)).find(Boolean);
  const symptomExchange = verdict.observations.find((observation) => observation.met && observation.exchange)?.exchange;
  const shown = failingExchange ?? symptomExchange;
  if (shown)
    lines.push(
      '',
      `  the ${failingExchange ? 'failing exchange' : 'exchange that shows the symptom'}:`,
      ...transcript(shown, 600)
        .split('\n')
        .map((line) => `    ${line}`),
    );
  lines.push('', `  bundle: ${outDir} (README.md, docker-compose.yml, result.json, reports, evidence/)`);
  return `${lines.join('\n')}\n`;
}

/** What --keep prints: where the stack answers and how to get in. */
export function renderKeptStacks(stacks: readonly CellStack[]): string {
  const lines = ['', 'repro --keep: the stack stays up until Ctrl-C'];
  for (const stack of stacks) {
    lines.push(
      `  cell ${stack.cellId} (${stack.backend}${stack.images ? `, ${stack.images} images` : ''})`,
      `    Chatwoot   ${stack.chatwoot.url}  account ${stack.chatwoot.accountId}  api_access_token: ${stack.chatwoot.token}`,
      `    Evolution  ${stack.evolution.url}  apikey: ${stack.evolution.apiKey}  SERVER_URL: ${stack.evolution.serverUrl}`,
    );
    if (stack.chatwootPtBr) lines.push(`    Chatwoot pt_BR account ${stack.chatwootPtBr.accountId}  api_access_token: ${stack.chatwootPtBr.token}`);
    if (stack.s3) lines.push(`    S3         ${stack.s3.endpoint}  bucket ${stack.s3.bucket}  key ${stack.s3.accessKeyId} / ${stack.s3.secretAccessKey}`);
    if (stack.whatsappControlUrl) lines.push(`    WhatsApp simulator control: ${stack.whatsappControlUrl}`);
  }
  lines.push('  (these are the throwaway credentials of this local stack)');
  return `${lines.join('\n')}\n`;
}
