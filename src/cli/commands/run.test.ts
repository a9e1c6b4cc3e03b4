import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, StartedEnvironment } from '../../backends/backend.ts';
import { UsageError } from '../../errors/index.ts';
import { TEST_CATALOG } from '../../matrix/test-support/test-catalog.ts';
import type { RunPlan } from '../../matrix/plan-types.ts';
import { fakeRun } from '../../runner/test-support/fake-run.ts';
import type { CellStack } from '../../stack/stack.ts';
import type { RunMatrixDeps } from '../../runner/run-matrix.ts';
import { runCommand } from './run.ts';

const root = join(import.meta.dirname, '../../..');

function capture(isTTY = false) {
  const sink = { text: '', isTTY, write: (chunk: string) => ((sink.text += chunk), true) };
  return sink as unknown as NodeJS.WritableStream & { text: string; isTTY: boolean };
}

/** In-test backend + suite runner that answer like the known-answer grid. */
function fakeDeps(): Partial<RunMatrixDeps> {
  let plan: RunPlan | undefined;
  const backend: Backend = {
    name: 'sim',
    start(p) {
      plan = p;
      const evidence = fakeRun(p.cells, TEST_CATALOG).evidence;
      const environment: StartedEnvironment = {
        backend: 'sim',
        images: undefined,
        stacks: new Map(p.cells.map((cell) => [cell.id, { cellId: cell.id } as CellStack])),
        collectEvidence: (cellId) => Promise.resolve(evidence.get(cellId)!),
        imagesFor: () => ({}),
        servicesStarted: p.services.length,
        phases: {},
        stop: async () => {},
        [Symbol.asyncDispose]: async () => {},
      };
      return Promise.resolve(environment);
    },
  };
  return {
    catalog: TEST_CATALOG,
    probes: {
      engine: () => Promise.resolve({ available: false, endpoint: 'unix:///var/run/docker.sock', reason: 'connect ENOENT' }),
      dockerBackendAvailable: () => Promise.resolve(false),
      requiredImages: () => Promise.resolve([]),
      imageAvailability: () => Promise.resolve([]),
    },
    createBackend: () => Promise.resolve(backend),
    runSuites: () => Promise.resolve(fakeRun(plan!.cells, TEST_CATALOG).outcomes),
  };
}

describe('runCommand', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-runcmd-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the grid without colour on a non-TTY and returns the exit code', async () => {
    const stdout = capture(false);
    const stderr = capture(false);
    const out = join(dir, 'out');
    const code = await runCommand(
      { matrix: join(root, 'matrix.json'), out, storage: 'local' },
      { stdout, stderr, env: {}, handleSignals: false, deps: fakeDeps() },
    );
    expect(code).toBe(0);
    expect(stdout.text).toContain('evochat-matrix · backend: sim — stand-ins, not upstream results');
    expect(stdout.text).toMatch(/3\.8\.0 +✗ expected +✓/);
    expect(stdout.text).not.toContain('\u001b[');
    expect(stderr.text).toContain('[backend] sim: auto: no Docker engine answered');
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
    expect(result.command).toBe(`evochat-matrix run --matrix ${join(root, 'matrix.json')} --out ${out} --storage local`);
  });

  it('colours a TTY unless NO_COLOR is set; --no-progress silences stderr', async () => {
    const tty = capture(true);
    const quiet = capture(false);
    await runCommand(
      { matrix: join(root, 'matrix.json'), out: join(dir, 'o2'), storage: 'local', progress: false },
      { stdout: tty, stderr: quiet, env: {}, handleSignals: false, deps: fakeDeps() },
    );
    expect(tty.text).toContain('\u001b[');
    expect(quiet.text).toBe('');
    const noColor = capture(true);
    await runCommand(
      { matrix: join(root, 'matrix.json'), out: join(dir, 'o3'), storage: 'local', progress: false },
      { stdout: noColor, stderr: capture(), env: { NO_COLOR: '1' }, handleSignals: false, deps: fakeDeps() },
    );
    expect(noColor.text).not.toContain('\u001b[');
  });

  it('rejects a bad --jobs as a usage error', async () => {
    await expect(runCommand({ jobs: '0' }, { stdout: capture(), stderr: capture(), env: {}, handleSignals: false, deps: fakeDeps() })).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});

describe('the CLI on a broken matrix.json', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 and names the dotted path, the value and the allowed values', async () => {
    const file = join(dir, 'matrix.json');
    await writeFile(
      file,
      JSON.stringify({
        axes: { chatwoot: ['3.7.0'], evolution: ['1.7.4'], storage: ['local'] },
        expectations: [{ scenarios: ['bot-command/status-round-trip', 'bot-command/nope'], reason: 'r' }],
      }),
    );
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'run', '--matrix', file, '--out', join(dir, 'out')], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const failure = (await run.then(
      () => undefined,
      (error: unknown) => error,
    )) as { code: number; stderr: string } | undefined;
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('error EVOCHAT_E_CONFIG:');
    expect(failure?.stderr).toContain(
      'at expectations[0].scenarios[1]: unknown scenario of suite "bot-command" got "bot-command/nope" (allowed: "bot-command/status-round-trip", "bot-command/webhook-signature")',
    );
  });
});
