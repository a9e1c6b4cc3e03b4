import type { Exchange, LogExcerpt } from '../model/result-schema.ts';
import type { DiagnosisRule, ExchangeSignature, LogSignature, MatchClause } from './diagnosis-rule.ts';
import { DIAGNOSIS_RULES } from './diagnosis-rules.ts';

export interface DiagnosisEvidence {
  exchanges: readonly Exchange[];
  logs: readonly LogExcerpt[];
  /** The scenario's failure message. */
  message?: string;
  /**
   * What ties evidence to the scenario (ScenarioOutcome.evidenceScope). With a scope, only exchanges
   * and log lines that mention one of its markers, or whose id it lists, or that the scenario pointed
   * at, are considered: scenarios of one cell that ran at the same time share the evidence window.
   */
  scope?: { markers: readonly string[]; exchangeIds: readonly string[] };
}

/** What the scenario pointed at as decisive (ScenarioOutcome.decisive). */
export interface DecisivePointer {
  kind: 'exchange' | 'log';
  exchangeId?: string;
  service?: string;
  line?: string;
}

export interface DiagnosisFinding {
  rule: DiagnosisRule;
  /** Number of conditions the matching clause checked: more is more specific. */
  specificity: number;
  /** Whether the match involved what the scenario itself pointed at. */
  onDecisive: boolean;
  /** Ids of the exchanges that matched, one per exchange signature. */
  exchangeIds: string[];
  logLines: Array<{ service: string; line: string }>;
  /** The evidence item that decides the diagnosis: the first exchange matched, else the first log line (none for a message-only match). */
  decisive: DecisivePointer | undefined;
}

const regexCache = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let compiled = regexCache.get(source);
  if (!compiled) {
    compiled = new RegExp(source, 's');
    regexCache.set(source, compiled);
  }
  return compiled;
}

