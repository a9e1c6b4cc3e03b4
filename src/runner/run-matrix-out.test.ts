/**
 * What runMatrix leaves in --out: a complete run replaces every file of the previous one; an interrupted or
 * failed run leaves them byte-identical (its own logs go to incomplete-<runId>/); a bad --out is exit 2
 * before any backend is created.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend, StartedEnvironment } from '../backends/backend.ts';
import { HarnessError } from '../errors/index.ts';
import { TEST_CATALOG } from '../matrix/test-support/test-catalog.ts';
import type { RunPlan } from '../matrix/plan-types.ts';
import { fakeRun } from './test-support/fake-run.ts';
import type { CellStack } from '../stack/stack.ts';
import type { BackendProbes } from './choose-backend.ts';
import { INCOMPLETE_MARKER } from './out-dir.ts';
import { InterruptedError, runMatrix, type RunMatrixOptions, type RunSuitesFn } from './run-matrix.ts';
import { makeReadOnly, type ReadOnlyDir } from './test-support/read-only-dir.ts';

const noDocker: BackendProbes = {
  engine: () => Promise.resolve({ available: false, endpoint: 'unix:///var/run/docker.sock', reason: 'connect ENOENT' }),
  dockerBackendAvailable: () => Promise.resolve(false),
  requiredImages: () => Promise.resolve([]),
  imageAvailability: () => Promise.resolve([]),
};

/** A backend that, like the sim one, writes a live service log under the artifacts folder, and per-cell log copies. */
function loggingBackend(logName: string, counters = { created: 0, started: 0 }): Backend & { counters: typeof counters } {
  return {
    name: 'sim',
    counters,
    async start(plan, options) {
      counters.started += 1;
      await mkdir(join(options.artifactsDir, 'services'), { recursive: true });
      await writeFile(join(options.artifactsDir, 'services', `${logName}.log`), `${logName} listening\n`);
      const { evidence } = fakeRun(plan.cells, TEST_CATALOG);
      const environment: StartedEnvironment = {
        backend: 'sim',
        images: undefined,
        stacks: new Map(plan.cells.map((cell) => [cell.id, { cellId: cell.id } as CellStack])),
        collectEvidence: async (cellId) => {
          const file = join('cells', cellId, 'logs', `${logName}.log`);
          await mkdir(join(options.artifactsDir, 'cells', cellId, 'logs'), { recursive: true });
          await writeFile(join(options.artifactsDir, file), `${logName} for ${cellId}\n`);
          return { ...evidence.get(cellId)!, logFiles: { [logName]: file } };
        },
        imagesFor: () => ({}),
        servicesStarted: plan.services.length,
        phases: {},
        stop: async () => {},
        [Symbol.asyncDispose]: async () => {},
      };
      return environment;
    },
  };
}

const fakeSuites: RunSuitesFn = ({ stacks, suites }) => {
  const cells = stacks.map((stack) => {
    const [, chatwoot, evolution, storage] = /^cw(.+)-evo(.+)-(local|minio)$/.exec(stack.cellId)!;
    return { id: stack.cellId, chatwoot, evolution, storage, suites } as RunPlan['cells'][number];
  });
  return Promise.resolve(fakeRun(cells, TEST_CATALOG).outcomes);
};

/** Every file under a folder, by relative path, with its bytes. */
async function snapshot(dir: string, skip: (path: string) => boolean = () => false): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (!skip(path)) files[path] = (await readFile(join(dir, path))).toString('base64');
  }
  return files;
}

