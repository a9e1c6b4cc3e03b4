import { ExitCodes, type ExitCode } from '../errors/index.ts';
import type { Exchange } from '../model/result-schema.ts';
import { DOCTOR_SECTIONS, type CheckReport, type DoctorCheck } from './doctor-check.ts';
import type { CheckOutcome } from './check-outcome.ts';
import { DOCTOR_CHECKS } from './doctor-checks.ts';
import type { DoctorContext } from './doctor-context.ts';

export interface DoctorRun {
  startedAt: Date;
  finishedAt: Date;
  /** In section order, then in check order. */
  reports: CheckReport[];
  exitCode: ExitCode;
  /** Set when the target is outside what this tool knows (exit 2). */
  unsupported: string | undefined;
  versions: { chatwoot: string | undefined; evolution: string | undefined };
  /** Every request the doctor sent, redacted. */
  exchanges: Exchange[];
}

/**
 * Exit code of a doctor run: 2 when the target is unsupported; 3 when a service could not be reached
 * (the doctor could not do its job, whatever else it found); 1 on any failing check; else 0 (warnings
 * and skips included).
 */
export function doctorExitCode(outcomes: readonly CheckOutcome[]): ExitCode {
  if (outcomes.some((outcome) => outcome.unsupported)) return ExitCodes.usage;
  if (outcomes.some((outcome) => outcome.status === 'error')) return ExitCodes.infrastructure;
  if (outcomes.some((outcome) => outcome.status === 'fail')) return ExitCodes.unexpected;
  return ExitCodes.ok;
}

async function runOne(check: DoctorCheck, ctx: DoctorContext): Promise<CheckOutcome> {
  if (check.needsWrites && !ctx.allowWrites) {
    return { status: 'skip', summary: 'writes a message: run with --allow-writes', evidence: [] };
  }
  try {
    return await check.run(ctx);
  } catch (error) {
    // A check that throws is a bug in the doctor; report it on its row instead of losing the others.
    return {
      status: 'error',
      summary: `the check itself failed: ${ctx.redactor.text(error instanceof Error ? error.message : String(error))}`,
      evidence: [],
    };
  }
}

/** Runs the checks one after another (they share memoised probes) and collects the answers. */
export async function runDoctor(ctx: DoctorContext, checks: readonly DoctorCheck[] = DOCTOR_CHECKS): Promise<DoctorRun> {
  const startedAt = new Date(ctx.now());
  const byCheck = new Map<DoctorCheck, CheckReport>();
  let unsupported: string | undefined;
  for (const check of checks) {
    const started = ctx.now();
    const outcome: CheckOutcome = unsupported
      ? { status: 'skip', summary: 'not run: the target is not supported (see versions)', evidence: [] }
      : await runOne(check, ctx);
    unsupported ??= outcome.unsupported;
    const redacted: CheckOutcome = {
      ...outcome,
      summary: ctx.redactor.text(outcome.summary),
      evidence: outcome.evidence.map((line) => ctx.redactor.text(line)),
      ...(outcome.remedy ? { remedy: ctx.redactor.text(outcome.remedy) } : {}),
    };
    byCheck.set(check, {
      check: { id: check.id, section: check.section, title: check.title, seedSymptom: check.seedSymptom },
      outcome: redacted,
      durationMs: ctx.now() - started,
    });
  }
  const ordered = DOCTOR_SECTIONS.flatMap((section) => checks.filter((check) => check.section === section).map((check) => byCheck.get(check)!));
  return {
    startedAt,
    finishedAt: new Date(ctx.now()),
    reports: ordered,
    exitCode: doctorExitCode(ordered.map((report) => report.outcome)),
    unsupported,
    versions: await ctx.facts.versionsSeen(),
    exchanges: ctx.client.exchanges(),
  };
}