function pathOf(url: string): string {
  // Keep a leading "//" (webhook-double-slash): WHATWG URL keeps it in pathname for http(s) URLs.
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

export function exchangeMatches(signature: ExchangeSignature, exchange: Exchange): boolean {
  if (signature.link !== undefined && signature.link !== exchange.link) return false;
  if (signature.method !== undefined && signature.method.toUpperCase() !== exchange.request.method.toUpperCase()) return false;
  if (signature.path !== undefined && !regex(signature.path).test(pathOf(exchange.request.url))) return false;
  if (signature.status !== undefined) {
    const statuses = typeof signature.status === 'number' ? [signature.status] : signature.status;
    if (!exchange.response || !statuses.includes(exchange.response.status)) return false;
  }
  if (signature.responseBody !== undefined && !(exchange.response && regex(signature.responseBody).test(exchange.response.body))) return false;
  if (signature.requestBody !== undefined && !regex(signature.requestBody).test(exchange.request.body)) return false;
  if (signature.error !== undefined && !(exchange.error !== undefined && regex(signature.error).test(exchange.error))) return false;
  if (signature.minDurationMs !== undefined && exchange.durationMs < signature.minDurationMs) return false;
  return true;
}

export function logLineMatches(signature: LogSignature, service: string, line: string): boolean {
  const serviceMatches = signature.service === undefined || service === signature.service || service.startsWith(`${signature.service}-`);
  return serviceMatches && regex(signature.line).test(line);
}

function signatureSize(signature: ExchangeSignature): number {
  return Object.values(signature).filter((value) => value !== undefined).length;
}

function clauseSpecificity(clause: MatchClause): number {
  const exchanges = (clause.exchanges ?? []).reduce((sum, signature) => sum + signatureSize(signature), 0);
  return exchanges + (clause.logs ?? []).length + (clause.message !== undefined ? 1 : 0);
}

function matchClause(clause: MatchClause, evidence: DiagnosisEvidence, pointer: DecisivePointer | undefined): Omit<DiagnosisFinding, 'rule'> | undefined {
  const exchangeIds: string[] = [];
  let onDecisive = false;
  if (clause.message !== undefined) {
    if (evidence.message === undefined || !regex(clause.message).test(evidence.message)) return undefined;
    // The scenario's own words are as good as the item it pointed at.
    onDecisive = true;
  }
  for (const signature of clause.exchanges ?? []) {
    const candidates = evidence.exchanges.filter((exchange) => exchangeMatches(signature, exchange));
    if (candidates.length === 0) return undefined;
    const pointed = pointer?.kind === 'exchange' ? candidates.find((exchange) => exchange.id === pointer.exchangeId) : undefined;
    if (pointed) onDecisive = true;
    exchangeIds.push((pointed ?? candidates[0]!).id);
  }
  const logLines: Array<{ service: string; line: string }> = [];
  for (const signature of clause.logs ?? []) {
    let found: { service: string; line: string } | undefined;
    for (const excerpt of evidence.logs) {
      const line = excerpt.lines.find((candidate) => logLineMatches(signature, excerpt.service, candidate));
      if (line !== undefined) {
        const isPointed = pointer?.kind === 'log' && pointer.line === line;
        if (isPointed) onDecisive = true;
        if (!found || isPointed) found = { service: excerpt.service, line };
        if (isPointed) break;
      }
    }
    if (!found) return undefined;
    logLines.push(found);
  }
  if (exchangeIds.length === 0 && logLines.length === 0 && clause.message === undefined) return undefined;
  const decisive: DecisivePointer | undefined =
    exchangeIds.length > 0
      ? { kind: 'exchange', exchangeId: exchangeIds[0]! }
      : logLines.length > 0
        ? { kind: 'log', service: logLines[0]!.service, line: logLines[0]!.line }
        : pointer;
  return { specificity: clauseSpecificity(clause), onDecisive, exchangeIds, logLines, decisive };
}

/** The best clause of one rule that matches the evidence, if any. */
export function matchRule(rule: DiagnosisRule, evidence: DiagnosisEvidence, pointer?: DecisivePointer): DiagnosisFinding | undefined {
  let best: DiagnosisFinding | undefined;
  for (const clause of rule.match) {
    const found = matchClause(clause, evidence, pointer);
    if (found && (!best || rank(found) > rank(best))) best = { rule, ...found };
  }
  return best;
}

/** Higher is better: on the scenario's decisive item, then backed by an exchange, then specificity. */
function rank(finding: Omit<DiagnosisFinding, 'rule'>): number {
  return (finding.onDecisive ? 10_000 : 0) + (finding.exchangeIds.length > 0 ? 1_000 : 0) + finding.specificity;
}

function mentionsAny(text: string | undefined, markers: readonly string[]): boolean {
  return text !== undefined && markers.some((marker) => text.includes(marker));
}

/** The evidence tied to the scenario by its scope (and its pointer); all of it without a scope. */
export function scopedEvidence(evidence: DiagnosisEvidence, pointer?: DecisivePointer): DiagnosisEvidence {
  const scope = evidence.scope;
  if (!scope || (scope.markers.length === 0 && scope.exchangeIds.length === 0)) return evidence;
  const exchanges = evidence.exchanges.filter(
    (exchange) =>
      scope.exchangeIds.includes(exchange.id) ||
      (pointer?.kind === 'exchange' && pointer.exchangeId === exchange.id) ||
      mentionsAny(exchange.request.url, scope.markers) ||
      mentionsAny(exchange.request.body, scope.markers) ||
      mentionsAny(exchange.response?.body, scope.markers) ||
      mentionsAny(exchange.error, scope.markers),
  );
  const logs = evidence.logs
    .map((excerpt) => ({
      ...excerpt,
      lines: excerpt.lines.filter((line) => (pointer?.kind === 'log' && pointer.line === line) || mentionsAny(line, scope.markers)),
    }))
    .filter((excerpt) => excerpt.lines.length > 0);
  return { ...evidence, exchanges, logs };
}

/**
 * Picks the rule that best explains a broken or errored scenario: a match on the exchange or log
 * line the scenario pointed at (or on its own message) wins; then matches backed by an HTTP exchange
 * over log-only ones; then the more specific; then the earlier rule.
 *
 * When the scenario pointed at something, only findings that involve it (or its message) count: a
 * cell's evidence window also holds what scenarios running at the same time did, and a diagnosis
 * borrowed from a neighbour is worse than none. For the same reason, a scope (evidence.scope) narrows
 * the evidence to what mentions the scenario's own markers before any rule is tried.
 */
export function diagnose(
  evidence: DiagnosisEvidence,
  pointer?: DecisivePointer,
  rules: readonly DiagnosisRule[] = DIAGNOSIS_RULES,
): DiagnosisFinding | undefined {
  const own = scopedEvidence(evidence, pointer);
  let best: DiagnosisFinding | undefined;
  for (const rule of rules) {
    const found = matchRule(rule, own, pointer);
    if (!found || (pointer !== undefined && !found.onDecisive)) continue;
    if (!best || rank(found) > rank(best)) best = found;
  }
  return best;
}
