import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../cli/commands/report.ts';
import type { RunResult } from '../model/result-schema.ts';
import { compatibilityStatuses } from './compat-table.ts';
import { parseResult } from './load-result.ts';

const SAMPLE = fileURLToPath(new URL('../../fixtures/results/sample-result.json', import.meta.url));

/** The sample result on another night, with some cells' statuses changed. */
function night(sample: RunResult, date: string, statuses: Record<string, RunResult['cells'][number]['status']> = {}): RunResult {
  return {
    ...sample,
    runId: `night-${date}`,
    startedAt: `${date}T02:00:00.000Z`,
    cells: sample.cells.map((cell) => {
      const status = statuses[cell.id];
      if (!status) return cell;
      const scenarios = cell.scenarios.map((scenario) => (status === 'pass' ? { ...scenario, status, verdict: 'pass' as const } : scenario));
      return { ...cell, status, scenarios };
    }),
  };
}

describe('report --history DIR: the compatibility table', () => {
  let dir: string;
  let sample: RunResult;
  const out: string[] = [];
  const io = { stdout: (text: string) => out.push(text), stderr: () => undefined, env: {} };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-history-'));
    sample = parseResult(await readFile(SAMPLE, 'utf8'), SAMPLE);
    const nights = [
      night(sample, '2026-11-24', { 'cw3.9.0-evo1.7.4-local': 'pass' }),
      night(sample, '2026-11-25', { 'cw3.8.0-evo1.7.5-minio': 'pass' }),
      night(sample, '2026-11-26', { 'cw3.8.0-evo1.7.5-minio': 'error' }),
    ];
    for (const result of nights) {
      await mkdir(join(dir, 'history', result.runId), { recursive: true });
      await writeFile(join(dir, 'history', result.runId, 'result.json'), JSON.stringify(result));
      await writeFile(join(dir, 'history', result.runId, 'report.html'), '<html></html>');
    }
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('says works / breaks (cause) since the run that decided it; an error leaves the last answer standing', () => {
    const statuses = compatibilityStatuses([
      { result: night(sample, '2026-11-24', { 'cw3.9.0-evo1.7.4-local': 'pass' }), link: 'a' },
      { result: night(sample, '2026-11-25'), link: 'b' },
      { result: night(sample, '2026-11-26'), link: 'c' },
    ]);
    const pair = (id: string) => statuses.find((status) => `cw${status.chatwoot}-evo${status.evolution}-${status.storage}` === id);
    expect(pair('cw3.7.0-evo1.7.4-local')).toMatchObject({ state: 'works', since: { date: '2026-11-24', link: 'a' }, latest: { date: '2026-11-26' } });
    // Worked on the 24th, broke from the 25th: the 25th decided it.
    expect(pair('cw3.9.0-evo1.7.4-local')).toMatchObject({ state: 'breaks', since: { date: '2026-11-25', link: 'b' } });
    expect(pair('cw3.9.0-evo1.7.4-local')?.cause).toMatch(/\S/);
    // Only ever errored: no answer.
    expect(pair('cw3.8.0-evo1.7.5-minio')).toBeUndefined();
  });

  it('renders Markdown and HTML pages from a folder of results, per storage, linking each cell to its run', async () => {
    const pages = join(dir, 'pages');
    await reportCommand({ history: join(dir, 'history'), out: pages }, io);
    const markdown = await readFile(join(pages, 'compatibility.md'), 'utf8');
    expect(markdown).toContain('## Local storage');
    expect(markdown).toContain('## S3 storage (MinIO)');
    expect(markdown).toContain('| Chatwoot \\ Evolution | 1.7.4 | 1.7.5 |');
    expect(markdown).toMatch(/\| 3\.9\.0 \| ❌ breaks \(.+\) since \[2026-11-25\]\(\.\.\/history\/night-2026-11-25\/report\.html\) \|/);
    // An error on the 26th does not undo the pass of the 25th.
    expect(markdown).toMatch(/\| 3\.8\.0 \| ❌ breaks .* \| ✅ works since \[2026-11-25\]\(\.\.\/history\/night-2026-11-25\/report\.html\) \|\n\| 3\.9\.0/);
    const html = await readFile(join(pages, 'compatibility.html'), 'utf8');
    expect(html).toContain('<caption>S3 storage (MinIO)</caption>');
    expect(html).toContain('<a href="../history/night-2026-11-24/report.html">2026-11-24</a>');
  });

  it('prints the Markdown table without --out, and refuses a folder without results', async () => {
    out.length = 0;
    await reportCommand({ history: join(dir, 'history') }, io);
    expect(out.join('')).toContain('# Chatwoot × Evolution API compatibility');
    await mkdir(join(dir, 'empty'));
    await expect(reportCommand({ history: join(dir, 'empty') }, io)).rejects.toMatchObject({ code: 'EVOCHAT_E_USAGE' });
  });
});
