import type { Exchange } from '../model/result-schema.ts';
import type { DiagnosisRule } from '../verdict/diagnosis-rule.ts';
import { diagnose } from '../verdict/diagnose.ts';
import { DIAGNOSIS_RULES } from '../verdict/diagnosis-rules.ts';

export interface ReusedRemedy {
  rule: string;
  summary: string;
  remedy: string;
  references: string[];
}

function fromRule(rule: DiagnosisRule): ReusedRemedy {
  return { rule: rule.id, summary: rule.summary, remedy: rule.remedy, references: [...rule.references] };
}

/**
 * The matrix's diagnosis rules applied to what a doctor probe saw, so the doctor and the matrix
 * name a root cause and its remedy in the same words.
 */
export function diagnoseProbe(exchange: Exchange, others: readonly Exchange[] = []): ReusedRemedy | undefined {
  const finding = diagnose({ exchanges: [exchange, ...others], logs: [] }, { kind: 'exchange', exchangeId: exchange.id });
  return finding && finding.exchangeIds.includes(exchange.id) ? fromRule(finding.rule) : undefined;
}

/** A rule by id, for findings the doctor makes without an exchange (e.g. a webhook URL read from settings). */
export function ruleRemedy(id: string): ReusedRemedy | undefined {
  const rule = DIAGNOSIS_RULES.find((candidate) => candidate.id === id);
  return rule ? fromRule(rule) : undefined;
}
