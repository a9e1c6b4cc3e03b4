import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResult } from '../../report/load-result.ts';
import { PROJECT_ROOT } from '../test-support/cli-process.ts';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/evochat-matrix.mjs', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }),
    );
  });
}

describe('--shard on the command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-shard-cli-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it.each(['0/3', '4/3', 'a/b', '1/0'])('run --shard %s: EVOCHAT_E_USAGE, exit 2, one line', async (spec) => {
    const ran = await cli(['run', '--backend', 'sim', '--shard', spec, '--out', join(dir, 'never')]);
    expect(ran.code).toBe(2);
    expect(ran.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^error EVOCHAT_E_USAGE: --shard "${spec}": `))]);
  });

  it('list --shard 2/3 shows the split and the cells of shard 2', async () => {
    const ran = await cli(['list', '--shard', '2/3', '--json']);
    expect(ran.code).toBe(0);
    const listed = JSON.parse(ran.stdout) as { cells: Array<{ id: string }>; shard: { index: number; shards: Array<{ index: number; cells: string[] }> } };
    expect(listed.shard.index).toBe(2);
    expect(listed.cells.map((cell) => cell.id)).toEqual(listed.shard.shards[1]!.cells);
    expect(listed.shard.shards.flatMap((shard) => shard.cells)).toHaveLength(12);
  });

  it('a shard with no cells says so and writes a valid empty result (exit 0)', async () => {
    const out = join(dir, 'empty');
    const ran = await cli(['run', '--backend', 'sim', '--chatwoot', '3.7.0', '--storage', 'local', '--shard', '2/2', '--out', out, '--no-progress']);
    expect(ran.stderr).toContain('shard 2/2 has no cells');
    expect(ran.code).toBe(0);
    const result = await loadResult(join(out, 'result.json'));
    expect(result.cells).toEqual([]);
    expect(result.shard).toMatchObject({ index: 2, count: 2 });
  });

  it('merge of a folder with no shard result: EVOCHAT_E_USAGE, exit 2', async () => {
    const nothing = join(dir, 'nothing');
    await mkdir(nothing);
    const ran = await cli(['merge', nothing, '--out', join(dir, 'merged')]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/^error EVOCHAT_E_USAGE: merge: /);
  });
});
