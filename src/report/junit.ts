/**
 * JUnit XML in the Ant/Jenkins shape (Windy Road JUnit.xsd; peers-and-conventions.md §1.6): one
 * `<testsuite>` per cell with versions, backend and image digests as `<properties>`, one `<testcase>`
 * per scenario. `failure` = the product broke (or, for an unexpected pass, the expectation did);
 * `error` = infrastructure; `skipped` carries its reason. A fault scenario (a misconfiguration injected on
 * purpose) that broke as designed is a passed testcase, explained in the suite's system-out.
 *
 * Expected breaks are `failure`s too: the cell does not work, and a CI report should say so. Whether the
 * run fails is the exit code's business (it fails only on unexpected results), so a report action
 * reading this file should not fail the job by itself (mikepenz/action-junit-report: fail_on_failure
 * false, its default).
 */
import { hostname as osHostname } from 'node:os';
import { XMLBuilder } from 'fast-xml-parser';
import type { CellResult, RunResult, ScenarioResult } from '../model/result-schema.ts';
import { capLines, capText, cleanRecordedText } from './report-text.ts';
import { VERDICT_STYLES, cellTitle, decisiveExchange, decisiveLogLine, exchangeText } from './report-view.ts';

export interface JunitOptions {
  /** testsuite/@hostname; defaults to this machine's name. */
  hostname?: string;
  /** Prefix for artifact paths (relative from where junit.xml lies to where result.json lies). */
  linkBase?: string;
}

/** Caps on what one testcase shows; the full evidence is in result.json and the artifacts. */
export const JUNIT_CAPS = {
  messageBytes: 1024,
  bodyBytes: 4096,
  logLines: 40,
  logBytes: 4096,
  detailBytes: 16 * 1024,
  systemOutBytes: 8 * 1024,
} as const;

type XmlNode = Record<string, unknown>;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Otherwise the builder writes value="true" as a bare `value` (HTML style), which is not XML.
  suppressBooleanAttributes: false,
  processEntities: true,
});

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** testsuite/@timestamp: the XSD's pattern has no fraction and no zone, so UTC `YYYY-MM-DDTHH:MM:SS`. */
function junitTimestamp(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '1970-01-01T00:00:00' : new Date(time).toISOString().slice(0, 19);
}

/** Attribute values are normalised to one line by XML parsers; do it ourselves so the cap is honest. */
function attributeText(text: string, maxBytes: number = JUNIT_CAPS.messageBytes): string {
  return capText(cleanRecordedText(text).replace(/\s+/g, ' ').trim(), maxBytes).replace(/\n/g, ' ');
}

function artifactLines(cell: CellResult, linkBase: string): string[] {
  return Object.entries(cell.artifacts).map(([name, path]) => `  ${name}: ${linkBase}${path}`);
}

function expectationLine(scenario: ScenarioResult, cell: CellResult): string {
  switch (scenario.verdict) {
    case 'expected-break':
      return `Verdict: expected break (matrix.json: ${cell.expectation?.reason ?? 'listed as a known break'})`;
    case 'unexpected-break':
      return 'Verdict: unexpected break (matrix.json expects this scenario to pass)';
    case 'unexpected-pass':
      return `Verdict: unexpected pass (matrix.json expects a break: ${cell.expectation?.reason ?? 'listed as a known break'})`;
    case 'error':
    case 'pass':
    case 'skipped':
    default:
      return `Verdict: ${VERDICT_STYLES[scenario.verdict].label}`;
  }
}

