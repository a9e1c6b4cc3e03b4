import type { Exchange } from '../result/result-schema.ts';
import type { DoctorContext } from './doctor-context.ts';

/**
 * pass / warn / fail as the operator reads them; `skip` = not applicable or a prerequisite is
 * missing (with the reason); `error` = a service could not be reached, so no verdict (exit 3).
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

export const DOCTOR_SECTIONS = ['versions', 'auth', 'instance', 'filter', 'storage', 'writes'] as const;
export type DoctorSection = (typeof DOCTOR_SECTIONS)[number];

export const SECTION_TITLES: Record<DoctorSection, string> = {
  versions: 'Versions',
  auth: 'Authentication',
  instance: 'Instance settings',
  filter: 'Conversation filter contract',
  storage: 'Attachment storage',
  writes: 'Round trip (writes)',
};

export interface CheckOutcome {
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** What was observed, one fact a line (redacted before printing). */
  evidence: string[];
  /** A concrete next step; present on warn/fail/error. */
  remedy?: string;
  /** Upstream references, e.g. "chatwoot#1057". */
  references?: string[];
  /** Diagnosis rule whose remedy was reused, if any. */
  rule?: string;
  /** The exchanges this outcome rests on (the first is the decisive one). */
  exchanges?: Exchange[];
  /**
   * The target is outside what this tool knows (e.g. Evolution 2.x): later checks are skipped and
   * the command exits 2 with this message.
   */
  unsupported?: string;
}

export interface DoctorCheck {
  /** Stable id, unique within its section; the scenario id in the RunResult is `doctor-<section>/<id>`. */
  id: string;
  section: DoctorSection;
  title: string;
  /** The seed guide symptom this check relates to. */
  seedSymptom: string;
  /** Runs only with --allow-writes. */
  needsWrites?: boolean;
  run(ctx: DoctorContext): Promise<CheckOutcome>;
}

export interface CheckReport {
  check: Pick<DoctorCheck, 'id' | 'section' | 'title' | 'seedSymptom'>;
  outcome: CheckOutcome;
  durationMs: number;
}

export function scenarioIdOf(check: Pick<DoctorCheck, 'id' | 'section'>): string {
  return `doctor-${check.section}/${check.id}`;
}

export function skip(summary: string, evidence: string[] = []): CheckOutcome {
  return { status: 'skip', summary, evidence };
}
