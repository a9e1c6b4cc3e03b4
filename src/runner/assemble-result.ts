import { ErrorCodes, ExitCodes, HarnessError } from '../errors/index.ts';
import type { BackendName } from '../model/axes.ts';
import type { NormalisedExpectation } from '../matrix/matrix-config.ts';
import type { PlannedCell, RunPlan } from '../matrix/plan-types.ts';
import type { CellEvidence } from '../model/cell-evidence.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import type { SuiteCatalog, SuiteKind } from '../model/suite-catalog-types.ts';
import { aggregateCell, classifyScenario, exitCodeFor } from '../verdict/classify.ts';
import { diagnose, scopedEvidence, type DecisivePointer } from '../verdict/diagnose.ts';
import type { DiagnosisRule } from '../verdict/diagnosis-rule.ts';
import { DIAGNOSIS_RULES } from '../verdict/diagnosis-rules.ts';
import { cellExpectation, expectedBreakFor } from '../verdict/expectations.ts';
import { findSeedContradictions, SEED_CLAIMS, type SeedClaim } from '../verdict/seed-claims.ts';
import { RESULT_SCHEMA_VERSION, RunResult, type CellResult, type ScenarioResult, type ShardInfo } from '../model/result-schema.ts';
import {
  DEFAULT_EVIDENCE_CAPS,
  logExcerpts,
  scenarioExchanges,
  selectScenarioExchanges,
  sentByAnother,
  type EvidenceCaps,
} from '../verdict/scenario-evidence.ts';

export interface BackendInfo {
  name: BackendName;
  /** Why this backend (shown in every report). */
  reason: string;
  images?: 'upstream' | 'twin';
  /** Services were twins (sim, or docker with twin images): not upstream results. */
  standIns: boolean;
  attached?: RunResult['attached'];
}

export interface AssembleInput {
  runId: string;
  toolVersion: string;
  command: string;
  startedAt: Date;
  finishedAt: Date;
  backend: BackendInfo;
  matrixFile?: string;
  plan: RunPlan;
  catalog: SuiteCatalog;
  expectations: readonly NormalisedExpectation[];
  outcomes: readonly ScenarioOutcome[];
  /** Per cell id; a missing entry means no evidence was collected. */
  evidence: ReadonlyMap<string, CellEvidence>;
  /** Per cell id: image → digest or twin profile. */
  images?: ReadonlyMap<string, Record<string, string>>;
  /** Per cell id: artifact name → path relative to result.json. */
  artifacts?: ReadonlyMap<string, Record<string, string>>;
  phases: Record<string, number>;
  servicesStarted: number;
  warnings?: readonly string[];
  /** `run --shard`: which part of which plan (the plan above is then the shard's own). */
  shard?: ShardInfo;
  /** merge: the shards the outcomes came from. */
  merged?: RunResult['merged'];
  rules?: readonly DiagnosisRule[];
  claims?: readonly SeedClaim[];
  caps?: EvidenceCaps;
}

interface CatalogScenario {
  id: string;
  suite: string;
  title: string;
  kind: SuiteKind;
  seedSymptom: string;
}

function catalogScenarios(catalog: SuiteCatalog, suites: readonly string[]): CatalogScenario[] {
  return catalog
    .filter((suite) => suites.includes(suite.id))
    .flatMap((suite) => suite.scenarios.map((s) => ({ id: s.id, suite: suite.id, title: s.title, kind: suite.kind, seedSymptom: suite.seedSymptom })));
}

/** A scenario the catalog lists but the runner reported nothing for: the harness failed to give a verdict. */
function missingOutcome(cell: PlannedCell, scenario: CatalogScenario): ScenarioOutcome {
  return {
    cellId: cell.id,
    id: scenario.id,
    suite: scenario.suite,
    title: scenario.title,
    seedSymptom: scenario.seedSymptom,
    status: 'error',
    durationMs: 0,
    errorCode: ErrorCodes.internal,
    message: 'no outcome was reported for this scenario by the suite runner',
  };
}

