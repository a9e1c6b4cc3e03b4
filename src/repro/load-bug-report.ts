import { extname } from 'node:path';
import { MAX_CONFIG_FILE_BYTES, readTextFile } from '../common/read-text-file.ts';
import { ConfigError, ErrorCodes, type ConfigIssue } from '../errors/index.ts';
import { checkJsonText } from '../matrix/json-syntax.ts';
import { checkYamlText } from '../matrix/yaml-syntax.ts';
import { toConfigIssues } from '../matrix/zod-config-issues.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import { BugReport } from './bug-report-schema.ts';

function bugReportError(message: string, issues: ConfigIssue[], file: string): ConfigError {
  return new ConfigError(message, issues, { code: ErrorCodes.bugReport, details: { file } });
}

/** Scenario and suite ids must exist in the catalog; every problem is reported with its dotted path. (Evidence patterns are checked by the schema.) */
export function checkBugReportIds(report: BugReport, catalog: SuiteCatalog): ConfigIssue[] {
  const suites = catalog.map((suite) => suite.id);
  const scenarios = catalog.flatMap((suite) => suite.scenarios.map((scenario) => scenario.id));
  const issues: ConfigIssue[] = [];
  report.scenarios?.forEach((id, index) => {
    const known = id.includes('/') ? scenarios.includes(id) : suites.includes(id);
    if (!known)
      issues.push({
        path: `scenarios[${index}]`,
        message: id.includes('/') ? 'unknown scenario' : 'unknown suite',
        value: id,
        allowed: id.includes('/') ? scenarios : suites,
      });
  });
  report.expect?.forEach((expectation, index) => {
    if (!scenarios.includes(expectation.id))
      issues.push({ path: `expect[${index}].id`, message: 'unknown scenario', value: expectation.id, allowed: scenarios });
  });
  return issues;
}

/** Validates parsed bug report data; `source` names it in errors (exit 2, code EVOCHAT_E_BUG_REPORT). */
export function parseBugReport(raw: unknown, source: string, catalog: SuiteCatalog): BugReport {
  const parsed = BugReport.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = toConfigIssues(parsed.error.issues, raw, BugReport);
    const unknownVersion = issues.find((issue) => /^versions\.(chatwoot|evolution)$/.test(issue.path) && issue.value !== undefined);
    const headline = unknownVersion
      ? `${source}: unknown ${unknownVersion.path.split('.')[1] === 'chatwoot' ? 'Chatwoot' : 'Evolution'} version ${JSON.stringify(unknownVersion.value)} (known: ${(unknownVersion.allowed ?? []).join(', ')})`
      : `${source} is not a valid bug report (${issues.length} problem${issues.length === 1 ? '' : 's'})`;
    throw bugReportError(headline, issues, source);
  }
  const idIssues = checkBugReportIds(parsed.data, catalog);
  if (idIssues.length > 0) throw bugReportError(`${source} names ${idIssues.length} unknown scenario${idIssues.length === 1 ? '' : 's'}`, idIssues, source);
  return parsed.data;
}

/** Reads a bug report: `.json` as JSON, anything else as YAML (YAML also reads JSON). */
export async function loadBugReport(file: string, catalog: SuiteCatalog): Promise<BugReport> {
  const read = await readTextFile(file, MAX_CONFIG_FILE_BYTES);
  if (!read.ok) throw bugReportError(`cannot read bug report ${file}: ${read.reason}`, [], file);
  let raw: unknown;
  if (extname(file).toLowerCase() === '.json') {
    const json = checkJsonText(read.text);
    if (!json.ok) throw bugReportError(`${file}: ${json.reason}`, [], file);
    raw = json.value;
  } else {
    const yaml = checkYamlText(read.text);
    if (!yaml.ok) throw bugReportError(`${file}: ${yaml.reason}`, [], file);
    raw = yaml.value;
  }
  return parseBugReport(raw, file, catalog);
}