let dir: string;
let matrixFile: string;
let out: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evochat-run-out-'));
  matrixFile = join(dir, 'matrix.json');
  out = join(dir, 'out');
  await writeFile(matrixFile, await readFile(join(import.meta.dirname, '../../matrix.json'), 'utf8'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(runId: string, backend: Backend, runSuites: RunSuitesFn, extra: Partial<RunMatrixOptions> = {}) {
  const lines: string[] = [];
  const running = runMatrix({
    matrixFile,
    backend: 'sim',
    images: 'upstream',
    outDir: out,
    command: 'run',
    env: {},
    onOutDir: (line) => lines.push(line),
    ...extra,
    deps: { catalog: TEST_CATALOG, probes: noDocker, createBackend: () => Promise.resolve(backend), runSuites, newRunId: () => runId },
  });
  return { running, lines };
}

describe('runMatrix and --out', () => {
  it('an interrupted run leaves the previous result.json and reports byte-identical, its own logs in incomplete-<runId>/', async () => {
    await run('run-first', loggingBackend('first'), fakeSuites).running;
    const before = await snapshot(out);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['result.json', 'junit.xml', 'summary.md', 'report.html', 'services/first.log']));

    const controller = new AbortController();
    const second = run(
      'run-second',
      loggingBackend('second'),
      () => {
        controller.abort(new InterruptedError('SIGINT'));
        return new Promise(() => {});
      },
      { signal: controller.signal },
    );
    await expect(second.running).rejects.toBeInstanceOf(InterruptedError);

    expect(await snapshot(out, (path) => path.startsWith('incomplete-run-second/'))).toEqual(before);
    const incomplete = join(out, 'incomplete-run-second');
    expect(await readFile(join(incomplete, 'services', 'second.log'), 'utf8')).toBe('second listening\n');
    const marker = await readFile(join(incomplete, INCOMPLETE_MARKER), 'utf8');
    expect(marker).toContain('Run run-second did not finish: interrupted by SIGINT.');
    expect(marker).toContain('previous complete run (run-first)');
    expect((await readdir(out)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(second.lines).toEqual([`--out ${out}: the previous result (run-first) and its reports are unchanged; this run's logs are in ${incomplete}`]);
  });

  it('a failed run also leaves the previous files as they were, and says why in its marker', async () => {
    await run('run-first', loggingBackend('first'), fakeSuites).running;
    const before = await snapshot(out);
    const failed = run('run-crash', loggingBackend('crash'), () => Promise.reject(new Error('vitest crashed')));
    await expect(failed.running).rejects.toThrow('vitest crashed');
    expect(await snapshot(out, (path) => path.startsWith('incomplete-run-crash/'))).toEqual(before);
    expect(await readFile(join(out, 'incomplete-run-crash', INCOMPLETE_MARKER), 'utf8')).toContain(
      'did not finish: failed: EVOCHAT_E_INTERNAL: vitest crashed',
    );
  });

  it('a complete run replaces every file of the previous one: no stale cells, service logs or incomplete folders', async () => {
    await run('run-first', loggingBackend('first'), fakeSuites).running;
    const controller = new AbortController();
    await run(
      'run-stopped',
      loggingBackend('stopped'),
      () => {
        controller.abort(new InterruptedError('SIGTERM'));
        return new Promise(() => {});
      },
      { signal: controller.signal },
    ).running.catch(() => undefined);
    await writeFile(join(out, 'notes.txt'), 'mine');

    const third = run('run-third', loggingBackend('third'), fakeSuites, { filters: { chatwoot: ['3.9.0'], evolution: ['1.7.5'] } });
    const output = await third.running;
    expect(output.resultFile).toBe(join(out, 'result.json'));
    expect(JSON.parse(await readFile(join(out, 'result.json'), 'utf8')).runId).toBe('run-third');
    expect((await readdir(out)).sort()).toEqual(['cells', 'junit.xml', 'notes.txt', 'report.html', 'result.json', 'services', 'summary.md']);
    expect((await readdir(join(out, 'cells'))).sort()).toEqual(['cw3.9.0-evo1.7.5-local', 'cw3.9.0-evo1.7.5-minio']);
    expect(await readdir(join(out, 'services'))).toEqual(['third.log']);
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).not.toContain('cw3.7.0');
    // The paths result.json names are right beside it.
    const cell = output.result.cells[0]!;
    expect(cell.artifacts).toEqual({ exchanges: `cells/${cell.id}/exchanges.json`, 'log:third': `cells/${cell.id}/logs/third.log` });
    expect(await readFile(join(out, cell.artifacts['log:third']!), 'utf8')).toBe(`third for ${cell.id}\n`);
    expect(third.lines).toEqual([`--out ${out}: replaced the previous result, reports and logs with this run's`]);
  });

  describe('a bad --out is a usage error (exit 2) before any backend starts', () => {
    let readOnly: ReadOnlyDir | undefined;
    afterEach(async () => {
      await readOnly?.restore();
      readOnly = undefined;
    });

    async function rejected(outDir: string): Promise<{ error: HarnessError; started: number }> {
      const backend = loggingBackend('never');
      const error = await runMatrix({
        matrixFile,
        backend: 'sim',
        images: 'upstream',
        outDir,
        command: 'run',
        env: {},
        deps: { catalog: TEST_CATALOG, probes: noDocker, createBackend: () => Promise.resolve(backend), runSuites: fakeSuites },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HarnessError);
      return { error: error as HarnessError, started: backend.counters.started };
    }

    it('names a file', async () => {
      const file = join(dir, 'result.txt');
      await writeFile(file, 'not a folder');
      const { error, started } = await rejected(file);
      expect({ code: error.code, exitCode: error.exitCode, message: error.message, started }).toEqual({
        code: 'EVOCHAT_E_OUT_NOT_DIRECTORY',
        exitCode: 2,
        message: `--out ${file}: is a file, not a folder`,
        started: 0,
      });
      expect(await readFile(file, 'utf8')).toBe('not a folder');
    });

    it('lies under a file', async () => {
      const file = join(dir, 'result.txt');
      await writeFile(file, 'not a folder');
      const { error, started } = await rejected(join(file, 'out'));
      expect({ code: error.code, exitCode: error.exitCode, started }).toEqual({ code: 'EVOCHAT_E_OUT_NOT_DIRECTORY', exitCode: 2, started: 0 });
    });

    it('is a folder that cannot be written (also as root)', async () => {
      const folder = join(dir, 'locked');
      await mkdir(folder);
      readOnly = await makeReadOnly(folder);
      const { error, started } = await rejected(folder);
      expect({ code: error.code, exitCode: error.exitCode, started }).toEqual({ code: 'EVOCHAT_E_OUT_NOT_WRITABLE', exitCode: 2, started: 0 });
      expect(error.message).toMatch(new RegExp(`^--out ${folder}: cannot write there \\((EACCES|EPERM|EROFS)`));
    });
  });
});
