/** The harness's temp folders in a temp root (owned-temp-dir.ts names, and the twins' names before it), with their owners. */
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LEGACY_TEMP_PREFIXES, parseOwnedTempDirName } from './owned-temp-dir.ts';
import { ownerState, type OwnerState } from './process-identity.ts';

export interface TempDirLeftover {
  path: string;
  /** `owned`: the name records its owner; `legacy`: an older twin's folder, judged by age. */
  kind: 'owned' | 'legacy';
  owner: OwnerState;
  /** Since the last change of the folder itself. */
  ageMs: number;
}

export async function listTempDirLeftovers(root: string, now: Date): Promise<TempDirLeftover[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const found: TempDirLeftover[] = [];
  const uid = process.getuid?.();
  for (const name of names) {
    const owned = parseOwnedTempDirName(name);
    const legacy = !owned && LEGACY_TEMP_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (!owned && !legacy) continue;
    const path = join(root, name);
    const stats = await lstat(path).catch(() => undefined);
    // Only real folders of this user: a symlink is never followed, another user's folder is not ours to judge.
    if (!stats?.isDirectory() || (uid !== undefined && stats.uid !== uid)) continue;
    found.push({
      path,
      kind: owned ? 'owned' : 'legacy',
      owner: owned ? ownerState({ pid: owned.pid, startTag: owned.startTag }) : { state: 'unknown', reason: 'no owner in the name (older format)' },
      ageMs: Math.max(0, now.getTime() - stats.mtimeMs),
    });
  }
  return found;
}

export async function removeTempDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
