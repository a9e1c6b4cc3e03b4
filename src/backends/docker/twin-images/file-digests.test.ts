import { createHash } from 'node:crypto';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../../common/test-support/temp-dirs.ts';
import { fileDigests } from './file-digests.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('fileDigests', () => {
  const tempDir = useTempDirs('file-digests-test');

  it('digests each file once per size and mtime, and again when either changes', async () => {
    const dir = tempDir();
    const file = join(dir, 'binary');
    const memo = join(dir, 'cache', 'memo.json');
    writeFileSync(file, 'one');
    expect((await fileDigests([file], memo)).get(file)).toBe(sha('one'));
    expect(JSON.parse(readFileSync(memo, 'utf8'))[file].sha256).toBe(sha('one'));

    // Same size and mtime: the memo answers, the content is not read (proven by a memo that says otherwise).
    const remembered = JSON.parse(readFileSync(memo, 'utf8'));
    remembered[file].sha256 = 'from-the-memo';
    writeFileSync(memo, JSON.stringify(remembered));
    expect((await fileDigests([file], memo)).get(file)).toBe('from-the-memo');

    writeFileSync(file, 'two');
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect((await fileDigests([file], memo)).get(file)).toBe(sha('two'));
  });

  it('digests everything when the memo is unreadable', async () => {
    const dir = tempDir();
    const file = join(dir, 'binary');
    const memo = join(dir, 'memo.json');
    writeFileSync(file, 'one');
    writeFileSync(memo, '{not json');
    expect((await fileDigests([file], memo)).get(file)).toBe(sha('one'));
  });
});
