import { describe, expect, it } from 'vitest';
import type { RunResult } from '../model/result-schema.ts';
import { causeGroups, compactCells } from './cause-groups.ts';
import { compareResults } from './history.ts';
import { escapeMarkdownInline } from './markdown-escape.ts';
import { MARKDOWN_MAX_BYTES, renderMarkdown } from './markdown.ts';
import { RED_CELL_BODY_TEXT, hostileResult, hugeResult, loadFixture } from './test-support/result-fixtures.ts';

function detailsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/<details>[\s\S]*?<\/details>/g)].map((match) => match[0]);
}

describe('renderMarkdown', () => {
  const sample = loadFixture('sample-result');
  const markdown = renderMarkdown(sample);

  it('starts with the verdict, then says which backend produced it and warns about stand-ins', () => {
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('### ❌ evochat-matrix: 1 problem: chatwoot-3.9.0 × evolution-1.7.5 × minio (unexpected break)');
    expect(markdown.indexOf('**Backend: sim: in-process twins.**')).toBeGreaterThan(0);
    expect(markdown).toContain('> [!WARNING]');
    expect(markdown).toContain('not the upstream images');
    expect(markdown.indexOf('Backend:')).toBeLessThan(markdown.indexOf('#### Storage: local'));
  });

  it('uses no heading above ###', () => {
    const headings = markdown.split('\n').filter((line) => /^#{1,6} /.test(line));
    expect(headings.length).toBeGreaterThan(2);
    expect(headings.every((line) => line.startsWith('###'))).toBe(true);
  });

  it('draws one grid per storage: rows Chatwoot, columns Evolution', () => {
    const local = markdown.slice(markdown.indexOf('#### Storage: local'), markdown.indexOf('#### Storage: minio'));
    expect(local).toContain('| Chatwoot ＼ Evolution | 1.7.4 | 1.7.5 |');
    expect(local).toContain('| **3.7.0** | ✅ pass | ✅ pass |');
    expect(local).toContain('| **3.8.0** | 🟧 expected break | ✅ pass |');
    const minio = markdown.slice(markdown.indexOf('#### Storage: minio'));
    expect(minio).toContain('| **3.9.0** | 🟧 expected break | ❌ unexpected break |');
    expect(minio).toContain('| **3.8.0** | 🟧 expected break | ⚠️ infrastructure error |');
  });

  it('explains each unexpected result in a <details> block with diagnosis, remedy, decisive exchange and artifact links', () => {
    const blocks = detailsBlocks(markdown);
    expect(blocks).toHaveLength(2);
    const red = blocks[0] ?? '';
    expect(red).toContain('<summary>❌ <b>chatwoot-3.9.0 × evolution-1.7.5 × minio</b>: unexpected break</summary>');
    expect(red).toContain('**Diagnosis** (`chatwoot-message-rate-limit`)');
    expect(red).toContain('**Remedy:** Reuse fewer conversations');
    expect(red).toContain('`POST http://127.0.0.1:4139/api/v1/accounts/3/conversations/5/messages` → **422**');
    expect(red).toContain(RED_CELL_BODY_TEXT);
    expect(red).toContain('[exchanges](cells/cw3.9.0-evo1.7.5-minio/exchanges.json)');
    expect(blocks[1]).toContain('chatwoot-3.8.0 × evolution-1.7.5 × minio</b>: infrastructure error');
    // Expected breaks are in the grid, not in the details.
    expect(markdown).not.toContain('<b>chatwoot-3.8.0 × evolution-1.7.4 × local</b>');
  });

  it('links to artifacts instead of pasting logs', () => {
    expect(markdown).not.toContain('[Evolution API]');
    expect(markdown).not.toContain('ApiError: Generic Error');
  });

  it('lists the seed contradictions', () => {
    expect(markdown).toContain(
      '#### Where the troubleshooting guide “Evolution API与Chatwoot集成故障排查指南” (Evolution API and Chatwoot integration troubleshooting guide) is contradicted',
    );
    expect(markdown).not.toContain('seed guide');
    expect(markdown).toContain('"did not fully solve"');
  });

  it('prefixes artifact links and names the run page when given', () => {
    const linked = renderMarkdown(sample, { linkBase: '../run/', artifactsUrl: 'https://github.com/o/r/actions/runs/7' });
    expect(linked).toContain('[logs](../run/cells/cw3.9.0-evo1.7.5-minio/logs)');
    expect(linked).toContain("in the [run's artifacts](https://github.com/o/r/actions/runs/7)");
  });

  it('marks cells whose verdict changed since the previous run, in the grid and in details', () => {
    const compared = renderMarkdown(compareResults(sample, loadFixture('previous-result'), { previousLabel: 'previous/result.json' }));
    expect(compared.split('\n')[0]).toBe('### ❌ evochat-matrix: 1 problem: chatwoot-3.9.0 × evolution-1.7.5 × minio (unexpected break, newly broken)');
    expect(compared).toContain('Compared with `previous/result.json`: 3 cell(s) changed: 1 newly broken, 1 newly fixed, 1 changed.');
    expect(compared).toContain('| **3.9.0** | 🟧 expected break | ❌ unexpected break<br>🔻 newly broken (was pass) |');
    expect(compared).toContain('| **3.9.0** | 🟧 expected break | ✅ pass<br>🔺 newly fixed (was unexpected break) |');
    const blocks = detailsBlocks(compared);
    expect(blocks).toHaveLength(3);
    expect(blocks[2]).toContain('✅ <b>chatwoot-3.9.0 × evolution-1.7.5 × local</b>: pass · 🔺 newly fixed (was unexpected break)');
  });

  it('says so when everything is as expected', () => {
    const ok: RunResult = {
      ...sample,
      cells: sample.cells.filter((cell) => cell.verdict === 'pass' || cell.verdict === 'expected-break'),
      summary: { ...sample.summary, cells: 10, unexpectedBreak: 0, error: 0 },
      exitCode: 0,
    };
    const text = renderMarkdown(ok);
    expect(text.split('\n')[0]).toBe('### ✅ evochat-matrix: Everything as expected');
    expect(detailsBlocks(text)).toHaveLength(0);
  });

  it('announces real upstream images without a stand-in warning', () => {
    const docker = renderMarkdown(loadFixture('docker-upstream-result'));
    expect(docker).toContain('**Backend: docker: upstream images.**');
    expect(docker).not.toContain('[!WARNING]');
  });

  it('keeps hostile text from becoming markup', () => {
    const hostile = renderMarkdown(hostileResult());
    // Inside a fenced code block text is shown literally; everywhere else it must be escaped.
    const outsideFences = hostile.replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?\n\1\2$/gm, '');
    expect(outsideFences).toContain('&lt;/script&gt;&lt;script&gt;');
    expect(outsideFences).not.toContain('<script>');
    expect(outsideFences).not.toContain('</details> ]]>');
    expect(hostile).not.toContain('\u001b');
    // Every <details> we open is closed by us, once.
    expect((outsideFences.match(/<details>/g) ?? []).length).toBe(2);
    expect((outsideFences.match(/<\/details>/g) ?? []).length).toBe(2);
    // The decisive body sits in a fence that its own ``` cannot close.
    expect(hostile).toMatch(/ {4}````json\n[^`]*```[^\n]*\n {4}````/);
  });

  it('stays under the step-summary cap with huge evidence, saying what it cut', () => {
    const huge = hugeResult();
    const text = renderMarkdown(huge);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    expect(text).toMatch(/… truncated \(\d+ bytes more\)/);
    expect(text.split('\n')[0]).toMatch(/^### ❌ evochat-matrix: \d+ problems/);
  });

  it('drops whole <details> blocks past the cap, with a marker counting them', () => {
    const text = renderMarkdown(hugeResult(64 * 1024), { maxBytes: 16 * 1024 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * 1024);
    expect(text).toMatch(/… truncated \(\d+ bytes more\): \d+ more unexpected or changed cell\(s\) are not shown/);
    expect((text.match(/<details>/g) ?? []).length).toBe((text.match(/<\/details>/g) ?? []).length);
  });
});

describe('renderMarkdown: causes', () => {
  it('names each cause with its cells, also on an "everything as expected" run', () => {
    const sample = loadFixture('sample-result');
    const expectedOnly: RunResult = {
      ...sample,
      exitCode: 0,
      cells: sample.cells.filter((cell) => cell.verdict === 'pass' || cell.verdict === 'expected-break'),
    };
    const groups = causeGroups(expectedOnly);
    expect(groups.length).toBeGreaterThan(0);
    const markdown = renderMarkdown(expectedOnly);
    const section = markdown.slice(markdown.indexOf('#### Breaks and errors, grouped by cause'));
    expect(markdown).toContain('#### Breaks and errors, grouped by cause');
    for (const group of groups) {
      const line = section.split('\n').find((candidate) => candidate.includes(escapeMarkdownInline(group.label)));
      expect(line, group.label).toBeDefined();
      expect(line).toContain(escapeMarkdownInline(compactCells(expectedOnly, group.cells)));
    }
  });
});
