import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../common/test-support/temp-dirs.ts';
import type { RunResult } from '../../model/result-schema.ts';
import { readEvidenceArchives, unpackArchive } from './evidence-archive.ts';

/** Only what the archive reader looks at: each cell's id and artifact paths. */
function resultWith(cells: { id: string; artifacts: Record<string, string> }[]): RunResult {
  return { cells } as unknown as RunResult;
}

describe('readEvidenceArchives', () => {
  const tempDir = useTempDirs('archive-test');

  function artifacts(files: Record<string, string>): string {
    const dir = tempDir();
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  }

  it('packs each cell’s exchanges file as written and its logs; the page unpacks the same', async () => {
    const exchanges = [{ id: 'e-1', request: { url: '/api/v1/accounts/1/inboxes' } }, { id: 'e-2' }];
    const dir = artifacts({ 'cells/a/exchanges.json': `${JSON.stringify(exchanges, null, 2)}\n`, 'cells/a/logs/chatwoot.log': 'Started GET\n' });
    const result = resultWith([{ id: 'a', artifacts: { exchanges: 'cells/a/exchanges.json', 'log:chatwoot': 'cells/a/logs/chatwoot.log' } }]);
    for (const options of [{}, { writtenExchangeCounts: new Map([['a', 2]]) }]) {
      const packed = (await readEvidenceArchives(result, dir, options)).get('a')!;
      expect(packed).toMatchObject({ exchanges: 2, logs: 1 });
      expect(unpackArchive(packed.data)).toEqual({ exchanges, logs: { 'log:chatwoot': 'Started GET\n' }, missing: [] });
    }
  });

  it('counts an exchanges file that is not a JSON array as missing, and a cell with no readable artifact has no block', async () => {
    const dir = artifacts({ 'cells/a/exchanges.json': '{"not":"a list"}', 'cells/b/exchanges.json': '[{"id": "cut off' });
    const result = resultWith([
      { id: 'a', artifacts: { exchanges: 'cells/a/exchanges.json' } },
      { id: 'b', artifacts: { exchanges: 'cells/b/exchanges.json' } },
      { id: 'c', artifacts: { exchanges: 'cells/c/exchanges.json' } },
    ]);
    const archives = await readEvidenceArchives(result, dir);
    expect(unpackArchive(archives.get('a')!.data)).toEqual({ exchanges: [], logs: {}, missing: ['cells/a/exchanges.json'] });
    expect(unpackArchive(archives.get('b')!.data).missing).toEqual(['cells/b/exchanges.json']);
    expect(archives.has('c')).toBe(false);
    expect([...archives.keys()]).toEqual(['a', 'b']);
  });
});
