/**
 * The harness's temp folders, one naming scheme with the owner in the name:
 * `evochat-tmp-<pid>-<start tag>-<purpose>-XXXXXX` in the OS temp dir. A folder outlives its process only when
 * that process was killed before cleaning up (SIGKILL); `clean` then finds it by name and sees its owner gone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentOwner, startTag } from './process-identity.ts';

export const OWNED_TEMP_PREFIX = 'evochat-tmp-';
const NAME = /^evochat-tmp-(\d+)-([0-9a-f]{12})-([a-z0-9]+(?:-[a-z0-9]+)*)-[A-Za-z0-9]{6}$/;
const PURPOSE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Creates `<root>/evochat-tmp-<pid>-<tag>-<purpose>-XXXXXX` for this process; the caller removes it on close. */
export function makeOwnedTempDir(purpose: string, root: string = tmpdir()): string {
  if (!PURPOSE.test(purpose)) throw new Error(`temp folder purpose must be lower-case kebab-case, got "${purpose}"`);
  const owner = currentOwner();
  return mkdtempSync(join(root, `${OWNED_TEMP_PREFIX}${owner.pid}-${startTag(owner.start)}-${purpose}-`));
}

export interface OwnedTempDirName {
  pid: number;
  startTag: string;
  purpose: string;
}

/** The owner a folder name records; undefined for a name not in the scheme. */
export function parseOwnedTempDirName(name: string): OwnedTempDirName | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  return { pid: Number(match[1]), startTag: match[2]!, purpose: match[3]! };
}

/** Prefixes of the twins' temp folders before this scheme (no owner in the name): `clean` judges them by age. */
export const LEGACY_TEMP_PREFIXES = ['chatwoot-twin-storage-', 'evolution-twin-', 'evochat-s3-'] as const;