function assembleScenario(
  cell: PlannedCell,
  outcome: ScenarioOutcome,
  kind: SuiteKind,
  evidence: CellEvidence | undefined,
  input: AssembleInput,
  claimedByOthers: ClaimedEvidence,
): ScenarioResult {
  const caps = input.caps ?? DEFAULT_EVIDENCE_CAPS;
  const expectation = expectedBreakFor(input.expectations, cell, outcome.id);
  const verdict = classifyScenario(outcome.status, expectation !== undefined);
  const inScope = scenarioExchanges(evidence?.exchanges ?? [], outcome, decisiveExchangeId(outcome));
  const windowed = claimedByOthers.exchangeIds.size === 0 ? inScope : inScope.filter((exchange) => !claimedByOthers.exchangeIds.has(exchange.id));
  const claimedLines = claimedByOthers.logLines;
  const logs = (evidence?.logs ?? [])
    .map((excerpt) => (claimedLines.size === 0 ? excerpt : { ...excerpt, lines: excerpt.lines.filter((line) => !claimedLines.has(line)) }))
    .filter((excerpt) => excerpt.lines.length > 0);

  let diagnosis: ScenarioResult['diagnosis'];
  let decisive: DecisivePointer | undefined = outcome.decisive;
  const keepIds: string[] = [];
  const logLines: Array<{ service: string; line: string }> = [];
  if (outcome.decisive?.kind === 'exchange' && outcome.decisive.exchangeId) keepIds.push(outcome.decisive.exchangeId);
  if (outcome.decisive?.kind === 'log' && outcome.decisive.line) logLines.push({ service: outcome.decisive.service ?? 'log', line: outcome.decisive.line });

  // Breaks and errors get a root cause; an unexpected pass gets what changed upstream, where a rule knows it.
  const explains = outcome.status === 'break' || outcome.status === 'error' ? 'break' : verdict === 'unexpected-pass' ? 'unexpected-pass' : undefined;
  if (explains) {
    const rules = (input.rules ?? DIAGNOSIS_RULES).filter((rule) => (rule.explains ?? 'break') === explains);
    const finding = diagnose(
      {
        exchanges: windowed,
        logs,
        ...(outcome.message !== undefined ? { message: outcome.message } : {}),
        ...(outcome.evidenceScope ? { scope: outcome.evidenceScope } : {}),
      },
      outcome.decisive,
      rules,
    );
    if (finding) {
      diagnosis = { rule: finding.rule.id, summary: finding.rule.summary, remedy: finding.rule.remedy, references: [...finding.rule.references] };
      keepIds.push(...finding.exchangeIds);
      logLines.push(...finding.logLines);
      decisive ??= finding.decisive;
    }
  }

  return {
    id: outcome.id,
    suite: outcome.suite,
    kind,
    title: outcome.title,
    seedSymptom: outcome.seedSymptom,
    status: outcome.status,
    verdict,
    durationMs: outcome.durationMs,
    ...(outcome.message !== undefined ? { message: outcome.message } : {}),
    ...(outcome.errorCode !== undefined ? { errorCode: outcome.errorCode } : {}),
    ...(outcome.skipReason !== undefined ? { skipReason: outcome.skipReason } : {}),
    ...(diagnosis ? { diagnosis } : {}),
    evidence: {
      ...(decisive ? { decisive } : {}),
      exchanges: outcome.status === 'skipped' ? [] : selectScenarioExchanges(windowed, keepIds, outcome.status === 'pass' ? caps.passing : caps),
      logs: logExcerpts(logLines, caps),
    },
  };
}

/** Evidence that scoped scenarios of a cell tied to themselves (their markers, ids and pointers). */
interface ClaimedEvidence {
  exchangeIds: ReadonlySet<string>;
  logLines: ReadonlySet<string>;
}

function decisiveExchangeId(outcome: ScenarioOutcome): string | undefined {
  return outcome.decisive?.kind === 'exchange' ? outcome.decisive.exchangeId : undefined;
}

/** The evidence a scoped scenario tied to itself (scopedEvidence); undefined for an unscoped one. */
function claimOf(outcome: ScenarioOutcome, evidence: CellEvidence): ClaimedEvidence | undefined {
  if (!outcome.evidenceScope) return undefined;
  // What other scenarios' clients sent is theirs, whatever markers it mentions: never claimed away from them.
  const eligible = evidence.exchanges.filter((exchange) => exchange.id === decisiveExchangeId(outcome) || !sentByAnother(exchange, outcome));
  const claimed = scopedEvidence({ exchanges: eligible, logs: evidence.logs, scope: outcome.evidenceScope }, outcome.decisive);
  if (claimed.exchanges === eligible) return undefined; // an empty scope claims nothing
  return {
    exchangeIds: new Set(claimed.exchanges.map((exchange) => exchange.id)),
    logLines: new Set(claimed.logs.flatMap((excerpt) => excerpt.lines)),
  };
}

/**
 * What the other scoped scenarios of the cell claimed, minus what this one claims or pointed at itself: no
 * scenario is diagnosed, or shown, with a neighbour's fault (e.g. an agent reply that timed out under load next
 * to the injected `//` webhook of config-faults).
 */
function claimsOfOthers(outcome: ScenarioOutcome, claims: ReadonlyMap<ScenarioOutcome, ClaimedEvidence>): ClaimedEvidence {
  const exchangeIds = new Set<string>();
  const logLines = new Set<string>();
  for (const [other, claim] of claims) {
    if (other === outcome) continue;
    for (const id of claim.exchangeIds) exchangeIds.add(id);
    for (const line of claim.logLines) logLines.add(line);
  }
  const mine = claims.get(outcome);
  for (const id of mine?.exchangeIds ?? []) exchangeIds.delete(id);
  for (const line of mine?.logLines ?? []) logLines.delete(line);
  if (outcome.decisive?.exchangeId) exchangeIds.delete(outcome.decisive.exchangeId);
  if (outcome.decisive?.line) logLines.delete(outcome.decisive.line);
  return { exchangeIds, logLines };
}

