import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INCOMPLETE_MARKER, prepareOutDir } from './out-dir.ts';

let dir: string;
let out: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evochat-out-dir-'));
  out = join(dir, 'out');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that surely belongs to no running process: one that has just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

async function stagedRun(runId: string, files: Record<string, string>) {
  const staged = await prepareOutDir(out, runId);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(staged.dir, name, '..'), { recursive: true });
    await writeFile(join(staged.dir, name), text);
  }
  return staged;
}

describe('--out staging', () => {
  it('creates --out and a staging folder owned by this process', async () => {
    const staged = await prepareOutDir(out, 'run-a');
    expect(staged.dir).toBe(join(out, '.partial-run-a'));
    expect(JSON.parse(await readFile(join(staged.dir, '.owner.json'), 'utf8'))).toEqual({ host: hostname(), pid: process.pid, runId: 'run-a' });
  });

  it('keeps only the newest incomplete folder; an incomplete run with nothing written leaves nothing', async () => {
    await (await stagedRun('run-1', { 'services/a.log': 'one' })).abandon('interrupted by SIGINT');
    await (await stagedRun('run-2', { 'services/a.log': 'two' })).abandon('interrupted by SIGTERM');
    const line = await (await prepareOutDir(out, 'run-3')).abandon('interrupted by SIGINT');
    expect(await readdir(out)).toEqual(['incomplete-run-2']);
    expect(await readFile(join(out, 'incomplete-run-2', INCOMPLETE_MARKER), 'utf8')).toContain('Run run-2 did not finish: interrupted by SIGTERM.');
    expect(line).toBe(`--out ${out}: no result written (there was none before)`);
  });

  it('a published run removes the staging folders of dead runs but not those of live ones', async () => {
    await mkdir(join(out, '.partial-dead'), { recursive: true });
    await writeFile(join(out, '.partial-dead', '.owner.json'), JSON.stringify({ host: hostname(), pid: deadPid() }));
    await mkdir(join(out, '.partial-live'), { recursive: true });
    await writeFile(join(out, '.partial-live', '.owner.json'), JSON.stringify({ host: hostname(), pid: process.pid }));
    await (await stagedRun('run-ok', { 'result.json': '{"runId":"run-ok"}' })).publish();
    expect((await readdir(out)).sort()).toEqual(['.partial-live', 'result.json']);
  });
});