/** The text of a `<failure>` or `<error>`: why, what to do, and the evidence that decided it. */
function detailText(scenario: ScenarioResult, cell: CellResult, linkBase: string): string {
  const lines: string[] = [expectationLine(scenario, cell)];
  if (scenario.message) lines.push(`Message: ${cleanRecordedText(scenario.message)}`);
  if (scenario.errorCode) lines.push(`Code: ${scenario.errorCode}`);
  const diagnosis = scenario.diagnosis;
  if (diagnosis) {
    lines.push(`Diagnosis (${diagnosis.rule}): ${diagnosis.summary}`, `Remedy: ${diagnosis.remedy}`);
    if (diagnosis.references.length > 0) lines.push(`References: ${diagnosis.references.join(', ')}`);
    if (diagnosis.contradictsSeed) lines.push(`Contradicts the troubleshooting guide, which said: ${diagnosis.contradictsSeed}`);
  }
  const exchange = decisiveExchange(scenario);
  if (exchange) lines.push('', 'Decisive exchange:', exchangeText(exchange, { bodyBytes: JUNIT_CAPS.bodyBytes }));
  const logLine = decisiveLogLine(scenario);
  if (logLine) lines.push('', `Decisive log line (${logLine.service}): ${cleanRecordedText(logLine.line)}`);
  for (const excerpt of scenario.evidence.logs) {
    const capped = capLines(excerpt.lines.map(cleanRecordedText), JUNIT_CAPS.logLines, JUNIT_CAPS.logBytes);
    lines.push('', `Log excerpt: ${excerpt.service}`, ...capped.lines);
    if (capped.omittedLines > 0) lines.push(`… truncated (${capped.omittedLines} lines, ${capped.omittedBytes} bytes more)`);
    if (excerpt.truncated) lines.push('… excerpt truncated by the recorder (full log in the artifacts)');
  }
  const artifacts = artifactLines(cell, linkBase);
  if (artifacts.length > 0) lines.push('', 'Artifacts:', ...artifacts);
  // Diagnosis text and references come from rules and matrix.json: cleaned like recorded text all the same.
  return capText(cleanRecordedText(lines.join('\n')), JUNIT_CAPS.detailBytes);
}

type Outcome = 'failure' | 'error' | 'skipped' | 'pass';

/** A fault scenario injects a misconfiguration on purpose: breaking as designed is its pass. */
function isFaultShownAsDesigned(scenario: ScenarioResult): boolean {
  return scenario.kind === 'fault' && scenario.verdict === 'expected-break';
}

function outcomeOf(scenario: ScenarioResult): Outcome {
  if (scenario.status === 'error' || scenario.verdict === 'error') return 'error';
  if (isFaultShownAsDesigned(scenario)) return 'pass';
  if (scenario.status === 'break' || scenario.verdict === 'unexpected-pass') return 'failure';
  if (scenario.status === 'skipped') return 'skipped';
  return 'pass';
}

function testcaseNode(scenario: ScenarioResult, cell: CellResult, linkBase: string): XmlNode {
  const node: XmlNode = {
    '@_name': attributeText(scenario.id),
    '@_classname': attributeText(cell.id),
    '@_time': seconds(scenario.durationMs),
  };
  switch (outcomeOf(scenario)) {
    case 'failure': {
      const unexpectedPass = scenario.verdict === 'unexpected-pass';
      const reason = unexpectedPass
        ? 'passed, but matrix.json expects this scenario to break: update matrix.json if the fix is real'
        : (scenario.diagnosis?.summary ?? scenario.message ?? 'the scenario broke');
      const prefix = scenario.verdict === 'expected-break' ? 'expected break: ' : scenario.verdict === 'unexpected-break' ? 'unexpected break: ' : '';
      node.failure = {
        '@_message': attributeText(`${prefix}${reason}`),
        '@_type': unexpectedPass ? 'unexpected-pass' : (scenario.errorCode ?? scenario.diagnosis?.rule ?? 'break'),
        '#text': detailText(scenario, cell, linkBase),
      };
      break;
    }
    case 'error':
      node.error = {
        '@_message': attributeText(scenario.message ?? 'infrastructure error before a verdict'),
        '@_type': scenario.errorCode ?? scenario.diagnosis?.rule ?? 'EVOCHAT_E_INTERNAL',
        '#text': detailText(scenario, cell, linkBase),
      };
      break;
    case 'skipped':
      node.skipped = { '@_message': attributeText(scenario.skipReason ?? 'skipped (no reason recorded)') };
      break;
    case 'pass':
      break;
  }
  return node;
}

