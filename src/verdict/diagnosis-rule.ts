/**
 * Diagnosis rules are data: a signature in the evidence (recorded HTTP exchanges, service log lines)
 * → a named root cause → a remedy. Patterns are regular expression sources (matched with the `s` flag);
 * they match what upstream sends, so they work on twin and real services alike.
 */
export interface ExchangeSignature {
  /** e.g. "evolution->chatwoot", "chatwoot->evolution", "chatwoot->storage", "harness->chatwoot". */
  link?: string;
  method?: string;
  /** Against the URL's path (no query), e.g. "/conversations/filter$". */
  path?: string;
  status?: number | readonly number[];
  responseBody?: string;
  requestBody?: string;
  /** Against the transport error of an exchange that got no response. */
  error?: string;
  /** The exchange took at least this long (slow links). */
  minDurationMs?: number;
}

export interface LogSignature {
  /**
   * Service kind: `chatwoot` matches the services `chatwoot` and `chatwoot-3.8.0-minio`, `evolution`
   * matches `evolution-1.7.4`, … (backends name services `<kind>-<details>`); any when absent.
   */
  service?: string;
  line: string;
}

/** Everything in a clause must be found in the evidence (each signature by some exchange / log line). */
export interface MatchClause {
  exchanges?: readonly ExchangeSignature[];
  logs?: readonly LogSignature[];
  /** Against the scenario's own failure message (what it saw, e.g. a message's external_error). */
  message?: string;
}

export interface DiagnosisRule {
  id: string;
  /** A few words for lists of causes (e.g. can-i-upgrade's path: "breaks at 3.8.0 (contact_id)"); the id when absent. */
  short?: string;
  summary: string;
  remedy: string;
  references: readonly string[];
  /** A seed-guide claim (seed-claims.ts id) this finding bears on: named in the diagnosis when the run contradicts it. */
  seedClaim?: string;
  /**
   * What the rule explains: a break or error (the default), or an unexpected pass — a scenario the matrix file expects
   * to break that passed, e.g. because upstream changed back (the evidence is what made it work).
   */
  explains?: 'break' | 'unexpected-pass';
  /** Alternative signatures: the rule matches when any clause does. */
  match: readonly MatchClause[];
}
