/**
 * Artifact size is a property of the renderers, not a timing: for the 12-cell matrix report.html stays ≤ 3 MB
 * while every recorded exchange and log of every cell is still in it (packed per cell), issue 16.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange, RunResult } from '../model/result-schema.ts';
import { unpackArchive } from './html/evidence-archive.ts';
import { loadFixture } from './test-support/result-fixtures.ts';
import { writeReports } from './write-reports.ts';

const EXCHANGES_PER_CELL = 200;

/** A recorded exchange like the sim's: JSON bodies of a few KB with ids that vary. */
function recorded(cellId: string, index: number): Exchange {
  const payload = Array.from({ length: 12 }, (_, n) => ({
    id: index * 100 + n,
    name: `inbox-${cellId}-${n}`,
    channel_type: 'Channel::Api',
    at: 1764000000 + index,
  }));
  return {
    id: `${cellId}-x${index}`,
    link: 'harness->chatwoot',
    startedAt: new Date(Date.UTC(2026, 10, 26, 2, 0, 0, index)).toISOString(),
    durationMs: 10 + (index % 7),
    request: { method: 'GET', url: `/api/v1/accounts/1/inboxes?page=${index}`, headers: { accept: 'application/json' }, body: '', bodyTruncated: false },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload }), bodyTruncated: false },
  };
}

describe('report.html size for the 12-cell matrix', () => {
  let dir: string;
  let result: RunResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-size-'));
    const sample = loadFixture('sample-result');
    result = {
      ...sample,
      cells: sample.cells.map((cell) => ({
        ...cell,
        artifacts: { exchanges: `cells/${cell.id}/exchanges.json`, 'log:chatwoot': `cells/${cell.id}/logs/chatwoot.log` },
      })),
    };
    for (const cell of result.cells) {
      await mkdir(join(dir, 'cells', cell.id, 'logs'), { recursive: true });
      const exchanges = Array.from({ length: EXCHANGES_PER_CELL }, (_, index) => recorded(cell.id, index));
      await writeFile(join(dir, 'cells', cell.id, 'exchanges.json'), JSON.stringify(exchanges, null, 2));
      const log = Array.from({ length: 2000 }, (_, n) => `I, [2026-11-26T02:00:${String(n % 60).padStart(2, '0')}] INFO -- : request ${n} of ${cell.id}`);
      await writeFile(join(dir, 'cells', cell.id, 'logs', 'chatwoot.log'), `${log.join('\n')}\n`);
    }
    await writeReports(result, dir, { formats: ['html'], githubStepSummary: '' });
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is at most 3 MB', async () => {
    expect(result.cells).toHaveLength(12);
    expect((await stat(join(dir, 'report.html'))).size).toBeLessThanOrEqual(3 * 1024 * 1024);
  });

  it('still holds every exchange and log of every cell', async () => {
    const { readFile } = await import('node:fs/promises');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    for (const cell of result.cells) {
      const match = new RegExp(
        `<script type="application/octet-stream" id="evidence-${cell.id.replace(/\./g, '\\.')}" data-encoding="gzip\\+base64">([^<]*)</script>`,
      ).exec(html);
      expect(match, cell.id).not.toBeNull();
      const archive = unpackArchive(match![1]!);
      expect(archive.exchanges).toHaveLength(EXCHANGES_PER_CELL);
      expect(archive.logs['log:chatwoot']?.split('\n')).toHaveLength(2001);
    }
  });
});
