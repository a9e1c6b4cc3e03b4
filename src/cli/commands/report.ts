/**
 * `report <result.json>`: renders an earlier result again, in any format, optionally compared with a
 * previous result. Without --out one format goes to stdout; with --out the files get their usual names
 * (junit.xml, summary.md, report.html, result.json — json into the result's own directory rewrites it
 * with the --compare marks) and terminal still goes to stdout. summary.md is appended to
 * $GITHUB_STEP_SUMMARY when set. Rendering succeeded → exit 0 (the run's own exit code is the run's
 * business); a result file that cannot be read or validated → exit 2 (EVOCHAT_E_RESULT_SCHEMA).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../errors/index.ts';
import type { RunResult } from '../../model/result-schema.ts';
import { compareResults } from '../../report/history.ts';
import { compatibilityStatuses, renderCompatibilityHtml, renderCompatibilityMarkdown } from '../../report/compat-table.ts';
import { loadHistory } from '../../report/load-history.ts';
import { readEvidenceArchives, type PackedArchive } from '../../report/html/evidence-archive.ts';
import { renderHtml } from '../../report/html.ts';
import { renderJunit } from '../../report/junit.ts';
import { loadResult } from '../../report/load-result.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { renderTerminalReport } from '../../report/terminal-grid.ts';
import { githubRunUrl, writeReports, type FileReportFormat } from '../../report/write-reports.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { ReportOptions, type ReportFormat, type ReportOptionsInput } from '../options/report-options.ts';

export { parseFormats } from '../options/report-options.ts';

export interface ReportCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Colours for the terminal format; default: stdout is a TTY and NO_COLOR is unset. */
  color?: boolean;
}

const processIo: ReportCommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

function isFileFormat(format: ReportFormat): format is FileReportFormat {
  return format === 'junit' || format === 'markdown' || format === 'html';
}

/** Artifact paths in a result are relative to result.json; links in files written to outDir need this prefix. */
function linkBaseFor(outDir: string, resultFile: string): string {
  const base = relative(resolve(outDir), dirname(resolve(resultFile)));
  return base === '' ? '' : `${base.split(sep).join('/')}/`;
}

function renderOne(format: ReportFormat, result: RunResult, linkBase: string, io: ReportCommandIo, evidence?: ReadonlyMap<string, PackedArchive>): string {
  switch (format) {
    case 'terminal':
      return renderTerminalReport(result, { color: io.color ?? (process.stdout.isTTY === true && !io.env.NO_COLOR) });
    case 'junit':
      return renderJunit(result, { linkBase });
    case 'markdown': {
      const artifactsUrl = githubRunUrl(io.env);
      return renderMarkdown(result, { linkBase, ...(artifactsUrl ? { artifactsUrl } : {}) });
    }
    case 'html':
      return renderHtml(result, { linkBase, ...(evidence ? { evidence } : {}) });
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
  }
}

/** `report --history DIR`: the compatibility table; to --out as compatibility.md + .html, else Markdown on stdout. */
async function historyReport(dir: string, outDir: string | undefined, io: ReportCommandIo): Promise<number> {
  const history = await loadHistory(dir, outDir ?? '.');
  const statuses = compatibilityStatuses(history);
  const markdown = renderCompatibilityMarkdown(statuses, history.length);
  if (!outDir) {
    io.stdout(markdown);
    return 0;
  }
  await mkdir(outDir, { recursive: true });
  for (const [name, content] of [
    ['compatibility.md', markdown],
    ['compatibility.html', renderCompatibilityHtml(statuses, history.length)],
  ] as const) {
    await writeFile(join(outDir, name), content, 'utf8');
    io.stderr(`wrote ${join(outDir, name)}\n`);
  }
  return 0;
}

export async function reportCommand(given: ReportOptionsInput, io: ReportCommandIo = processIo): Promise<number> {
  const parsed = parseCommandOptions('report', ReportOptions, given);
  if (parsed.history !== undefined) return historyReport(parsed.history, parsed.out, io);
  if (parsed.result === undefined) throw new UsageError('report needs <result> (a result.json), or --history DIR for the compatibility table');
  const options = { ...parsed, result: parsed.result };
  const { formats } = options;
  if (!options.out && formats.length > 1) {
    throw new UsageError(`--format ${formats.join(',')} needs --out DIR: standard output takes one format`, {
      hint: `e.g. evochat-matrix report ${options.result} --format ${formats.join(',')} --out report-out`,
    });
  }

  let result = await loadResult(options.result);
  if (options.compare) result = compareResults(result, await loadResult(options.compare), { previousLabel: options.compare });

  if (!options.out) {
    const [format] = formats;
    const evidence = format === 'html' ? await readEvidenceArchives(result, dirname(resolve(options.result))) : undefined;
    if (format) io.stdout(renderOne(format, result, linkBaseFor('.', options.result), io, evidence));
    return 0;
  }

  const outDir = options.out;
  const linkBase = linkBaseFor(outDir, options.result);
  if (formats.includes('terminal')) io.stdout(renderOne('terminal', result, linkBase, io));
  const fileFormats = formats.filter(isFileFormat);
  const written: string[] = [];
  if (fileFormats.length > 0) {
    const reports = await writeReports(result, outDir, { formats: fileFormats, linkBase, resultDir: dirname(resolve(options.result)), env: io.env });
    written.push(...reports.files);
    if (reports.stepSummary) io.stderr(`appended summary.md to ${reports.stepSummary}\n`);
  }
  if (formats.includes('json')) {
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, 'result.json');
    await writeFile(file, renderOne('json', result, linkBase, io), 'utf8');
    written.push(file);
  }
  for (const file of written) io.stderr(`wrote ${file}\n`);
  return 0;
}
