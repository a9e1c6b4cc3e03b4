import type { CellResult, Exchange, RunResult, ScenarioResult } from '../model/result-schema.ts';
import { matchRule } from '../verdict/diagnose.ts';
import { DIAGNOSIS_RULES } from '../verdict/diagnosis-rules.ts';
import type { ScenarioExpectation } from './bug-report-schema.ts';
import { compileEvidencePattern } from './evidence-pattern.ts';
import type { ReproSetup } from './derive-repro-setup.ts';

export interface Observation {
  expectation: ScenarioExpectation;
  met: boolean;
  /** What was seen, in words. */
  actual: string;
  scenario: ScenarioResult | undefined;
  /** The recorded exchange the `evidence` pattern matched, if any: it shows the symptom. */
  exchange?: Exchange;
}

/** reproduced: the symptom showed; not-reproduced: the products behaved otherwise; no-verdict: infrastructure kept it from running. */
export type ReproOutcome = 'reproduced' | 'not-reproduced' | 'no-verdict';

export interface ReproVerdict {
  outcome: ReproOutcome;
  summary: string;
  observations: Observation[];
  /** Selected scenarios that broke or errored, the ones whose evidence goes into the bundle. */
  failing: ScenarioResult[];
  cell: CellResult | undefined;
}

function evidenceMatches(scenario: ScenarioResult, pattern: string): { where: string; exchange?: Exchange } | undefined {
  // Linear-time RE2 matching: a report's pattern cannot hang the process (evidence-pattern.ts).
  const regex = compileEvidencePattern(pattern);
  for (const exchange of scenario.evidence.exchanges) {
    if (exchange.response && regex.test(exchange.response.body))
      return { where: `${exchange.request.method} ${exchange.request.url} → ${exchange.response.status}`, exchange };
    if (exchange.error && regex.test(exchange.error)) return { where: `${exchange.request.method} ${exchange.request.url} → ${exchange.error}`, exchange };
  }
  for (const excerpt of scenario.evidence.logs) {
    const line = excerpt.lines.find((candidate) => regex.test(candidate));
    if (line) return { where: `${excerpt.service} log: ${line}` };
  }
  if (scenario.message && regex.test(scenario.message)) return { where: 'the scenario message' };
  return undefined;
}

/** A diagnosis the runner gave (broken scenarios), or the rule matched on the evidence (a passing scenario can show a symptom too). */
function diagnosisMatches(scenario: ScenarioResult, ruleId: string): boolean {
  if (scenario.diagnosis?.rule === ruleId) return true;
  const rule = DIAGNOSIS_RULES.find((candidate) => candidate.id === ruleId);
  return rule !== undefined && matchRule(rule, { exchanges: scenario.evidence.exchanges, logs: scenario.evidence.logs }) !== undefined;
}

export function observe(expectation: ScenarioExpectation, cell: CellResult | undefined): Observation {
  const scenario = cell?.scenarios.find((candidate) => candidate.id === expectation.id);
  if (!scenario) return { expectation, met: false, actual: 'not run', scenario };
  const problems: string[] = [];
  const seen: string[] = [`${scenario.status}`];
  let exchange: Exchange | undefined;
  if (scenario.status !== expectation.status)
    problems.push(`status ${scenario.status}${scenario.message ? ` (${scenario.message})` : scenario.skipReason ? ` (${scenario.skipReason})` : ''}`);
  if (expectation.diagnosis) {
    if (diagnosisMatches(scenario, expectation.diagnosis)) seen.push(`diagnosis ${expectation.diagnosis}`);
    else problems.push(`no evidence for diagnosis ${expectation.diagnosis}${scenario.diagnosis ? ` (diagnosed: ${scenario.diagnosis.rule})` : ''}`);
  }
  if (expectation.evidence) {
    const match = evidenceMatches(scenario, expectation.evidence);
    if (match) {
      seen.push(`evidence in ${match.where}`);
      exchange = match.exchange;
    } else problems.push(`nothing in the evidence matches /${expectation.evidence}/`);
  }
  return {
    expectation,
    met: problems.length === 0,
    actual: problems.length === 0 ? seen.join('; ') : problems.join('; '),
    scenario,
    ...(exchange ? { exchange } : {}),
  };
}

/**
 * Whether the run showed the reported symptom: every expectation of the report holds, or, when the
 * report has none, at least one selected scenario broke. Infrastructure errors give no verdict.
 */
export function judgeReproduction(result: RunResult, setup: ReproSetup): ReproVerdict {
  const cell = result.cells.find((candidate) => candidate.id === setup.cell.id);
  const selected = (cell?.scenarios ?? []).filter((scenario) => setup.scenarios.includes(scenario.id));
  const failing = selected.filter((scenario) => scenario.status === 'break' || scenario.status === 'error');
  const errored = selected.filter((scenario) => scenario.status === 'error');

  if (setup.expectations.length > 0) {
    const observations = setup.expectations.map((expectation) => observe(expectation, cell));
    const unmet = observations.filter((observation) => !observation.met);
    if (unmet.length === 0) {
      return {
        outcome: 'reproduced',
        summary: `reproduced: ${observations.map((o) => `${o.expectation.id} ${o.expectation.status}`).join(', ')}`,
        observations,
        failing,
        cell,
      };
    }
    const noVerdict = unmet.some((observation) => observation.scenario?.status === 'error' || observation.scenario === undefined);
    return {
      outcome: noVerdict && errored.length > 0 ? 'no-verdict' : 'not-reproduced',
      summary: `${noVerdict && errored.length > 0 ? 'no verdict' : 'not reproduced'}: ${unmet.map((o) => `${o.expectation.id}: ${o.actual}`).join('; ')}`,
      observations,
      failing,
      cell,
    };
  }
  const broken = selected.filter((scenario) => scenario.status === 'break');
  if (broken.length > 0) {
    return { outcome: 'reproduced', summary: `reproduced: ${broken.map((s) => s.id).join(', ')} broke`, observations: [], failing, cell };
  }
  if (errored.length > 0) {
    return { outcome: 'no-verdict', summary: `no verdict: infrastructure error in ${errored.map((s) => s.id).join(', ')}`, observations: [], failing, cell };
  }
  return {
    outcome: 'not-reproduced',
    summary: `not reproduced: all ${selected.length} selected scenarios passed or were skipped`,
    observations: [],
    failing,
    cell,
  };
}
