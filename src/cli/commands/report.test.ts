import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../errors/index.ts';
import { RunResult } from '../../model/result-schema.ts';
import { RED_CELL_ID, fixturePath } from '../../report/test-support/result-fixtures.ts';
import { parseFormats, reportCommand, type ReportCommandIo } from './report.ts';

const BIN = fileURLToPath(new URL('../bin.ts', import.meta.url));

function captureIo(): ReportCommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => out.push(text), stderr: (text) => err.push(text), env: {}, color: false };
}

describe('parseFormats', () => {
  it('accepts a comma list, repeated options and duplicates', () => {
    expect(parseFormats('terminal,junit')).toEqual(['terminal', 'junit']);
    expect(parseFormats(['html', 'json,html'])).toEqual(['html', 'json']);
  });

  it('rejects unknown formats as a usage error naming the allowed ones', () => {
    expect(() => parseFormats('pdf,html')).toThrow(UsageError);
    expect(() => parseFormats('pdf')).toThrow('unknown --format "pdf"; allowed: terminal,junit,markdown,html,json');
  });
});

describe('reportCommand', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-report-cmd-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders an earlier result to the terminal by default', async () => {
    const io = captureIo();
    expect(await reportCommand({ result: fixturePath('sample-result') }, io)).toBe(0);
    expect(io.out.join('')).toContain('backend: sim');
  });

  it('prints one file format to stdout without --out', async () => {
    const io = captureIo();
    expect(await reportCommand({ result: fixturePath('sample-result'), format: 'markdown' }, io)).toBe(0);
    expect(io.out.join('')).toMatch(/^### ❌ evochat-matrix: /);
  });

  it('writes every format into --out, with --compare marks, and links artifacts back to the result', async () => {
    const io = captureIo();
    const out = join(dir, 'rendered');
    const code = await reportCommand(
      { result: fixturePath('sample-result'), format: 'terminal,junit,markdown,html,json', out, compare: fixturePath('previous-result') },
      io,
    );
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.html', 'result.json', 'summary.md']);
    const rerendered = RunResult.parse(JSON.parse(await readFile(join(out, 'result.json'), 'utf8')));
    expect(rerendered.cells.find((cell) => cell.id === RED_CELL_ID)?.change).toBe('newly-broken');
    expect(rerendered.compare?.previous).toBe(fixturePath('previous-result'));
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toContain('🔻 newly broken (was pass)');
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain('<property name="change" value="newly-broken"/>');
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('chg-newly-broken');
    // Artifacts are relative to the result file, which lies elsewhere.
    expect(html).toMatch(/href="\.\.\/[^"]*fixtures\/results\/cells\/cw3\.9\.0-evo1\.7\.5-minio\/logs"/);
    expect(io.err.join('')).toContain(`wrote ${join(out, 'report.html')}`);
  });

  it('needs --out for more than one format', async () => {
    await expect(reportCommand({ result: fixturePath('sample-result'), format: 'html,junit' }, captureIo())).rejects.toThrow(
      '--format html,junit needs --out DIR',
    );
  });
});

describe('evochat-matrix report (the CLI)', () => {
  const run = promisify(execFile);
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('exits 2 naming the file, line and column of a corrupt result', async () => {
    const { code, stderr } = await cli(['report', fixturePath('corrupt-result')]);
    expect(code).toBe(2);
    expect(stderr).toContain('error EVOCHAT_E_RESULT_SCHEMA:');
    expect(stderr).toContain('corrupt-result.json is not valid JSON: the text ends early at line 41, column 11');
  });

  it('renders a result through the real command line', async () => {
    const { code, stdout } = await cli(['report', fixturePath('docker-upstream-result'), '--format', 'junit']);
    expect(code).toBe(0);
    expect(stdout).toContain('<property name="backend" value="docker"/>');
  });
});
