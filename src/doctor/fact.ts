import type { Exchange } from '../model/result-schema.ts';
import type { CheckOutcome, CheckStatus } from './check-outcome.ts';

/**
 * Something the doctor learned from the deployment, shared by the checks that need it (probed once).
 * A failed fact names its owner check, which reports the problem; other checks then skip.
 */
export type Fact<T> =
  | { ok: true; value: T; exchanges: Exchange[] }
  | {
      ok: false;
      status: Exclude<CheckStatus, 'pass' | 'skip'> | 'skip';
      summary: string;
      evidence: string[];
      remedy?: string;
      references?: string[];
      rule?: string;
      exchanges: Exchange[];
      /** The check that reports this failure, e.g. "versions/chatwoot". */
      owner: string;
    };

export type FailedFact = Extract<Fact<unknown>, { ok: false }>;

/** The outcome a check gives when it owns a failed fact. */
export function outcomeOfFailure(fact: FailedFact): CheckOutcome {
  return {
    status: fact.status,
    summary: fact.summary,
    evidence: fact.evidence,
    ...(fact.remedy ? { remedy: fact.remedy } : {}),
    ...(fact.references ? { references: fact.references } : {}),
    ...(fact.rule ? { rule: fact.rule } : {}),
    exchanges: fact.exchanges,
  };
}

/** The outcome of a check that cannot run because another check's fact failed. */
export function skippedBecause(fact: FailedFact): CheckOutcome {
  return { status: 'skip', summary: `needs ${fact.owner}: ${fact.summary}`, evidence: [] };
}