function properties(result: RunResult, cell: CellResult): { '@_name': string; '@_value': string }[] {
  const entries: [string, string][] = [
    ['chatwoot', cell.chatwoot],
    ['evolution', cell.evolution],
    ['storage', cell.storage],
    ['backend', result.backend],
    ['images', result.images ?? (result.backend === 'sim' ? 'in-process twins' : 'not applicable')],
    ['standIns', String(result.standIns)],
    ...(result.attached ? ([['attached', result.attached.chatwoot.label]] as [string, string][]) : []),
    ...(result.attached?.evolution ? ([['attached-evolution', result.attached.evolution.label]] as [string, string][]) : []),
    ['backendReason', result.backendReason],
    ['verdict', cell.verdict],
  ];
  if (cell.change) entries.push(['change', cell.change]);
  if (cell.previousVerdict) entries.push(['previousVerdict', cell.previousVerdict]);
  if (cell.expectation) entries.push(['expectation', cell.expectation.reason]);
  for (const [image, digest] of Object.entries(cell.images)) entries.push([`image:${image}`, digest]);
  entries.push(['runId', result.runId]);
  return entries.map(([name, value]) => ({ '@_name': name, '@_value': attributeText(value, 2048) }));
}

function systemOut(result: RunResult, cell: CellResult, linkBase: string): string {
  const lines = [`${cellTitle(cell)}: ${VERDICT_STYLES[cell.verdict].label}`];
  if (cell.change) lines.push(`Change since the previous run: ${cell.change} (was ${cell.previousVerdict ?? 'unknown'})`);
  if (result.attached) lines.push(`${result.attached.chatwoot.label}; ${result.attached.evolution?.label ?? 'Evolution: twins (stand-ins)'}.`);
  else if (result.standIns) lines.push(`Stand-ins: backend ${result.backend}${result.images ? ` (${result.images} images)` : ''}, not the upstream images.`);
  const faults = cell.scenarios.filter(isFaultShownAsDesigned);
  if (faults.length > 0) {
    lines.push('Injected faults that broke as designed (reported as passed testcases):');
    for (const fault of faults) lines.push(`  ${fault.id}: ${cleanRecordedText(fault.diagnosis?.summary ?? fault.message ?? 'broke as expected')}`);
  }
  const artifacts = artifactLines(cell, linkBase);
  if (artifacts.length > 0) lines.push('Artifacts:', ...artifacts);
  return capText(cleanRecordedText(lines.join('\n')), JUNIT_CAPS.systemOutBytes);
}

/** The whole run as one JUnit XML document. */
export function renderJunit(result: RunResult, options: JunitOptions = {}): string {
  const linkBase = options.linkBase ?? '';
  const host = options.hostname ?? (osHostname() || 'localhost');
  const timestamp = junitTimestamp(result.startedAt);
  const suites = result.cells.map((cell, index): XmlNode => {
    const outcomes = cell.scenarios.map(outcomeOf);
    return {
      '@_name': cellTitle(cell),
      '@_package': 'evochat-matrix',
      '@_id': String(index),
      '@_timestamp': timestamp,
      '@_hostname': host,
      '@_tests': String(cell.scenarios.length),
      '@_failures': String(outcomes.filter((outcome) => outcome === 'failure').length),
      '@_errors': String(outcomes.filter((outcome) => outcome === 'error').length),
      '@_skipped': String(outcomes.filter((outcome) => outcome === 'skipped').length),
      '@_time': seconds(cell.durationMs),
      properties: { property: properties(result, cell) },
      testcase: cell.scenarios.map((scenario) => testcaseNode(scenario, cell, linkBase)),
      'system-out': systemOut(result, cell, linkBase),
      'system-err': '',
    };
  });
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: { testsuite: suites },
  };
  return `${builder.build(document)}`;
}
