import type { CheckOutcome } from './check-outcome.ts';
import type { DoctorContext } from './doctor-context.ts';

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
