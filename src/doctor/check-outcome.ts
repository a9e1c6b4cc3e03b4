import type { Exchange } from '../model/result-schema.ts';

/**
 * pass / warn / fail as the operator reads them; `skip` = not applicable or a prerequisite is
 * missing (with the reason); `error` = a service could not be reached, so no verdict (exit 3).
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

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
