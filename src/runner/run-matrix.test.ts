import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend, StartedEnvironment } from '../backends/backend.ts';
import { EVOLUTION_VERSIONS } from '../model/axes.ts';
import type { CellEvidence } from '../model/cell-evidence.ts';
import { ConfigError, ErrorCodes, InfrastructureError } from '../errors/index.ts';
import { TEST_CATALOG } from '../matrix/test-support/test-catalog.ts';
import type { RunPlan } from '../matrix/plan-types.ts';
import { fakeRun } from './test-support/fake-run.ts';
import { RunResult } from '../model/result-schema.ts';
import type { CellStack } from '../stack/stack.ts';
import type { BackendProbes } from './choose-backend.ts';
import { InterruptedError, runMatrix, type RunMatrixDeps, type RunSuitesFn } from './run-matrix.ts';

const noDocker: BackendProbes = {
  engine: () => Promise.resolve({ available: false, endpoint: 'unix:///var/run/docker.sock', reason: 'connect ENOENT' }),
  dockerBackendAvailable: () => Promise.resolve(false),
  requiredImages: () => Promise.resolve([]),
  imageAvailability: () => Promise.resolve([]),
};

interface FakeBackend extends Backend {
  stopped: number;
  startedPlans: RunPlan[];
}

/** In-test backend: "starts" one service per planned service and hands out evidence made by fakeRun. */
function fakeBackend(evidenceFor: (plan: RunPlan) => Map<string, CellEvidence>, failStart?: Error): FakeBackend {
  const backend: FakeBackend = {
    name: 'sim',
    stopped: 0,
    startedPlans: [],
    start(plan, options) {
      backend.startedPlans.push(plan);
      options.onProgress?.({ phase: 'start', message: 'fake services' });
      if (failStart) return Promise.reject(failStart);
      const evidence = evidenceFor(plan);
      const stacks = new Map(plan.cells.map((cell) => [cell.id, { cellId: cell.id } as CellStack]));
      const environment: StartedEnvironment = {
        backend: 'sim',
        images: undefined,
        stacks,
        collectEvidence: (cellId) => Promise.resolve(evidence.get(cellId) ?? { exchanges: [], logs: [], logFiles: {} }),
        imagesFor: (cellId) => ({ chatwoot: `twin-${cellId}` }),
        servicesStarted: plan.services.length,
        phases: { boot: 5 },
        stop: () => {
          backend.stopped += 1;
          return Promise.resolve();
        },
        [Symbol.asyncDispose]: async () => environment.stop(),
      };
      return Promise.resolve(environment);
    },
  };
  return backend;
}