function assembleCell(cell: PlannedCell, outcomes: readonly ScenarioOutcome[], input: AssembleInput): CellResult {
  const planned = catalogScenarios(input.catalog, cell.suites);
  const kindOf = (outcome: ScenarioOutcome): SuiteKind => input.catalog.find((suite) => suite.id === outcome.suite)?.kind ?? 'compatibility';
  const own = outcomes.filter((outcome) => outcome.cellId === cell.id);
  const ordered: ScenarioOutcome[] = planned.map((scenario) => own.find((outcome) => outcome.id === scenario.id) ?? missingOutcome(cell, scenario));
  // Outcomes the catalog does not list (a suite with an extra scenario) are kept, after the known ones.
  ordered.push(...own.filter((outcome) => !planned.some((scenario) => scenario.id === outcome.id)));

  const evidence = input.evidence.get(cell.id);
  const claims = new Map<ScenarioOutcome, ClaimedEvidence>();
  for (const outcome of evidence ? ordered : []) {
    const claim = claimOf(outcome, evidence!);
    if (claim) claims.set(outcome, claim);
  }
  const scenarios = ordered.map((outcome) => assembleScenario(cell, outcome, kindOf(outcome), evidence, input, claimsOfOthers(outcome, claims)));
  const { status, verdict } = aggregateCell(scenarios.map((s) => ({ kind: s.kind ?? 'compatibility', status: s.status, verdict: s.verdict })));
  const expectation = cellExpectation(input.expectations, cell);
  return {
    id: cell.id,
    chatwoot: cell.chatwoot,
    evolution: cell.evolution,
    storage: cell.storage,
    status,
    verdict,
    ...(expectation ? { expectation } : {}),
    durationMs: scenarios.reduce((sum, s) => sum + s.durationMs, 0),
    images: input.images?.get(cell.id) ?? {},
    artifacts: input.artifacts?.get(cell.id) ?? {},
    scenarios,
  };
}

/**
 * Plan + outcomes + evidence → the one RunResult every report renders from: verdicts against
 * matrix.json, a diagnosis for every break/error the rules explain, seed contradictions computed
 * from the cells. Validated with the zod schema before it is returned.
 */
export function assembleResult(input: AssembleInput): RunResult {
  const cells = input.plan.cells.map((cell) => assembleCell(cell, input.outcomes, input));

  const contradictions = findSeedContradictions(cells, input.claims ?? SEED_CLAIMS);
  // Name the contradiction where a diagnosis bears on a claim the run contradicts (e.g. the contact_id fix in 1.7.5).
  const rules = input.rules ?? DIAGNOSIS_RULES;
  for (const cell of cells) {
    for (const scenario of cell.scenarios) {
      if (!scenario.diagnosis) continue;
      const claimId = rules.find((rule) => rule.id === scenario.diagnosis!.rule)?.seedClaim;
      const contradiction = contradictions.find((c) => c.id === claimId);
      if (contradiction) scenario.diagnosis.contradictsSeed = `${contradiction.claim}; this run: ${contradiction.observed}`;
    }
  }

  const verdicts = cells.flatMap((cell) => cell.scenarios.map((s) => s.verdict));
  const count = (verdict: CellResult['verdict']) => cells.filter((cell) => cell.verdict === verdict).length;
  const candidate: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'evochat-matrix', version: input.toolVersion },
    runId: input.runId,
    command: input.command,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    backend: input.backend.name,
    backendReason: input.backend.reason,
    ...(input.backend.images ? { images: input.backend.images } : {}),
    standIns: input.backend.standIns,
    ...(input.backend.attached ? { attached: input.backend.attached } : {}),
    ...(input.matrixFile ? { matrixFile: input.matrixFile } : {}),
    exitCode: exitCodeFor(verdicts),
    summary: {
      cells: cells.length,
      pass: count('pass'),
      expectedBreak: count('expected-break'),
      unexpectedBreak: count('unexpected-break'),
      unexpectedPass: count('unexpected-pass'),
      error: count('error'),
      skipped: count('skipped'),
    },
    seedContradictions: contradictions,
    phases: input.phases,
    services: { planned: input.plan.services.length, naive: input.plan.naiveServiceCount, started: input.servicesStarted },
    ...(input.warnings && input.warnings.length > 0 ? { warnings: [...input.warnings] } : {}),
    ...(input.shard ? { shard: input.shard } : {}),
    ...(input.merged ? { merged: input.merged } : {}),
    cells,
  };
  return validateResult(candidate);
}

/** Parses with the zod schema; a mismatch is a harness bug, reported with the first problems. */
export function validateResult(candidate: unknown): RunResult {
  const parsed = RunResult.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new HarnessError(ErrorCodes.resultSchema, ExitCodes.infrastructure, `the run result does not match its schema: ${problems.join('; ')}`, {
    details: { problems },
  });
}
