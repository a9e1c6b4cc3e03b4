import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOwnedTempDir, OWNED_TEMP_PREFIX, parseOwnedTempDirName } from './owned-temp-dir.ts';
import { currentOwner, startTag } from './process-identity.ts';

const root = mkdtempSync(join(tmpdir(), 'owned-temp-dir-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('owned temp folders', () => {
  it('carry the owner (pid and start tag) and the purpose in the name', () => {
    const dir = makeOwnedTempDir('chatwoot-storage', root);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(basename(dir).startsWith(OWNED_TEMP_PREFIX)).toBe(true);
    expect(parseOwnedTempDirName(basename(dir))).toEqual({ pid: process.pid, startTag: startTag(currentOwner().start), purpose: 'chatwoot-storage' });
  });

  it('other names are not ours', () => {
    for (const name of ['evochat-tmp-x', 'evochat-tmp-12-abc-s3-abcdef', 'evochat-s3-abcdef', 'tsx-0', 'evochat-tmp-12-0123456789ab--abcdef']) {
      expect(parseOwnedTempDirName(name)).toBeUndefined();
    }
  });

  it('refuses a purpose that would break the scheme', () => {
    expect(() => makeOwnedTempDir('Bad Purpose', root)).toThrow(/kebab-case/);
  });
});
