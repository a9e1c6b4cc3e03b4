/**
 * Test-only: makes a folder that this process really cannot write, also as root (root ignores permission bits).
 * Tries, in order: permission bits (non-root), the immutable attribute (`chattr +i`, ext4/xfs/btrfs), a read-only
 * bind mount (needs CAP_SYS_ADMIN). Each is checked by an attempted write; none working is an error, not a skip.
 */
import { execFile } from 'node:child_process';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ReadOnlyDir {
  how: string;
  restore(): Promise<void>;
}

async function refusesWrites(dir: string): Promise<boolean> {
  const probe = join(dir, '.write-probe');
  try {
    await writeFile(probe, 'x');
    await rm(probe, { force: true });
    return false;
  } catch {
    return true;
  }
}

export async function makeReadOnly(dir: string): Promise<ReadOnlyDir> {
  const attempts: Array<{ how: string; apply: () => Promise<unknown>; undo: () => Promise<unknown> }> = [
    { how: 'chmod 555', apply: () => chmod(dir, 0o555), undo: () => chmod(dir, 0o755) },
    { how: 'chattr +i', apply: () => run('chattr', ['+i', dir]), undo: () => run('chattr', ['-i', dir]) },
    {
      how: 'read-only bind mount',
      apply: async () => {
        await run('mount', ['--bind', dir, dir]);
        await run('mount', ['-o', 'remount,ro,bind', dir]);
      },
      undo: () => run('umount', [dir]),
    },
  ];
  const tried: string[] = [];
  for (const attempt of attempts) {
    try {
      await attempt.apply();
    } catch (error) {
      tried.push(`${attempt.how}: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    if (await refusesWrites(dir)) return { how: attempt.how, restore: async () => void (await attempt.undo().catch(() => undefined)) };
    await attempt.undo().catch(() => undefined);
    tried.push(`${attempt.how}: writes still succeed`);
  }
  throw new Error(`could not make ${dir} read-only for this process (${tried.join('; ')})`);
}