let dir: string;
let matrixFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evochat-run-'));
  matrixFile = join(dir, 'matrix.json');
  await writeFile(matrixFile, await readFile(join(import.meta.dirname, '../../matrix.json'), 'utf8'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deps(backend: Backend, runSuites: RunSuitesFn): Partial<RunMatrixDeps> {
  return { catalog: TEST_CATALOG, probes: noDocker, createBackend: () => Promise.resolve(backend), runSuites, newRunId: () => 'run-test' };
}

const fakeSuites: RunSuitesFn = ({ stacks, suites, onScenario }) => {
  const cells = stacks.map((stack) => {
    const [, chatwoot, evolution, storage] = /^cw(.+)-evo(.+)-(local|minio)$/.exec(stack.cellId)!;
    return { id: stack.cellId, chatwoot, evolution, storage, suites } as RunPlan['cells'][number];
  });
  const { outcomes } = fakeRun(cells, TEST_CATALOG);
  outcomes.forEach((outcome) => onScenario?.(outcome));
  return Promise.resolve(outcomes);
};

describe('runMatrix', () => {
  it('runs the full matrix, writes a valid result.json and per-cell artifacts, and stops the backend', async () => {
    const backend = fakeBackend((plan) => fakeRun(plan.cells, TEST_CATALOG).evidence);
    const out = join(dir, 'out');
    const progress = { text: '', write: (chunk: string) => (progress.text += chunk) };
    const run = await runMatrix({
      matrixFile,
      backend: 'auto',
      images: 'upstream',
      outDir: out,
      command: 'run',
      progressStream: progress,
      deps: deps(backend, fakeSuites),
    });
    expect(run.exitCode).toBe(0);
    expect(run.choice.name).toBe('sim');
    expect(backend.stopped).toBe(1);
    const written = RunResult.parse(JSON.parse(await readFile(join(out, 'result.json'), 'utf8')));
    expect(written.backendReason).toContain('no Docker engine answered');
    expect(written.services).toEqual({ planned: 17, naive: 66, started: 17 });
    expect(Object.keys(written.phases)).toEqual(
      expect.arrayContaining(['load', 'plan', 'choose-backend', 'start', 'start:boot', 'scenarios', 'evidence', 'stop', 'write']),
    );
    const cell = written.cells.find((c) => c.id === 'cw3.8.0-evo1.7.4-minio')!;
    expect(cell.verdict).toBe('expected-break');
    expect(cell.images).toEqual({ chatwoot: 'twin-cw3.8.0-evo1.7.4-minio' });
    expect(cell.artifacts).toEqual({ exchanges: 'cells/cw3.8.0-evo1.7.4-minio/exchanges.json', 'log:evolution': 'cw3.8.0-evo1.7.4-minio/evolution.log' });
    expect((await stat(join(out, cell.artifacts.exchanges!))).isFile()).toBe(true);
    expect(progress.text).toContain('[scenarios] cw3.9.0-evo1.7.5-minio done');
  });

  it('--compare marks cells whose verdict moved since a previous result, and a newly broken cell fails the run', async () => {
    const first = await runMatrix({
      matrixFile,
      backend: 'sim',
      images: 'upstream',
      outDir: join(dir, 'first'),
      command: 'run',
      deps: deps(
        fakeBackend((plan) => fakeRun(plan.cells, TEST_CATALOG).evidence),
        fakeSuites,
      ),
    });
    const previous = structuredClone(first.result);
    previous.cells.find((c) => c.id === 'cw3.8.0-evo1.7.4-local')!.verdict = 'pass';
    previous.cells.find((c) => c.id === 'cw3.8.0-evo1.7.5-local')!.verdict = 'expected-break';
    const previousFile = join(dir, 'previous.json');
    await writeFile(previousFile, JSON.stringify(previous));
    const second = await runMatrix({
      matrixFile,
      backend: 'sim',
      images: 'upstream',
      outDir: join(dir, 'second'),
      command: 'run',
      compareWith: previousFile,
      deps: deps(
        fakeBackend((plan) => fakeRun(plan.cells, TEST_CATALOG).evidence),
        fakeSuites,
      ),
    });
    expect(second.result.cells.find((c) => c.id === 'cw3.8.0-evo1.7.4-local')).toMatchObject({ change: 'newly-broken', previousVerdict: 'pass' });
    expect(second.result.cells.find((c) => c.id === 'cw3.8.0-evo1.7.5-local')?.change).toBe('newly-fixed');
    expect(second.result.compare).toEqual({ previous: previousFile, changedCells: ['cw3.8.0-evo1.7.4-local', 'cw3.8.0-evo1.7.5-local'] });
    expect(second.exitCode).toBe(1);
    expect(RunResult.parse(JSON.parse(await readFile(join(dir, 'second', 'result.json'), 'utf8'))).compare?.changedCells).toHaveLength(2);
  });

  it('narrows cells and suites by the filters', async () => {
    const backend = fakeBackend((plan) => fakeRun(plan.cells, TEST_CATALOG).evidence);
    const run = await runMatrix({
      matrixFile,
      backend: 'sim',
      images: 'upstream',
      filters: { chatwoot: ['3.9.0'], evolution: ['1.7.4'], suites: ['bot-command'] },
      outDir: join(dir, 'out'),
      command: 'run',
      deps: deps(backend, fakeSuites),
    });
    expect(run.result.cells.map((c) => c.id)).toEqual(['cw3.9.0-evo1.7.4-local', 'cw3.9.0-evo1.7.4-minio']);
    expect(run.result.cells[0]?.scenarios.map((s) => s.id)).toEqual(['bot-command/status-round-trip']);
    expect(backend.startedPlans[0]?.services.map((s) => s.id).sort()).toEqual(['chatwoot-3.9.0-local', 'chatwoot-3.9.0-minio', 'evolution-1.7.4', 's3']);
  });

  it('reports every scenario as an infrastructure error (exit 3) when services do not start', async () => {
    const backend = fakeBackend(() => new Map(), new InfrastructureError(ErrorCodes.serviceStart, 'chatwoot-3.7.0-local did not answer /api'));
    const run = await runMatrix({ matrixFile, backend: 'sim', images: 'upstream', outDir: join(dir, 'out'), command: 'run', deps: deps(backend, fakeSuites) });
    expect(run.exitCode).toBe(3);
    expect(run.result.summary.error).toBe(12);
    expect(run.result.cells[0]?.scenarios[0]).toMatchObject({
      status: 'error',
      errorCode: 'EVOCHAT_E_SERVICE_START',
      message: expect.stringContaining('did not answer /api'),
    });
    expect(backend.stopped).toBe(0);
  });

  it('stops the backend when the suites throw', async () => {
    const backend = fakeBackend(() => new Map());
    const error = await runMatrix({
      matrixFile,
      backend: 'sim',
      images: 'upstream',
      outDir: join(dir, 'out'),
      command: 'run',
      deps: deps(backend, () => Promise.reject(new Error('vitest crashed'))),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('vitest crashed');
    expect(backend.stopped).toBe(1);
  });

  it('on abort, stops the backend and throws the interruption', async () => {
    const backend = fakeBackend(() => new Map());
    const controller = new AbortController();
    const running = runMatrix({
      matrixFile,
      backend: 'sim',
      images: 'upstream',
      outDir: join(dir, 'out'),
      command: 'run',
      signal: controller.signal,
      deps: deps(backend, () => {
        controller.abort(new InterruptedError('SIGINT'));
        return new Promise(() => {});
      }),
    });
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).signalName).toBe('SIGINT');
    expect(backend.stopped).toBe(1);
  });

  it('rejects a broken matrix.json before creating any backend', async () => {
    await writeFile(matrixFile, JSON.stringify({ axes: { chatwoot: ['3.7.0'], evolution: ['1.7.9'], storage: ['local'] } }));
    let created = false;
    const error = await runMatrix({
      matrixFile,
      backend: 'sim',
      images: 'upstream',
      outDir: join(dir, 'out'),
      command: 'run',
      deps: {
        ...deps(
          fakeBackend(() => new Map()),
          fakeSuites,
        ),
        createBackend: () => ((created = true), Promise.resolve(fakeBackend(() => new Map()))),
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).toMatchObject({ path: 'axes.evolution[0]', value: '1.7.9', allowed: [...EVOLUTION_VERSIONS] });
    expect(created).toBe(false);
  });
});
