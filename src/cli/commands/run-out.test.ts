/** `run --out` that cannot be used: exit 2, one line with the named code, before any service starts (the real CLI). */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReadOnly, type ReadOnlyDir } from '../../runner/test-support/read-only-dir.ts';
import { startCli } from '../test-support/cli-process.ts';

const RUN = ['run', '--backend', 'sim', '--suite', 'auth', '--chatwoot', '3.7.0', '--evolution', '1.7.5', '--storage', 'local', '--no-progress'];

let dir: string;
let locked: ReadOnlyDir | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-out-'));
});
afterAll(async () => {
  await locked?.restore();
  await rm(dir, { recursive: true, force: true });
});

async function runWithOut(out: string, tmp: string) {
  const cli = startCli('bin', [...RUN, '--out', out], { TMPDIR: tmp });
  const exit = await cli.exit;
  return { exit, stderr: cli.stderr() };
}

describe('run --out', () => {
  it('naming a file, or a path under one, is EVOCHAT_E_OUT_NOT_DIRECTORY, exit 2, one line; nothing started', async () => {
    const tmp = join(dir, 'tmp-file');
    await mkdir(tmp);
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    for (const out of [file, join(file, 'out')]) {
      const { exit, stderr } = await runWithOut(out, tmp);
      expect(exit).toEqual({ code: 2, signal: null });
      expect(stderr.trim().split('\n')).toEqual([
        `error EVOCHAT_E_OUT_NOT_DIRECTORY: --out ${out}: ${out === file ? 'is a file, not a folder' : 'it, or a folder on its path, is a file, not a folder'}`,
      ]);
    }
    // No twin ever started: none made its temp folder.
    expect((await readdir(tmp)).filter((name) => name !== 'tsx-0')).toEqual([]); // tsx-0: tsx's compile cache
  }, 120_000);

  it('a folder that cannot be written (also as root) is EVOCHAT_E_OUT_NOT_WRITABLE, exit 2', async () => {
    const tmp = join(dir, 'tmp-ro');
    await mkdir(tmp);
    const out = join(dir, 'locked');
    await mkdir(out);
    locked = await makeReadOnly(out);
    const { exit, stderr } = await runWithOut(out, tmp);
    expect(exit).toEqual({ code: 2, signal: null });
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^error EVOCHAT_E_OUT_NOT_WRITABLE: --out ${out}: cannot write there \\((EACCES|EPERM|EROFS)`));
    expect((await readdir(tmp)).filter((name) => name !== 'tsx-0')).toEqual([]); // tsx-0: tsx's compile cache
  }, 120_000);
});
