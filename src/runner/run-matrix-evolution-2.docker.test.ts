/**
 * Evolution 2.x on the docker backend with twin images, through the run command: each Evolution gets a real
 * PostgreSQL 15 container (built here, docker/twin/postgresql.Dockerfile), and evolution-faults' misconfigured
 * Evolutions come out with the causes the sim backend names (evolution-api-2.x.md §6 negative controls). Skips without
 * an engine, except under CI.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../cli/commands/run.ts';
import { dockerGate, requireEngine } from '../backends/docker/test-support/docker-gate.ts';
import { ensureTwinImages } from '../backends/docker/twin-images/ensure-twin-images.ts';
import type { RunResult } from '../model/result-schema.ts';

const root = join(import.meta.dirname, '../..');
const gate = await dockerGate('docker Evolution 2.x run');

function capture() {
  const sink = { text: '', isTTY: false, write: (chunk: string) => ((sink.text += chunk), true) };
  return sink as unknown as NodeJS.WritableStream & { text: string; isTTY: boolean };
}

describe.runIf(gate.run)('Evolution 2.2.3 × Chatwoot 3.8.0 on docker with twin images', () => {
  let out: string;
  let exitCode: number;
  let result: RunResult;

  beforeAll(async () => {
    requireEngine(gate);
    await ensureTwinImages();
    out = await mkdtemp(join(tmpdir(), 'evochat-docker-evo2-'));
    exitCode = await runCommand(
      {
        matrix: join(root, 'matrix.extended.json'),
        backend: 'docker',
        images: 'twin',
        chatwoot: '3.8.0',
        evolution: '2.2.3',
        storage: 'local',
        suite: 'instance-bootstrap,evolution-faults',
        out,
        progress: false,
      },
      { stdout: capture(), stderr: capture(), env: { NO_COLOR: '1' }, handleSignals: false },
    );
    result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
  }, 600_000);

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  const scenario = (id: string) => result.cells[0]!.scenarios.find((s) => s.id === id);

  it('bootstraps the instance in Chatwoot (the grid cell works) and exits 0', () => {
    expect(result).toMatchObject({ backend: 'docker', standIns: true });
    for (const s of result.cells[0]!.scenarios.filter((entry) => entry.id.startsWith('instance-bootstrap/'))) expect(s.verdict, s.id).toBe('pass');
    expect(exitCode).toBe(0);
  });

  it.each([
    ['evolution-faults/chatwoot-enabled-unset', 'evolution-chatwoot-disabled'],
    ['evolution-faults/snake-case-body', 'evolution-snake-case-body'],
    ['evolution-faults/redis-default-without-redis', 'evolution-redis-unreachable'],
    ['evolution-faults/database-unreachable', 'evolution-database-unreachable'],
  ])('%s breaks as expected, diagnosed %s', (id, rule) => {
    expect(scenario(id)).toMatchObject({ verdict: 'expected-break', diagnosis: { rule } });
  });

  it('keeps media flowing where the guide says they stop: baked import URI on 2.2.3, slow S3 media store', () => {
    expect(scenario('evolution-faults/baked-import-uri-media')?.verdict).toBe('pass');
    expect(scenario('evolution-faults/slow-media-store')?.verdict).toBe('pass');
  });

  it("runs Evolution's database on a real PostgreSQL 15 server", async () => {
    const logs = join(out, 'cells', result.cells[0]!.id, 'logs');
    const postgresLog = (await readdir(logs)).find((name) => name === 'evolution-2-2-3-postgres.log');
    expect(postgresLog).toBeDefined();
    const text = await readFile(join(logs, postgresLog!), 'utf8');
    expect(text).toMatch(/starting PostgreSQL 15\.\d+/);
    expect(text.match(/database system is ready to accept connections/g)).toHaveLength(2);
  });
});
