import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, cellId, type Storage } from '../model/axes.ts';
import { RESULT_SCHEMA_VERSION, type RunResult, type ScenarioResult, type ScenarioStatus, type Verdict } from '../model/result-schema.ts';
import { aggregateCell } from '../verdict/classify.ts';
import { scenarioIdOf, type CheckReport } from './doctor-check.ts';
import type { CheckStatus } from './check-outcome.ts';
import type { DoctorRun } from './run-doctor.ts';

const STATUS: Record<CheckStatus, ScenarioStatus> = { pass: 'pass', warn: 'pass', fail: 'break', error: 'error', skip: 'skipped' };
/** A doctor has no expectations: every failing check is a finding. */
const VERDICT: Record<CheckStatus, Verdict> = { pass: 'pass', warn: 'pass', fail: 'unexpected-break', error: 'error', skip: 'skipped' };

function scenarioOf(report: CheckReport): ScenarioResult {
  const { check, outcome } = report;
  const status = STATUS[outcome.status];
  const exchanges = outcome.exchanges ?? [];
  const decisive = exchanges[0];
  return {
    id: scenarioIdOf(check),
    suite: `doctor-${check.section}`,
    kind: 'compatibility',
    title: check.title,
    seedSymptom: check.seedSymptom,
    status,
    verdict: VERDICT[outcome.status],
    durationMs: report.durationMs,
    ...(outcome.status === 'skip' ? { skipReason: outcome.summary } : { message: outcome.status === 'warn' ? `warning: ${outcome.summary}` : outcome.summary }),
    ...(outcome.remedy
      ? {
          diagnosis: {
            rule: outcome.rule ?? `doctor/${check.section}/${check.id}`,
            summary: outcome.summary,
            remedy: outcome.remedy,
            references: outcome.references ?? [],
          },
        }
      : {}),
    evidence: {
      ...(decisive ? { decisive: { kind: 'exchange' as const, exchangeId: decisive.id } } : {}),
      exchanges,
      logs: outcome.evidence.length > 0 ? [{ service: 'doctor', lines: outcome.evidence, truncated: false }] : [],
    },
  };
}

export interface DoctorResultMeta {
  runId: string;
  toolVersion: string;
  command: string;
  /** Where the doctor looked, redacted: shown as the backend reason in every report. */
  targetDescription: string;
  storage: Storage | undefined;
}

/**
 * The doctor's findings as a RunResult (backend "attach", one cell with the detected versions, one
 * scenario per check) so the runner's report writers render it. Undefined when the versions are
 * not both known: a cell needs them.
 */
export function doctorRunResult(run: DoctorRun, meta: DoctorResultMeta): RunResult | undefined {
  const chatwoot = CHATWOOT_VERSIONS.find((version) => version === run.versions.chatwoot);
  const evolution = EVOLUTION_VERSIONS.find((version) => version === run.versions.evolution);
  if (!chatwoot || !evolution) return undefined;
  const storage = meta.storage ?? 'local';
  const scenarios = run.reports.map(scenarioOf);
  const { status, verdict } = aggregateCell(scenarios.map((s) => ({ kind: 'compatibility' as const, status: s.status, verdict: s.verdict })));
  const key = { chatwoot, evolution, storage };
  const durationMs = run.finishedAt.getTime() - run.startedAt.getTime();
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'evochat-matrix', version: meta.toolVersion },
    runId: meta.runId,
    command: meta.command,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    durationMs,
    backend: 'attach',
    backendReason: `attach: ${meta.targetDescription}; storage ${meta.storage ? `detected: ${meta.storage}` : 'not detected (shown as local)'}`,
    standIns: false,
    exitCode: run.exitCode,
    summary: {
      cells: 1,
      pass: verdict === 'pass' ? 1 : 0,
      expectedBreak: verdict === 'expected-break' ? 1 : 0,
      unexpectedBreak: verdict === 'unexpected-break' ? 1 : 0,
      unexpectedPass: verdict === 'unexpected-pass' ? 1 : 0,
      error: verdict === 'error' ? 1 : 0,
      skipped: verdict === 'skipped' ? 1 : 0,
    },
    seedContradictions: [],
    phases: { checks: durationMs },
    cells: [
      {
        id: cellId(key),
        ...key,
        status,
        verdict,
        durationMs,
        images: { chatwoot: `${chatwoot} (GET /api)`, evolution: `${evolution} (GET /)` },
        artifacts: {},
        scenarios,
      },
    ],
  };
}
