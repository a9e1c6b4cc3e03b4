import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';
import { RED_CELL_BODY_TEXT, loadFixture } from './test-support/result-fixtures.ts';
import { githubRunUrl, writeReports } from './write-reports.ts';

describe('writeReports', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-write-reports-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const sample = loadFixture('sample-result');

  it('writes junit.xml, summary.md and report.html into the out dir (created if missing)', async () => {
    const out = join(dir, 'nested', 'out');
    const written = await writeReports(sample, out, { githubStepSummary: '', env: {} });
    expect(written.files).toEqual([join(out, 'junit.xml'), join(out, 'summary.md'), join(out, 'report.html')]);
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.html', 'summary.md']);
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites>/);
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toBe(renderMarkdown(sample));
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain(RED_CELL_BODY_TEXT);
    expect(written.stepSummary).toBeUndefined();
  });

  it('writes only the formats asked for', async () => {
    const written = await writeReports(sample, dir, { formats: ['junit'], githubStepSummary: '', env: {} });
    expect(written.files).toEqual([join(dir, 'junit.xml')]);
    expect(await readdir(dir)).toEqual(['junit.xml']);
  });

  it('appends summary.md to $GITHUB_STEP_SUMMARY, keeping what earlier steps wrote', async () => {
    const summaryFile = join(dir, 'step-summary.md');
    await writeFile(summaryFile, '### earlier step\n');
    const env = {
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/chat',
      GITHUB_RUN_ID: '42',
    };
    const written = await writeReports(sample, join(dir, 'out'), { env });
    expect(written.stepSummary).toBe(summaryFile);
    const content = await readFile(summaryFile, 'utf8');
    expect(content.startsWith('### earlier step\n### ❌ evochat-matrix:')).toBe(true);
    expect(content).toContain("(in the [run's artifacts](https://github.com/acme/chat/actions/runs/42))");
    expect(content).toBe(`### earlier step\n${await readFile(join(dir, 'out', 'summary.md'), 'utf8')}\n`);
  });

  it('does not touch the step summary when told not to, or when markdown is not written', async () => {
    const summaryFile = join(dir, 'step-summary.md');
    await writeFile(summaryFile, 'unchanged');
    await writeReports(sample, join(dir, 'a'), { githubStepSummary: '', env: { GITHUB_STEP_SUMMARY: summaryFile } });
    await writeReports(sample, join(dir, 'b'), { formats: ['html'], env: { GITHUB_STEP_SUMMARY: summaryFile } });
    expect(await readFile(summaryFile, 'utf8')).toBe('unchanged');
  });
});

describe('githubRunUrl', () => {
  it('needs all three GitHub variables', () => {
    expect(githubRunUrl({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ID: '1' })).toBe(
      'https://github.com/a/b/actions/runs/1',
    );
    expect(githubRunUrl({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'a/b' })).toBeUndefined();
  });
});
