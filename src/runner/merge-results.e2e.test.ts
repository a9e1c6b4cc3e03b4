import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResult } from '../report/load-result.ts';
import type { RunResult } from '../model/result-schema.ts';
import { startCli, killLeftover, type CliProcess } from '../cli/test-support/cli-process.ts';
import { mergeResults } from './merge-results.ts';

// A small subset whose verdicts do not depend on timing (filter-contract breaks as expected on 3.8.0 × 1.7.4).
const SUBSET = ['--backend', 'sim', '--chatwoot', '3.7.0,3.8.0', '--evolution', '1.7.4,1.7.5', '--suite', 'auth,filter-contract', '--no-progress'];

/** What must be equal between a merged and an unsharded run: cells, verdicts, diagnoses, claims, exit code. */
function verdicts(result: RunResult) {
  return {
    exitCode: result.exitCode,
    summary: result.summary,
    seedContradictions: result.seedContradictions,
    cells: result.cells.map((cell) => ({
      id: cell.id,
      status: cell.status,
      verdict: cell.verdict,
      scenarios: cell.scenarios.map((scenario) => ({
        id: scenario.id,
        status: scenario.status,
        verdict: scenario.verdict,
        diagnosis: scenario.diagnosis,
        // Evidence is selected again from the shard's raw exchanges: the same links, in the same number.
        evidence: scenario.evidence.exchanges.map((exchange) => `${exchange.link} ${exchange.request.method} ${exchange.response?.status ?? 'none'}`),
      })),
    })),
  };
}

describe('run --shard i/3 as three processes side by side, then merge (sim)', () => {
  let dir: string;
  const started: CliProcess[] = [];
  let unsharded: RunResult;
  const codes: Array<number | null> = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-shards-'));
    const runs = [1, 2, 3].map((index) => startCli('bin', ['run', ...SUBSET, '--shard', `${index}/3`, '--out', join(dir, `shard-${index}`)]));
    runs.push(startCli('bin', ['run', ...SUBSET, '--out', join(dir, 'unsharded')]));
    started.push(...runs);
    const exits = await Promise.all(runs.map((run) => run.exit));
    codes.push(...exits.map((exit) => exit.code));
    unsharded = await loadResult(join(dir, 'unsharded', 'result.json'));
  }, 300_000);

  afterAll(async () => {
    for (const run of started) killLeftover(run);
    await rm(dir, { recursive: true, force: true });
  });

  it('each shard writes a normal result marked with its shard and the same plan id, no cell twice', async () => {
    const shards = await Promise.all([1, 2, 3].map((index) => loadResult(join(dir, `shard-${index}`, 'result.json'))));
    expect(shards.map((shard) => shard.shard?.index)).toEqual([1, 2, 3]);
    expect(new Set(shards.map((shard) => shard.shard?.planId)).size).toBe(1);
    const ids = shards.flatMap((shard) => shard.cells.map((cell) => cell.id));
    expect(ids.sort()).toEqual(unsharded.cells.map((cell) => cell.id).sort());
    // Cells that share a Chatwoot stack are in one shard.
    for (const shard of shards) {
      const stacks = new Set(shard.cells.map((cell) => `${cell.chatwoot}-${cell.storage}`));
      for (const other of shards.filter((candidate) => candidate !== shard)) {
        expect(other.cells.some((cell) => stacks.has(`${cell.chatwoot}-${cell.storage}`))).toBe(false);
      }
    }
  });

  it('merged, gives the verdicts, diagnoses, seed contradictions and exit code of one unsharded run', async () => {
    const merged = await mergeResults({
      inputs: [1, 2, 3].map((index) => join(dir, `shard-${index}`)),
      outDir: join(dir, 'merged'),
      command: 'test merge',
      env: {},
    });
    expect(codes[3]).toBe(unsharded.exitCode);
    expect(merged.missing).toEqual([]);
    expect(verdicts(merged.result)).toEqual(verdicts(unsharded));
    expect(unsharded.summary.expectedBreak).toBeGreaterThan(0); // the comparison covers diagnosed breaks, not only passes
    expect(merged.exitCode).toBe(unsharded.exitCode);
    for (const file of ['result.json', 'junit.xml', 'summary.md', 'report.html'])
      await expect(readFile(join(dir, 'merged', file), 'utf8')).resolves.not.toBe('');
    // The merged folder holds each cell's artifacts, at the paths its result names.
    const cell = merged.result.cells[0]!;
    await expect(readFile(join(dir, 'merged', cell.artifacts.exchanges!), 'utf8')).resolves.toContain('[');
  });

  it('a shard whose result is missing: its cells are not run (infrastructure error), exit 3, never pass', async () => {
    const merged = await mergeResults({
      inputs: [join(dir, 'shard-1'), join(dir, 'shard-3')],
      outDir: join(dir, 'merged-missing'),
      command: 'test merge',
      env: {},
    });
    const shard2 = await loadResult(join(dir, 'shard-2', 'result.json'));
    expect(merged.missing).toEqual([2]);
    expect(shard2.cells.length).toBeGreaterThan(0);
    for (const { id } of shard2.cells) {
      const cell = merged.result.cells.find((candidate) => candidate.id === id)!;
      expect(cell.verdict).toBe('error');
      expect(cell.scenarios.every((scenario) => scenario.errorCode === 'EVOCHAT_E_SHARD_MISSING')).toBe(true);
    }
    expect(merged.result.cells).toHaveLength(unsharded.cells.length);
    expect(merged.exitCode).toBe(3);
  });

  it('refuses shards of another plan, a shard given twice, and a cell in two shards (usage errors)', async () => {
    const other = join(dir, 'other-plan');
    await cp(join(dir, 'shard-2'), other, { recursive: true });
    const file = join(other, 'result.json');
    const result = JSON.parse(await readFile(file, 'utf8')) as RunResult;
    await writeFile(file, JSON.stringify({ ...result, shard: { ...result.shard, planId: 'plan-0000000000000000' } }));
    const merge = (inputs: string[]) => mergeResults({ inputs, outDir: join(dir, 'refused'), command: 'test', env: {} });
    await expect(merge([join(dir, 'shard-1'), other])).rejects.toMatchObject({
      code: 'EVOCHAT_E_USAGE',
      message: expect.stringContaining('not the same plan'),
    });
    await expect(merge([join(dir, 'shard-1'), join(dir, 'shard-1', 'result.json')])).rejects.toMatchObject({ message: expect.stringContaining('given twice') });
    await writeFile(
      file,
      JSON.stringify({
        ...result,
        shard: { ...result.shard, index: 3 },
        cells: [...result.cells, ...(await loadResult(join(dir, 'shard-1', 'result.json'))).cells],
      }),
    );
    await expect(merge([join(dir, 'shard-1'), other])).rejects.toMatchObject({ message: expect.stringContaining('in two shard results') });
  });
});
