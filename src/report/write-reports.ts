/**
 * Writes the report files of a run into its `--out` directory (result.json itself is the runner's):
 * junit.xml, summary.md, report.html — these names are part of the interface (CI steps refer to them).
 * summary.md is also appended to `$GITHUB_STEP_SUMMARY` when that is set.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../model/result-schema.ts';
import { readEvidenceArchives } from './html/evidence-archive.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export const REPORT_FILE_NAMES = {
  junit: 'junit.xml',
  markdown: 'summary.md',
  html: 'report.html',
} as const;

export type FileReportFormat = keyof typeof REPORT_FILE_NAMES;

export const FILE_REPORT_FORMATS: readonly FileReportFormat[] = ['junit', 'markdown', 'html'];

export interface WriteReportsOptions {
  /** Which files to write; default all three. */
  formats?: readonly FileReportFormat[];
  /**
   * File to append summary.md to. Absent: `$GITHUB_STEP_SUMMARY` when set; an empty string: never.
   * Only used when `markdown` is among the formats.
   */
  githubStepSummary?: string;
  /** Prefix for artifact links, relative from outDir to result.json's directory; '' when they are the same. */
  linkBase?: string;
  /** Where the cells' artifact paths resolve (result.json's directory); default outDir joined with linkBase. */
  resultDir?: string;
  /** Where the artifacts can be downloaded; default: this GitHub Actions run's page when its env vars are set. */
  artifactsUrl?: string;
  /** testsuite/@hostname in junit.xml. */
  hostname?: string;
  /** Environment to read GITHUB_* from (tests); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The run's own exchanges.json files, just written: their exchange counts per cell (ReadArchivesOptions). */
  writtenExchangeCounts?: ReadonlyMap<string, number>;
}

export interface WrittenReports {
  /** Absolute or outDir-relative paths of the files written, in format order. */
  files: string[];
  /** The step-summary file appended to, if any. */
  stepSummary?: string;
  /** summary.md's text, when it was written (for a later appendStepSummary). */
  markdown?: string;
}

/** The run page, where a workflow's uploaded artifacts are listed. */
export function githubRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!server || !repository || !runId) return undefined;
  return `${server}/${repository}/actions/runs/${runId}`;
}

export async function writeReports(result: RunResult, outDir: string, options: WriteReportsOptions = {}): Promise<WrittenReports> {
  const env = options.env ?? process.env;
  const formats = options.formats ?? FILE_REPORT_FORMATS;
  const linkBase = options.linkBase ?? '';
  const artifactsUrl = options.artifactsUrl ?? githubRunUrl(env);
  await mkdir(outDir, { recursive: true });

  const written: WrittenReports = { files: [] };
  let markdown: string | undefined;
  for (const format of FILE_REPORT_FORMATS.filter((candidate) => formats.includes(candidate))) {
    let content: string;
    switch (format) {
      case 'junit':
        content = renderJunit(result, { linkBase, ...(options.hostname ? { hostname: options.hostname } : {}) });
        break;
      case 'markdown':
        markdown = renderMarkdown(result, { linkBase, ...(artifactsUrl ? { artifactsUrl } : {}) });
        content = markdown;
        break;
      case 'html':
        content = renderHtml(result, {
          linkBase,
          evidence: await readEvidenceArchives(result, options.resultDir ?? join(outDir, linkBase), { writtenExchangeCounts: options.writtenExchangeCounts }),
        });
        break;
    }
    const file = join(outDir, REPORT_FILE_NAMES[format]);
    await writeWhole(file, content);
    written.files.push(file);
  }
  if (markdown !== undefined) written.markdown = markdown;

  const stepSummary = options.githubStepSummary ?? env.GITHUB_STEP_SUMMARY ?? '';
  if (markdown !== undefined && stepSummary !== '') {
    await appendStepSummary(stepSummary, markdown);
    written.stepSummary = stepSummary;
  }
  return written;
}

/** Appends a summary to a step-summary file: steps' summaries are concatenated on the run page, so ours is a separate block. */
export async function appendStepSummary(file: string, markdown: string): Promise<void> {
  await appendFile(file, `${markdown}\n`, 'utf8');
}

/** Writes a file so that it is either the old one or the whole new one, never half written (an interrupted `report --out`). */
async function writeWhole(file: string, content: string): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
